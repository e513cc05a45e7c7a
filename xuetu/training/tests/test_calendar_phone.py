"""The class's work–study calendar, the apprentice's, and the review pages at 390 px, in both
languages: no sideways scrolling (the month is a compact grid with a coloured mark per day)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.models import Cohort
from xuetu.training.models import Review

# As xuetu/tests/test_phone_screens.py (a layer above training, so not imported from here).
SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-results"
PHONE = {"width": 390, "height": 844}
LANGUAGES = {"zh-hans": "zh-CN", "en": "en-GB"}
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", stdout=io.StringIO())
    return live_server.url


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
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"phone-{name}-{language}.png"), full_page=True)


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_calendar_and_reviews_fit_a_phone(browser, demo, language):
    cohort = Cohort.objects.filter(status=CohortStatus.IN_TRAINING, blocks__isnull=False).first()
    assert cohort is not None
    block = cohort.blocks.order_by("starts_on").first()
    enrollment = cohort.enrollments.filter(person__user__username="apprentice").first()
    review = Review.objects.filter(enrollment__cohort=cohort).first()
    assert block is not None and review is not None
    context, page = signed_in(browser, demo, "school", language)
    month = f"{block.starts_on:%Y-%m}"
    for name, path in [
        ("class-calendar", f"/training/classes/{cohort.pk}/calendar/?month={month}"),
        ("class-reviews", f"/training/classes/{cohort.pk}/reviews/"),
        ("overdue-reviews", "/training/reviews/overdue/"),
        ("review", f"/training/reviews/{review.pk}/"),
    ]:
        page.goto(f"{demo}{path}")
        looks_right_on_a_phone(page, name, language)
    assert page.locator("main").count() == 1
    context.close()
    if enrollment is not None:
        context, page = signed_in(browser, demo, "apprentice", language)
        page.goto(f"{demo}/training/enrollments/{enrollment.pk}/calendar/?month={month}")
        assert page.locator("[data-testid=day][data-mark=school]").count() >= 1
        looks_right_on_a_phone(page, "apprentice-calendar", language)
        context.close()
