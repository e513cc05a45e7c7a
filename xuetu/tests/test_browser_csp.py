"""The Content-Security-Policy in Debian's Chromium: the main pages raise no violation, htmx
still polls a job's progress, Swagger UI still draws the API docs and ECharts still draws a
chart, all under the policy the site sends."""

from __future__ import annotations

import pytest

from xuetu.core.jobs import job_create, job_run
from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.tests.factories import build_programme
from xuetu.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any page script; CSP does not apply to it. Every violation is kept on window.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def bureau(browser, live_server, world):
    context = browser.new_context(locale="zh-CN")
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "bureau")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=sign-in]")
    page.wait_for_url(f"{live_server.url}/")
    page.base = live_server.url
    yield page
    context.close()


def violations(page) -> list[str]:
    csp = [text for text in page.console_errors if "Content Security Policy" in text]
    return page.evaluate("window.__violations") + csp


def test_the_main_pages_raise_no_csp_violation(bureau, world):
    cohort = build_programme(world, status=CohortStatus.SUBMITTED).cohort
    for path in (
        "/",
        "/programmes/cohorts/",
        cohort.get_absolute_url(),
        f"/programmes/cohorts/{cohort.pk}/approve/",
        "/registry/enterprises/",
        "/registry/people/",
        "/audit/",
        "/accounts/token/",
        "/accounts/lockouts/",
        "/accounts/password/",
    ):
        bureau.goto(bureau.base + path)
        bureau.wait_for_load_state("load")
        assert bureau.evaluate("typeof htmx") == "object", path  # the script ran
        assert violations(bureau) == [], path
    bureau.context.clear_cookies()
    bureau.goto(bureau.base + "/accounts/login/")
    assert violations(bureau) == []


def test_an_inline_script_without_the_nonce_is_blocked(bureau):
    """The policy is enforced, and the check above sees a violation when there is one."""
    bureau.goto(bureau.base + "/")
    bureau.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.__ran = true";
        document.body.append(script);
      }"""
    )
    bureau.wait_for_function("window.__violations.length > 0")
    assert bureau.evaluate("window.__ran") is None
    assert any(v.startswith("script-src") for v in violations(bureau))


def test_htmx_polls_a_jobs_progress_under_the_policy(bureau, world):
    job = job_create(by=world.users["bureau"], kind="export", params={"list": "enterprise"})
    bureau.goto(f"{bureau.base}/jobs/{job.pk}/")
    assert bureau.get_attribute("#job-progress", "data-state") == "queued"
    job_run(job)
    bureau.wait_for_selector("#job-progress[data-state=done]", timeout=15_000)
    assert violations(bureau) == []


def test_the_api_docs_draw_under_the_policy(bureau):
    bureau.goto(bureau.base + "/api/docs/")
    bureau.wait_for_selector(".swagger-ui .information-container", timeout=15_000)
    assert violations(bureau) == []


def test_echarts_draws_a_chart_under_the_policy(bureau):
    bureau.goto(bureau.base + "/")
    bureau.add_script_tag(url=bureau.base + "/static/vendor/echarts/echarts.min.js")
    bureau.evaluate(
        """() => {
        const box = document.createElement("div");
        box.id = "chart"; box.style.width = "400px"; box.style.height = "300px";
        document.querySelector("main").append(box);
        echarts.init(box).setOption({
          xAxis: {type: "category", data: ["2024", "2025", "2026"]},
          yAxis: {type: "value"},
          series: [{type: "bar", data: [1200, 1850, 2600]}],
        });
      }"""
    )
    assert bureau.locator("#chart canvas").count() == 1
    assert violations(bureau) == []
