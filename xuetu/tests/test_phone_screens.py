"""The four pages a clerk uses most, on a phone (issue 8, item 9 and its "Must show"): the class
list, the people list, the audit log and an import's report, at 390 px in Chinese and in
English. Each fits the screen's width, its ID numbers stay on one line, and each is kept as a
screenshot in `test-results/` for a person to look at."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from xuetu.core.identifiers import make_resident_id
from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.models import Cohort
from xuetu.programmes.roster import TEMPLATE_HEADERS

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"
PHONE = {"width": 390, "height": 844}
LANGUAGES = {"zh-hans": "zh-CN", "en": "en-GB"}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", stdout=io.StringIO())
    return live_server.url


def roster_file() -> bytes:
    """Three apprentices a clerk typed: one right, one with a mistyped ID number, one with a
    contract that ends before it starts."""
    rows = [
        ["李明", make_resident_id("500106", dt.date(2001, 3, 4), 7, gender="M"), "13900000001"],
        ["张敏", "50010620010304002X", "13900000002"],
        ["王芳", make_resident_id("500106", dt.date(2000, 5, 6), 8, gender="F"), "13900000003"],
    ]
    ends = ["2029-08-31", "2029-08-31", "2020-01-01"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(TEMPLATE_HEADERS))
    for (name, id_number, phone), end in zip(rows, ends, strict=True):
        sheet.append([name, id_number, phone, "新入职", "2026-09-01", end, "是", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def signed_in(browser, base: str, username: str, language: str):
    context = browser.new_context(viewport=PHONE, locale=LANGUAGES[language])
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "xuetu-demo")
    page.click("[data-testid=sign-in]")
    page.wait_for_url(f"{base}/")
    return context, page


def looks_right_on_a_phone(page, name: str, language: str) -> None:
    assert page.locator("html").get_attribute("lang") == language
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    # Nor does a list hide columns to the right: no table scrolls sideways inside the page.
    hidden = page.eval_on_selector_all(
        "main .table-responsive", "els => els.map(e => e.scrollWidth - e.clientWidth)"
    )
    assert all(extra <= 1 for extra in hidden), (name, hidden)
    # An ID number is read as one token: it never breaks over two lines.
    heights = page.eval_on_selector_all(
        ".id-number", "els => els.filter(e => e.offsetParent).map(e => e.getClientRects().length)"
    )
    assert all(lines == 1 for lines in heights), (name, heights)
    # A file's value shown in an import report (an ID number, a date) stays on one line too.
    values = page.eval_on_selector_all(
        ".cell-value",
        "els => els.filter(e => e.offsetParent && e.textContent.trim().length <= 22)"
        ".map(e => [e.textContent.trim(), Math.round(e.getBoundingClientRect().height)])",
    )
    line = page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight) || 24")
    assert all(height <= line * 1.5 for _, height in values), (name, values)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"phone-{name}-{language}.png"), full_page=True)


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_clerk_reads_the_class_people_and_audit_lists_on_a_phone(browser, demo, language):
    context, page = signed_in(browser, demo, "bureau", language)
    for name, path in [
        ("class-list", "/programmes/cohorts/"),
        ("people-list", "/registry/people/"),
        ("audit-log", "/audit/"),
    ]:
        page.goto(f"{demo}{path}")
        assert page.locator("main table, main [data-testid=list]").count() >= 1, name
        looks_right_on_a_phone(page, name, language)
    context.close()


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_an_enterprise_clerk_reads_an_import_report_on_a_phone(browser, demo, language):
    cohort = Cohort.objects.filter(
        status=CohortStatus.DRAFT, enterprise__memberships__user__username="enterprise"
    ).first()
    assert cohort is not None
    context, page = signed_in(browser, demo, "enterprise", language)
    page.goto(f"{demo}/programmes/cohorts/{cohort.pk}/roster/import/")
    page.set_input_files(
        "input[type=file]",
        files=[
            {"name": "名单.xlsx", "mimeType": "application/octet-stream", "buffer": roster_file()}
        ],
    )
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url("**/jobs/**")
    # The report polls until the job has finished, then stops polling.
    page.wait_for_selector("#job-progress:not([hx-get])", timeout=30_000)
    looks_right_on_a_phone(page, "import-report", language)
    context.close()


@pytest.fixture
def claims_site(live_server, world):
    """A settlement with its lines, refund obligation and notice (subsidies' shared objects)."""
    from xuetu.subsidies.tests.factories_pages import owned_subsidy_objects

    return live_server.url, owned_subsidy_objects(world)


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_reviewer_reads_a_subsidy_claim_and_its_lists_on_a_phone(
    browser, claims_site, language, world
):
    from xuetu.testing import PASSWORD

    base, objects = claims_site
    claim, refund = objects["subsidies.claim"], objects["subsidies.refundobligation"]
    context = browser.new_context(viewport=PHONE, locale=LANGUAGES[language])
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "bureau")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=sign-in]")
    page.wait_for_url(f"{base}/")
    for name, path in [
        ("claim", claim.get_absolute_url()),
        ("claim-list", "/subsidies/claims/"),
        ("refund", refund.get_absolute_url()),
        ("refund-list", "/subsidies/refunds/"),
        ("budget-list", "/subsidies/budgets/"),
        ("ledger", "/subsidies/ledger/"),
    ]:
        page.goto(f"{base}{path}")
        looks_right_on_a_phone(page, f"subsidy-{name}", language)
    context.close()
