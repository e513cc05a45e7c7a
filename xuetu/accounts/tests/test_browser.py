"""What a person sees: each demo user signs in through Debian's Chromium, lands on a home page
for their role in Chinese, switches to English, and the page fits a phone screen."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-results"
ROLES = {
    "bureau": ("城市管理员", "City administrator"),
    "district": ("区县审核员", "District reviewer"),
    "enterprise": ("企业管理员", "Enterprise manager"),
    "enterprise2": ("企业管理员", "Enterprise manager"),
    "school": ("院校管理员", "Institution manager"),
    "mentor": ("导师", "Mentor"),
    "apprentice": ("学徒", "Apprentice"),
}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", stdout=io.StringIO())
    return live_server.url


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "xuetu-demo")
    page.click("[data-testid=sign-in]")
    page.wait_for_url(f"{base}/")


@pytest.mark.parametrize("username", list(ROLES))
def test_each_demo_user_lands_on_a_home_page_for_their_role(browser, demo, username):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, demo, username)
    chinese, english = ROLES[username]
    assert chinese in page.locator("[data-testid=role]").first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"home-{username}-phone.png"), full_page=True)
    page.click("button.navbar-toggler")
    # A click while the menu is still unfolding can land on the page beneath it.
    page.wait_for_selector("#mainnav.show")
    page.click("[data-testid=language-switch] button[value=en]")
    # The switch posts and reloads: wait for the new page, not the one already loaded.
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert english in page.locator("[data-testid=role]").first.inner_text()
    assert page.locator("html").get_attribute("lang") == "en"
    context.close()


def test_a_wrong_password_is_refused_in_chinese(browser, demo):
    page = browser.new_page()
    page.goto(f"{demo}/accounts/login/")
    page.fill("input[name=username]", "bureau")
    page.fill("input[name=password]", "wrong")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("[data-testid=sign-in]")
    assert "请输入一个正确的用户名和密码" in page.content()
    page.close()
