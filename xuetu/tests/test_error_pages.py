"""Error pages (issue 8, item 10) and what refusals show (item 11): a refused, missing, bad or
failed request gets a page in the reader's language with a way on; a 403 says why; a 404 says
nothing of what was looked for; problem codes stay out of the text people read."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import path

from xuetu import urls as project_urls
from xuetu.core.models import Job
from xuetu.programmes.models import Cohort
from xuetu.programmes.tests.factories import build_programme
from xuetu.programmes.tests.test_pages import cohort_url, roster_file, roster_row, url

REASON = {
    "zh-hans": "仅市人社局可查看审计日志。",
    "en": "Only the city bureau reads the audit log.",
}
TITLE_403 = {"zh-hans": "您无权打开此页面", "en": "You may not open this page"}
TITLE_404 = {"zh-hans": "此页面不存在", "en": "This page does not exist"}
TITLE_400 = {"zh-hans": "无法理解此请求", "en": "The request could not be understood"}
TITLE_500 = {"zh-hans": "系统出错了", "en": "Something went wrong on our side"}
TITLE_CSRF = {"zh-hans": "表单未被接受", "en": "The form could not be accepted"}
LANGUAGES = ["zh-hans", "en"]


class _Text(HTMLParser):
    """The text a reader sees: element content, not attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._hidden += tag in ("script", "style", "title")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style", "title")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(response) -> str:
    parser = _Text()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


def in_language(client: Client, language: str) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def page_lang(response) -> str:
    found = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert found, "the page names its language"
    return found.group(1)


@login_not_required
def boom(request):
    raise RuntimeError("db password is hunter2")


# The project's own URLs and error handlers, plus a view that fails.
urlpatterns = [path("boom/", boom), *project_urls.urlpatterns]
handler400, handler403 = project_urls.handler400, project_urls.handler403
handler404, handler500 = project_urls.handler404, project_urls.handler500


# 403 --------------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_page_says_why_in_the_readers_language(world, language):
    response = in_language(world.client("enterprise"), language).get("/audit/")

    assert response.status_code == 403
    assert page_lang(response) == language
    text = visible_text(response)
    assert TITLE_403[language] in text and REASON[language] in text
    body = response.content.decode()
    assert 'data-testid="user-menu"' in body and 'data-testid="error-links"' in body
    assert 'data-testid="language-switch"' in body


# 404 --------------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_another_organisations_class_is_a_404_page_that_names_nothing(world, language):
    cohort = build_programme(world).cohort
    response = in_language(world.client("enterprise2"), language).get(cohort_url(cohort))

    assert response.status_code == 404
    assert page_lang(response) == language
    text = visible_text(response)
    assert TITLE_404[language] in text
    assert cohort.code not in text and "Cohort" not in text and "matches" not in text
    assert 'data-testid="user-menu"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_visitor_on_a_missing_public_page_is_offered_the_way_in(client, language):
    response = in_language(client, language).get("/verify/a/b/c/")

    assert response.status_code == 404
    assert TITLE_404[language] in visible_text(response)
    assert 'href="/accounts/login/"' in response.content.decode()


# 400, CSRF and 500: drawn without the request -------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_request_for_another_host_gets_a_400_page_in_the_readers_language(client, language):
    response = in_language(client, language).get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert page_lang(response) == language
    assert TITLE_400[language] in visible_text(response)
    assert 'href="/"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_form_without_its_token_gets_a_403_page_in_the_readers_language(language):
    client = in_language(Client(enforce_csrf_checks=True), language)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/verify/"})

    assert response.status_code == 403
    assert page_lang(response) == language
    assert TITLE_CSRF[language] in visible_text(response)
    assert "CSRF" not in visible_text(response)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_server_error_gets_a_500_page_in_the_readers_language_without_details(language):
    client = in_language(Client(raise_request_exception=False), language)
    response = client.get("/boom/")

    assert response.status_code == 500
    assert page_lang(response) == language
    text = visible_text(response)
    assert TITLE_500[language] in text
    assert "hunter2" not in response.content.decode() and "RuntimeError" not in text
    assert 'href="/"' in response.content.decode()


# Problem codes (item 11) ------------------------------------------------------------------------
def assert_no_code_is_shown(response, codes: list[str]) -> None:
    assert codes, "the page must have problems for this check to mean anything"
    text = visible_text(response)
    for code in codes:
        assert not re.search(rf"\b{re.escape(code)}\b", text), (code, text)
        assert f'title="{code}"' in response.content.decode(), code  # kept for support


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_filing_check_shows_messages_and_keeps_codes_out_of_sight(world, language):
    cohort = build_programme(world).cohort
    Cohort.objects.filter(pk=cohort.pk).update(plan_summary="")
    cohort.enrollments.all().delete()
    client = in_language(world.client("enterprise"), language)

    response = client.get(cohort_url(cohort) + "?check=1")

    problems = response.context["checked"]
    assert len(problems) >= 2
    assert all(str(p.message) in visible_text(response) for p in problems)
    assert_no_code_is_shown(response, [p.code for p in problems])


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_an_import_report_shows_messages_and_keeps_codes_out_of_sight(
    world, language, django_capture_on_commit_callbacks
):
    programme = build_programme(world)
    bad = roster_row(programme, 3)
    bad[1], bad[3] = "50011219990401000X", "临时工"
    data = roster_file([bad])
    client = in_language(world.client("enterprise"), language)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("cohort_roster_import", programme.cohort),
            {"file": SimpleUploadedFile("r.xlsx", data)},
        )
    job = Job.objects.get()
    assert job.result is not None
    problems = job.result["problems"]
    codes = [p["code"] for p in problems]

    for page in (f"/jobs/{job.pk}/", url("cohort_roster_import", programme.cohort)):
        response = client.get(page)
        assert response.status_code == 200
        assert all(p["message"] in visible_text(response) for p in problems)
        assert_no_code_is_shown(response, codes)
