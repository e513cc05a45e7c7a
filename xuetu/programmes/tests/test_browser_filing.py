"""The whole filing story in Debian's Chromium, once in Chinese and once in English: the
enterprise drafts a class, imports its roster from Excel and submits it; the district reviewer
returns it with a comment; the enterprise fixes it and submits again; the reviewer approves;
the city bureau finds every step in the audit log. The enterprise works on a desktop screen,
the reviewer on a phone."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import Workbook

from xuetu.core.identifiers import make_resident_id
from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.models import Cohort, CooperationAgreement, Mentor
from xuetu.programmes.tests.factories import (
    build_programme,
    make_agreement,
    make_mentor,
    make_occupation,
    make_person,
    make_policy,
    make_teacher,
)
from xuetu.registry.models import Occupation
from xuetu.testing import PASSWORD, World

SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-results"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
HEADERS = [
    "姓名",
    "身份证号",
    "手机号",
    "学徒类别",
    "劳动合同开始日期",
    "劳动合同结束日期",
    "是否缴纳社保",
    "企业导师",
    "院校导师",
]
STEPS = [
    "cohort.create",
    "cohort.roster_import",
    "cohort.submit",
    "cohort.return",
    "cohort.update",
    "cohort.submit",
    "cohort.approve",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass
class Setting:
    world: World
    agreement: CooperationAgreement
    occupation: Occupation
    mentor: Mentor
    teacher: Mentor


@pytest.fixture
def setting(world) -> Setting:
    """A signed agreement and two mentors: what an enterprise has before it files a class."""
    make_policy()
    mentor_person = make_person("王劲松", organisation=world.enterprise)
    teacher_person = make_person("吴辉", organisation=world.institution)
    return Setting(
        world=world,
        agreement=make_agreement(world),
        occupation=make_occupation(),
        mentor=make_mentor(world, person=mentor_person),
        teacher=make_teacher(world, person=teacher_person),
    )


def roster_xlsx(setting: Setting) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for n, name in enumerate(["赵小龙", "钱小凤"], start=1):
        number = make_resident_id("500112", dt.date(2001, 5, n), 30 + n, gender="M")
        mentors = [setting.mentor.person.name, setting.teacher.person.name]
        sheet.append([name, number, "", "新入职", "2026-01-01", "", "是", *mentors])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def label(status: str, language: str) -> str:
    with translation.override(language):
        return str(CohortStatus(status).label)


class Person:
    """One signed-in user in their own browser context."""

    def __init__(
        self,
        browser,
        base: str,
        username: str,
        language: str,
        viewport: dict,
        *,
        javascript: bool = True,
    ):
        self.context = browser.new_context(
            viewport=viewport, locale="zh-CN", java_script_enabled=javascript
        )
        self.page = self.context.new_page()
        self.base, self.username, self.language = base, username, language
        self.sign_in()

    def sign_in(self) -> None:
        page = self.page
        page.goto(f"{self.base}/accounts/login/")
        page.fill("input[name=username]", self.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("[data-testid=sign-in]")
        page.wait_for_url(f"{self.base}/")
        if self.language != "zh-hans":
            toggler = page.locator("button.navbar-toggler")
            if toggler.is_visible():
                toggler.click()
                # A click while the menu is still unfolding can land on the page beneath it.
                page.wait_for_selector("#mainnav.show")
            page.click(f"[data-testid=language-switch] button[value={self.language}]")
            # The switch posts and reloads: wait for the new page, not the one already loaded.
            page.wait_for_function(f"document.documentElement.lang === '{self.language}'")
        assert page.locator("html").get_attribute("lang") == self.language

    def open(self, path: str) -> None:
        self.page.goto(f"{self.base}{path}")

    def status(self) -> str:
        return self.page.locator("h1 ~ [data-testid=status]").first.inner_text()

    def expect_status(self, status: str) -> None:
        badge = self.page.locator(f"h1 ~ [data-testid=status][data-status={status}]")
        badge.wait_for()
        assert badge.inner_text() == label(status, self.language)

    def fits(self) -> None:
        width = self.page.viewport_size["width"]
        assert self.page.evaluate("document.documentElement.scrollWidth") <= width

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"filing-{name}-{self.language}.png"
        self.page.screenshot(path=str(path), full_page=True)

    def confirm(self) -> str:
        """The confirmation page of an action just asked for: says what will happen, then
        does it. Returns what it said."""
        said = self.page.locator("[data-testid=consequence]")
        said.wait_for()
        self.fits()
        text = said.inner_text()
        self.page.click("[data-testid=do-action]")
        self.page.wait_for_load_state("load")
        return text

    def close(self) -> None:
        self.context.close()


def draft_class(enterprise: Person, setting: Setting) -> int:
    page = enterprise.page
    enterprise.open("/programmes/cohorts/new/")
    page.fill("input[name=name]", "焊工高级工学徒班（2026）")
    page.select_option("select[name=agreement]", str(setting.agreement.pk))
    page.select_option("select[name=occupation]", str(setting.occupation.pk))
    page.select_option("select[name=target_level]", "3")
    page.fill("input[name=planned_start]", "2026-03-01")
    page.fill("input[name=planned_end]", "2028-02-29")
    page.fill("input[name=planned_headcount]", "2")
    page.fill("textarea[name=plan_summary]", "理论教学 400 学时，岗位实训 1200 学时。")
    page.click("[data-testid=save]")
    page.wait_for_url(re.compile(r".*/programmes/cohorts/\d+/$"))
    enterprise.expect_status(CohortStatus.DRAFT)
    return int(page.url.rstrip("/").rsplit("/", 1)[-1])


def submit_too_early(enterprise: Person) -> None:
    """An empty roster: the submit is refused with the problem listed, nothing changes."""
    enterprise.page.click("[data-testid=submit]")
    enterprise.confirm()
    problems = enterprise.page.locator("[data-testid=problems]")
    problems.wait_for()
    assert problems.locator("li[data-code=roster_empty]").count() == 1
    enterprise.expect_status(CohortStatus.DRAFT)
    enterprise.shot("refused-desktop")


def import_roster(enterprise: Person, setting: Setting, cohort: int) -> None:
    page = enterprise.page
    page.click("[data-testid=import-roster]")
    page.set_input_files(
        "input[name=file]",
        files=[
            {
                "name": "名册.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": roster_xlsx(setting),
            }
        ],
    )
    page.click("[data-testid=upload]")
    page.wait_for_url(re.compile(r".*/jobs/\d+/$"))
    page.locator("#job-progress[data-state=done]").wait_for()
    enterprise.shot("roster-job-desktop")
    enterprise.open(f"/programmes/cohorts/{cohort}/")
    assert page.locator("[data-testid=roster] tbody tr").count() == 2


def review(reviewer: Person, cohort: int, button: str, comment: str = "") -> None:
    reviewer.open(f"/programmes/cohorts/{cohort}/")
    reviewer.expect_status(CohortStatus.SUBMITTED)
    reviewer.fits()
    reviewer.page.fill("textarea[name=comment]", comment)
    reviewer.shot(f"review-{button}-phone")
    reviewer.page.click(f"[data-testid={button}]")
    reviewer.shot(f"confirm-{button}-phone")
    reviewer.confirm()


def fix_and_resubmit(enterprise: Person, cohort: int, comment: str) -> None:
    page = enterprise.page
    enterprise.open(f"/programmes/cohorts/{cohort}/")
    enterprise.expect_status(CohortStatus.RETURNED)
    assert comment in page.locator("[data-testid=review-comment]").inner_text()
    page.click("[data-testid=edit]")
    page.locator("[data-testid=reopen-warning]").wait_for()
    page.fill(
        "textarea[name=plan_summary]", "理论 400 学时，实训 1200 学时；考核：理论考试 + 实操考核。"
    )
    page.click("[data-testid=save]")
    page.wait_for_url(re.compile(r".*/programmes/cohorts/\d+/$"))
    enterprise.expect_status(CohortStatus.DRAFT)
    page.click("[data-testid=submit]")
    enterprise.confirm()
    enterprise.expect_status(CohortStatus.SUBMITTED)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_whole_filing_story_works_in_the_browser(browser, live_server, setting, language):
    base = live_server.url
    enterprise = Person(browser, base, "enterprise", language, DESKTOP)
    cohort = draft_class(enterprise, setting)
    submit_too_early(enterprise)
    import_roster(enterprise, setting, cohort)
    enterprise.page.click("[data-testid=submit]")
    enterprise.confirm()
    enterprise.expect_status(CohortStatus.SUBMITTED)
    enterprise.fits()
    enterprise.shot("submitted-desktop")

    reviewer = Person(browser, base, "district", language, PHONE)
    comment = "请补充考核方式。"
    review(reviewer, cohort, "return", comment)
    reviewer.expect_status(CohortStatus.RETURNED)
    reviewer.shot("returned-phone")

    fix_and_resubmit(enterprise, cohort, comment)
    review(reviewer, cohort, "approve")
    reviewer.expect_status(CohortStatus.APPROVED)
    reviewer.fits()
    reviewer.shot("approved-phone")
    assert Cohort.objects.get(pk=cohort).status == CohortStatus.APPROVED

    bureau = Person(browser, base, "bureau", language, DESKTOP)
    bureau.open(f"/audit/?object_type=programmes.cohort&object_id={cohort}")
    actions = bureau.page.locator("table tbody code").all_inner_texts()
    assert list(reversed(actions)) == STEPS
    bureau.shot("audit-desktop")
    for person in (enterprise, reviewer, bureau):
        person.close()


def test_an_approval_asks_for_confirmation_and_works_without_javascript(
    browser, live_server, world
):
    """The confirmation is a second page, not a script's dialog: with JavaScript off the
    reviewer reads what will happen and who is told, and only then approves."""
    cohort = build_programme(world, status=CohortStatus.SUBMITTED).cohort
    reviewer = Person(browser, live_server.url, "district", "zh-hans", PHONE, javascript=False)
    reviewer.open(f"/programmes/cohorts/{cohort.pk}/")
    reviewer.page.fill("textarea[name=comment]", "同意开班。")
    reviewer.page.click("[data-testid=approve]")
    told = reviewer.page.locator("[data-testid=told]")
    told.wait_for()
    assert world.enterprise.name in told.inner_text()
    assert Cohort.objects.get(pk=cohort.pk).status == CohortStatus.SUBMITTED
    reviewer.shot("confirm-approve-nojs-phone")
    said = reviewer.confirm()
    assert "同意开班。" in said
    reviewer.expect_status(CohortStatus.APPROVED)
    assert Cohort.objects.get(pk=cohort.pk).review_comment == "同意开班。"
    history = reviewer.page.locator("[data-testid=filing-step]")
    assert history.count() >= 1
    reviewer.close()
