"""Public verification as people really use it (issue 8, item 15): a number typed on a phone
or copied from a letter (lower case, spaces, full-width characters) still finds its document,
and a visitor who is not signed in can switch the page's language."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.utils import timezone

from xuetu.core.verify import HOLDER_NAME, Verifiable, normalise_number, site_wording
from xuetu.programmes.tests.test_documents import make_appointment

NUMBER = "PS-2026-000007"
AS_TYPED = [
    "ps-2026-000007 ",
    " PS-2026-000007",
    "Ps-2026-000007\t",
    "ＰＳ－２０２６－０００００７",
    "ｐｓ－２０２６－０００００７　",
    "PS – 2026 – 000007",
    "PS—2026—000007",
    "PS-2026-000 007",
]


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    # Verification requests are counted per address (30 in ten minutes): each test its own.
    cache.clear()
    yield
    cache.clear()


def current_letter(world):
    today = timezone.localdate()
    return make_appointment(
        world,
        number=NUMBER,
        term_start=today - dt.timedelta(days=30),
        term_end=today + dt.timedelta(days=300),
    )


@pytest.mark.parametrize("typed", AS_TYPED)
def test_a_number_as_typed_or_copied_reads_as_the_printed_number(typed):
    assert normalise_number(typed) == NUMBER


def test_what_is_not_a_number_stays_not_a_number():
    assert normalise_number("   ") == ""
    assert normalise_number("PS/2026/000007") == "PS/2026/000007"


@pytest.mark.django_db
@pytest.mark.parametrize("typed", AS_TYPED)
def test_the_form_finds_a_letter_by_its_number_as_typed(client, world, typed):
    appointment = current_letter(world)

    response = client.get("/verify/", {"number": typed, "code": appointment.code})

    assert response.status_code == 302
    assert response["Location"] == f"/verify/{NUMBER}/?code={appointment.code}"


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["ps-2026-000007 ", "ＰＳ－２０２６－０００００７"])
def test_a_link_with_the_number_as_typed_shows_the_letter(client, world, typed):
    current_letter(world)

    response = client.get(f"/verify/{typed}/")

    assert response.status_code == 200
    assert 'data-status="valid"' in response.content.decode()


@pytest.mark.django_db
def test_another_number_is_still_not_found(client, world):
    current_letter(world)

    response = client.get("/verify/", {"number": "ps-2026-000008"})

    assert response.status_code == 200 and 'data-status="not_found"' in response.content.decode()


@pytest.mark.django_db
def test_the_verification_pages_keep_the_code_out_of_referers_but_send_their_origin(client, world):
    appointment = current_letter(world)
    for path in ("/verify/", f"/verify/{NUMBER}/?code={appointment.code}"):
        body = client.get(path).content.decode()
        assert '<meta name="referrer" content="strict-origin">' in body, path
        assert "no-referrer" not in body, path


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_visitor_switches_the_verification_page_to_english_and_back(browser, live_server, world):
    appointment = current_letter(world)
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    url = f"{live_server.url}/verify/{NUMBER}/?code={appointment.code}"
    try:
        page.goto(url)
        assert page.get_attribute("html", "lang") == "zh-hans"

        with page.expect_navigation():
            page.click("[data-testid=language-switch] button[value=en]")

        assert page.url == url  # back on the same letter, code and all
        assert page.get_attribute("html", "lang") == "en"
        assert "Appointment letter verification" in page.inner_text("h1")
        assert page.get_attribute("[data-testid=verify-status]", "data-status") == "valid"

        with page.expect_navigation():
            page.click("[data-testid=language-switch] button[value=zh-hans]")
        assert page.get_attribute("html", "lang") == "zh-hans"
        assert page.url == url
    finally:
        context.close()


def test_a_kind_verified_by_name_must_say_how_to_find_it_by_name():
    with pytest.raises(ValueError, match="needs find_held"):
        Verifiable(kind="x", wording=site_wording(), secret=HOLDER_NAME)
    with pytest.raises(ValueError, match="needs find"):
        Verifiable(kind="x", wording=site_wording())


@pytest.mark.django_db
def test_a_letters_json_answer_is_its_status_alone(client, world):
    appointment = current_letter(world)

    response = client.get(f"/verify/{NUMBER}/", {"code": appointment.code, "format": "json"})
    missing = client.get("/verify/PS-2026-000008/", {"format": "json"})

    assert json.loads(response.content) == {"found": True, "status": "valid"}
    assert missing.status_code == 404 and missing.content == b'{"found":false}'


@pytest.mark.django_db
def test_the_form_offers_the_holders_name_and_keeps_the_letters_code(client):
    body = client.get("/verify/").content.decode()

    assert 'name="number"' in body and 'name="name"' in body and 'name="code"' in body
    assert 'data-testid="verify-code"' in body  # folded away: most visitors hold a certificate


@pytest.mark.django_db
def test_a_name_given_for_a_letter_is_no_secret_of_it(client, world):
    current_letter(world)

    response = client.get(f"/verify/{NUMBER}/", {"name": "王建松"})

    assert response.status_code == 200 and 'data-status="valid"' in response.content.decode()
    assert "王*松" not in response.content.decode()  # only the code shows the holder
