"""The public notices (issue 10, item 5): the list and the notice without signing in, masked
names and no ID number on the page, in the PDF and in the Excel file; the objection form while
the notice runs (the claim goes back under review), refused once it has ended, limited per
address; bad input answered with a message, never a 500."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from xuetu.subsidies.choices import ClaimKind, ClaimStatus, ObjectionStatus
from xuetu.subsidies.models import Notice, Objection
from xuetu.subsidies.services import claims as svc
from xuetu.subsidies.tests.factories import (
    AFTER_NOTICE,
    PUBLISHED,
    TODAY,
    Claimable,
    claimable_class,
)
from xuetu.subsidies.tests.test_claims import PAYEE, through_notice
from xuetu.subsidies.views_public import OBJECTION_LIMIT

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return done.stdout.decode()


def xlsx_text(data: bytes) -> str:
    sheet = load_workbook(io.BytesIO(data)).active
    return "\n".join(
        " ".join("" if v is None else str(v) for v in row)
        for row in sheet.iter_rows(values_only=True)
    )


def settlement(world, **values):
    cohort = claimable_class(world, **values).cohort
    by, kind = world.users["enterprise"], ClaimKind.SETTLEMENT
    return svc.claim_create(by=by, cohort=cohort, kind=kind, today=TODAY, **PAYEE)


@pytest.fixture
def on_notice(world):
    claim = settlement(world)
    notice = through_notice(world, claim)
    return Claimable(claim.cohort, list(claim.cohort.enrollments.all())), claim, notice


@pytest.fixture
def today(monkeypatch):
    """The views read timezone.localdate(): a fixed day instead."""

    def set_day(day: dt.date) -> None:
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)

    set_day(PUBLISHED)
    return set_day


def secrets_of(c) -> list[str]:
    people = [e.person for e in c.enrollments]
    return [p.name for p in people] + [p.id_number for p in people]


def test_the_list_and_the_notice_open_without_signing_in_and_show_no_full_name(
    client, on_notice, today
):
    c, _claim, notice = on_notice
    listing = client.get("/public/notices/")
    assert listing.status_code == 200
    body = listing.content.decode()
    assert c.cohort.code in body and c.cohort.enterprise.name in body
    assert 'data-status="running"' in body
    assert '<meta name="robots" content="noindex">' in body
    page = client.get(f"/public/notices/{notice.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "34000.00" in html  # 12,000 + 12,000 + 10,000
    assert "2026-10-08" in html and "2026-10-13" in html
    assert "学*0" in html
    assert 'data-testid="objection-form"' in html
    for secret in secrets_of(c):
        assert secret not in html, secret


def test_the_pdf_and_the_excel_file_hold_the_same_masked_content(client, on_notice, today):
    c, _claim, notice = on_notice
    pdf = client.get(f"/public/notices/{notice.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(pdf.streaming_content))
    assert c.cohort.enterprise.name in text and "学*0" in text and "34000.00" in text
    xlsx = client.get(f"/public/notices/{notice.pk}/xlsx/")
    assert xlsx.status_code == 200
    data = b"".join(xlsx.streaming_content)
    sheet = load_workbook(io.BytesIO(data)).active
    amounts = [
        row[2]
        for row in sheet.iter_rows(min_row=1)
        if isinstance(row[0].value, str) and "*" in row[0].value
    ]
    assert [cell.value for cell in amounts] == [12000, 12000, 10000]
    assert all(cell.number_format == "0.00" for cell in amounts)
    assert all(cell.data_type == "n" for cell in amounts)
    for secret in secrets_of(c):
        assert secret not in text and secret not in xlsx_text(data), secret


def test_an_objection_sends_the_claim_back_under_review(client, on_notice, today):
    _c, claim, notice = on_notice
    url = f"/public/notices/{notice.pk}/"
    response = client.post(
        url, {"text": "学徒0 从未参加培训。", "name": "张三", "contact": "13800000000"}
    )
    assert response.status_code == 302 and response["Location"] == url
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.UNDER_REVIEW
    objection = Objection.objects.get(notice=notice)
    assert objection.status == ObjectionStatus.OPEN and objection.contact == "13800000000"
    notice.refresh_from_db()
    assert notice.withdrawn_at is not None
    page = client.get(url).content.decode()
    assert 'data-status="withdrawn"' in page and 'data-testid="objection-closed"' in page
    assert 'data-testid="objection-form"' not in page
    assert "13800000000" not in page and "张三" not in page
    listing = client.get("/public/notices/").content.decode()
    assert 'data-status="withdrawn"' in listing


def test_an_objection_is_refused_once_the_notice_has_ended(client, on_notice, today):
    _c, claim, notice = on_notice
    today(AFTER_NOTICE)
    url = f"/public/notices/{notice.pk}/"
    page = client.get(url).content.decode()
    assert 'data-status="ended"' in page and 'data-testid="objection-form"' not in page
    response = client.post(url, {"text": "太晚了"}, follow=True)
    assert response.status_code == 200
    assert not Objection.objects.exists()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ON_NOTICE


def test_objections_are_limited_per_address(client, on_notice, today):
    _c, _claim, notice = on_notice
    url = f"/public/notices/{notice.pk}/"
    for _ in range(OBJECTION_LIMIT):
        assert client.post(url, {"text": ""}).status_code == 200  # refused: text needed
    limited = client.post(url, {"text": "第六次"})
    assert limited.status_code == 429
    assert 'data-testid="objection-limited"' in limited.content.decode()
    assert not Objection.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "bad\x00text"}, "text"),
        ({"text": "x" * 2001}, "text"),
        ({"text": "ok", "name": "王\x0b明"}, "name"),
        ({"text": "ok", "name": "王" * 61}, "name"),
        ({"text": "ok", "contact": "1" * 101}, "contact"),
    ],
)
def test_bad_objections_are_refused_on_their_field(client, on_notice, today, data, field):
    _c, _claim, notice = on_notice
    response = client.post(f"/public/notices/{notice.pk}/", data)
    assert response.status_code == 200
    assert f'data-field="{field}"' in response.content.decode()
    assert not Objection.objects.exists()


def test_the_form_needs_its_csrf_token(on_notice, today):
    _c, _claim, notice = on_notice
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/public/notices/{notice.pk}/", {"text": "x"}).status_code == 403
    assert not Objection.objects.exists()


def test_bad_addresses_and_methods_never_fail(client, on_notice, today):
    _c, _claim, notice = on_notice
    for url in (
        f"/public/notices/{2**63}/",
        f"/public/notices/{2**63 - 1}/",
        "/public/notices/0/",
        f"/public/notices/{notice.pk + 1000}/pdf/",
        f"/public/notices/{2**64}/xlsx/",
    ):
        assert client.get(url).status_code == 404, url
    for suffix in ("pdf/", "xlsx/"):
        url = f"/public/notices/{notice.pk}/{suffix}"
        assert client.head(url).status_code == 200
        assert client.post(url).status_code == 405
    assert client.post("/public/notices/").status_code == 405
    assert client.put(f"/public/notices/{notice.pk}/").status_code == 405
    assert client.head(f"/public/notices/{notice.pk}/").status_code == 200


@pytest.mark.parametrize("query", ["a\x00b", "x" * 101, "\x1b[31m"])
def test_a_bad_search_is_answered_with_a_message(client, on_notice, today, query):
    response = client.get("/public/notices/", {"q": query, "page": "zz"})
    assert response.status_code == 200
    assert 'data-field="q"' in response.content.decode()


def test_the_search_finds_by_class_code_or_enterprise_and_pages_bound(client, on_notice, today):
    c, _claim, _notice = on_notice
    assert c.cohort.code in client.get("/public/notices/", {"q": c.cohort.code}).content.decode()
    name = c.cohort.enterprise.name[:2]
    assert c.cohort.code in client.get("/public/notices/", {"q": name}).content.decode()
    none = client.get("/public/notices/", {"q": "没有这个企业"}).content.decode()
    assert 'data-testid="no-notices"' in none
    assert client.get("/public/notices/", {"page": str(2**70)}).status_code == 200


def test_running_notices_come_first(world, client, on_notice, today):
    _c, claim, notice = on_notice
    ended = Notice.objects.create(
        claim=claim,
        published_on=dt.date(2026, 9, 1),
        starts_on=dt.date(2026, 9, 2),
        ends_on=dt.date(2026, 9, 8),
        working_days=5,
        content={**notice.content, "cohort_code": "ENDED-1"},
    )
    body = client.get("/public/notices/").content.decode()
    assert body.index(f"/public/notices/{notice.pk}/") < body.index(f"/public/notices/{ended.pk}/")


def test_the_pages_speak_english_when_asked_without_signing_in(client, on_notice, today):
    _c, _claim, notice = on_notice
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/public/notices/"})
    assert response.status_code == 302
    english = client.get(f"/public/notices/{notice.pk}/").content.decode()
    assert "Raise an objection" in english and "Running" in english
    pdf = client.get(f"/public/notices/{notice.pk}/pdf/")
    assert "Public notice of a training subsidy claim" in pdf_text(b"".join(pdf.streaming_content))
    chinese = Client().get(f"/public/notices/{notice.pk}/").content.decode()
    assert "Raise an objection" not in chinese and "公示" in chinese


def test_a_notice_shows_its_amount_as_decimal(on_notice):
    _c, _claim, notice = on_notice
    from xuetu.subsidies.exports import notice_view

    view = notice_view(notice, PUBLISHED)
    assert view.amount == Decimal("34000.00") and isinstance(view.amount, Decimal)
    assert all(isinstance(p["amount"], Decimal) for p in view.people)
