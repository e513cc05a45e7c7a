"""The subsidies' files for staff (issue 10, item 10): the finance bureau's payment list (the
city's alone, the full account number, amounts as numbers whose sum is the total cell, a SUM
formula, names that look like formulas kept as text) and a claim as PDF (the account masked,
the lines with their explanations and flagged checks in the reader's language)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from xuetu.core.excel import read_rows
from xuetu.programmes.choices import CohortStatus
from xuetu.registry.models import Enterprise
from xuetu.subsidies.choices import ClaimKind
from xuetu.subsidies.services import claims as svc
from xuetu.subsidies.tests.factories import TODAY, claimable_class
from xuetu.subsidies.tests.test_claims import PAYEE, pay
from xuetu.subsidies.tests.test_public_notices import pdf_text, settlement

pytestmark = pytest.mark.django_db
URL = "/subsidies/finance/export.xlsx"
FULL = "50001234567890123456"


def advance(world):
    c = claimable_class(world, status=CohortStatus.IN_TRAINING, levels=(3, 3, 3), withdrawn=1)
    return svc.claim_create(
        by=world.users["enterprise"], cohort=c.cohort, kind=ClaimKind.ADVANCE, today=TODAY, **PAYEE
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def money_rows(data: bytes) -> tuple[list, list]:
    """The payment rows (a claim id in column A) and the total row, as openpyxl reads them."""
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [row for row in sheet.iter_rows() if isinstance(row[0].value, int)]
    total = next(row for row in sheet.iter_rows() if row[0].value in ("Total", "合计"))
    return rows, total


def test_the_finance_export_is_the_citys_alone(world, client):
    claim = settlement(world)
    pay(world, claim)
    for persona in ("enterprise", "district", "school", "mentor", "apprentice", "enterprise2"):
        assert world.client(persona).get(URL).status_code == 403, persona
    assert client.get(URL).status_code == 302  # to the sign-in page
    response = world.client("bureau").get(URL, {"year": "2026"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_amounts_are_numbers_whose_sum_is_the_total_and_the_account_is_whole(world):
    first = settlement(world)
    pay(world, first)
    second = advance(world)
    pay(world, second)
    data = body(world.client("bureau").get(URL, {"year": "2026"}))
    rows, total = money_rows(data)
    assert {row[0].value for row in rows} == {first.pk, second.pk}
    amounts = [row[8] for row in rows]
    assert all(cell.data_type == "n" and cell.number_format == "0.00" for cell in amounts)
    as_decimal = [Decimal(str(cell.value)).quantize(Decimal("0.01")) for cell in amounts]
    assert sorted(as_decimal) == [Decimal("24000.00"), Decimal("34000.00")]
    assert total[8].data_type == "n" and total[8].number_format == "0.00"
    assert sum(as_decimal) == Decimal(str(total[8].value)) == Decimal("58000.00")
    assert {row[7].value for row in rows} == {FULL}
    assert all(row[7].data_type == "s" for row in rows)  # the number stays text
    # Under the total, a SUM over the column that a spreadsheet recomputes to the same figure.
    sheet = load_workbook(io.BytesIO(data)).active
    formulas = [c.value for row in sheet.iter_rows() for c in row if str(c.value).startswith("=")]
    first_row, last_row = rows[0][8].row, rows[-1][8].row
    assert formulas == [f"=SUM(I{first_row}:I{last_row})"]
    # python-calamine reads the same numbers.
    calamine = [r for r in read_rows(data) if isinstance(r[0], (int, float)) and r[0] >= 1]
    assert sorted(Decimal(str(r[8])) for r in calamine) == [Decimal(24000), Decimal(34000)]


def test_the_period_filters_and_bad_periods_are_answered_with_a_message(world):
    claim = settlement(world)
    pay(world, claim)
    bureau = world.client("bureau")
    assert money_rows(body(bureau.get(URL, {"year": "2025"})))[0] == []
    ranged = body(bureau.get(URL, {"start": "2026-10-01", "end": "2026-10-31"}))
    assert len(money_rows(ranged)[0]) == 1
    for query in (
        {"year": "9999"},
        {"year": "abc"},
        {"year": str(2**70)},
        {"start": "9999-01-01"},
        {"start": "2026-10-31", "end": "2026-10-01"},
        {"end": "2026-02-30"},
    ):
        response = bureau.get(URL, query)
        assert response.status_code == 400, query
        assert "invalid-feedback" in response.content.decode(), query


def test_names_that_look_like_formulas_stay_text(world):
    claim = settlement(world)
    Enterprise.objects.filter(pk=claim.cohort.enterprise_id).update(
        name='=HYPERLINK("https://evil.example","x")'
    )
    pay(world, claim)
    data = body(world.client("bureau").get(URL))  # no period: the current year
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [c for row in sheet.iter_rows() for c in row if str(c.value).startswith("=HYPER")]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_the_export_reads_a_fixed_number_of_queries(world):
    bureau = world.client("bureau")
    pay(world, settlement(world))
    with CaptureQueriesContext(connection) as one:
        bureau.get(URL, {"year": "2026"})
    pay(world, advance(world))
    with CaptureQueriesContext(connection) as two:
        bureau.get(URL, {"year": "2026"})
    assert len(two) == len(one)


def test_the_claim_pdf_masks_the_account_and_explains_each_line(world, client):
    claim = settlement(world)
    url = f"/subsidies/claims/{claim.pk}/pdf/"
    response = world.client("enterprise").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(body(response))
    assert "**** 3456" in text and FULL not in text and "5000 1234" not in text
    assert claim.cohort.code in text and "34000.00" in text
    line = claim.lines.get(person__name="退出0")
    assert line.explanation_zh.split("。")[0][:8] in text.replace("\n", "")
    failed = next(c for c in line.checks if c["result"] == "fail")
    assert failed["code"] in text
    assert world.client("district").get(url).status_code == 200
    assert world.client("bureau").get(url).status_code == 200
    for persona in ("enterprise2", "school", "apprentice"):
        assert world.client(persona).get(url).status_code == 404, persona
    assert client.get(url).status_code == 302
    assert world.client("bureau").get(f"/subsidies/claims/{2**63}/pdf/").status_code == 404
    assert world.client("bureau").post(url).status_code == 405


def test_the_claim_pdf_speaks_the_readers_language(world):
    claim = settlement(world)
    client = world.client("enterprise")
    client.post("/i18n/setlang/", {"language": "en"})
    text = pdf_text(body(client.get(f"/subsidies/claims/{claim.pk}/pdf/")))
    assert "Account number" in text and "Explanation" in text
    line = claim.lines.get(person__name="学徒0")
    assert line.explanation_en.split(".")[0][:20] in text.replace("\n", " ")


def test_the_claim_page_buttons_show_the_finance_export_to_the_city_alone(world):
    claim = settlement(world)
    for persona, shows in (("bureau", True), ("enterprise", False), ("district", False)):
        request = RequestFactory().get("/")
        request.user = world.users[persona]
        html = render_to_string("subsidies/_claim_exports.html", {"object": claim}, request=request)
        assert f"/subsidies/claims/{claim.pk}/pdf/" in html
        assert ("/subsidies/finance/export.xlsx" in html) is shows, persona


def test_payments_only(world):
    """Refund-due entries are not payments: a claim that owes money back is not listed."""
    claim = settlement(world)
    pay(world, claim)
    data = body(world.client("bureau").get(URL, {"start": "2026-01-01"}))
    rows, total = money_rows(data)
    assert len(rows) == 1 and total[8].value == 34000
    assert dt.date(2026, 10, 14) == rows[0][9].value.date()


def test_each_claim_in_the_finance_export_is_in_the_audit_log(client, world):
    from xuetu.core.models import AuditEvent
    from xuetu.subsidies.choices import ClaimKind
    from xuetu.subsidies.services import claims as svc
    from xuetu.subsidies.tests.factories import TODAY, claimable_class
    from xuetu.subsidies.tests.test_claims import PAYEE, pay

    c = claimable_class(world)
    claim = svc.claim_create(
        by=world.users["enterprise"],
        cohort=c.cohort,
        kind=ClaimKind.SETTLEMENT,
        today=TODAY,
        **PAYEE,
    )
    pay(world, claim)
    client.force_login(world.users["bureau"])
    assert client.get("/subsidies/finance/export.xlsx?year=2026").status_code == 200
    event = AuditEvent.objects.get(action="claim.account_exported")
    assert (event.object_id, event.actor) == (str(claim.pk), world.users["bureau"])
