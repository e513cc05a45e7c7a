"""The staff pages of subsidy claims (issue 10, items 3–5, 9): each role sees what its access
table gives, the whole flow runs through the pages with fixed dates, the payee account is never
shown whole, and bad input is a clear answer, never a server error."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from xuetu.core.ids import MAX_ID
from xuetu.programmes.choices import CohortStatus
from xuetu.subsidies.choices import ClaimKind, ClaimStatus, LedgerKind, RefundStatus
from xuetu.subsidies.models import Budget, Claim, LedgerEntry
from xuetu.subsidies.services import claims as svc
from xuetu.subsidies.tests.factories import AFTER_NOTICE, PUBLISHED, TODAY, claimable_class
from xuetu.subsidies.tests.factories_pages import PAYEE, owned_subsidy_objects

pytestmark = pytest.mark.django_db

FULL_ACCOUNT = "50001234567890123456"


@pytest.fixture
def on_day(monkeypatch):
    """Sets the day the pages (and the services they call) take as today."""

    def set_day(day: dt.date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    set_day(TODAY)
    return set_day


@pytest.fixture
def claimed(world):
    c = claimable_class(world, levels=(3, 4), withdrawn=1)
    claim = svc.claim_create(
        by=world.users["enterprise"],
        cohort=c.cohort,
        kind=ClaimKind.SETTLEMENT,
        today=TODAY,
        **PAYEE,
    )
    return claim


def confirm(client, url: str, data: dict | None = None):
    return client.post(url, {**(data or {}), "confirmed": "1"})


def test_the_enterprise_sees_its_claim_and_another_enterprise_gets_404(world, claimed):
    url = claimed.get_absolute_url()
    page = world.client("enterprise").get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "学徒0" in body and "**** 3456" in body
    assert FULL_ACCOUNT not in body and "5000 1234" not in body
    assert world.client("enterprise2").get(url).status_code == 404
    assert world.client("district").get(url).status_code == 200
    for persona in ("apprentice", "mentor", "school"):
        assert world.client(persona).get(url).status_code == 404


def test_the_claims_list_shows_each_role_its_rows(world, claimed):
    link = f'href="{claimed.get_absolute_url()}"'
    for persona, shown in (
        ("enterprise", True),
        ("district", True),
        ("bureau", True),
        ("enterprise2", False),
        ("apprentice", False),
        ("school", False),
    ):
        response = world.client(persona).get("/subsidies/claims/")
        assert response.status_code == 200
        assert (link in response.content.decode()) is shown, persona


def test_anonymous_readers_are_sent_to_sign_in(client, claimed):
    for url in (claimed.get_absolute_url(), "/subsidies/claims/", "/subsidies/budgets/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_whole_flow_runs_through_the_pages(world, on_day):
    c = claimable_class(world, levels=(3, 4), withdrawn=1)
    enterprise, district, bureau = (world.client(p) for p in ("enterprise", "district", "bureau"))
    claims_page = f"/subsidies/classes/{c.cohort.pk}/claims/"
    page = enterprise.get(claims_page)
    assert page.status_code == 200 and 'data-testid="claim-create"' in page.content.decode()
    response = enterprise.post(
        f"/subsidies/classes/{c.cohort.pk}/claims/new/", {"kind": ClaimKind.SETTLEMENT, **PAYEE}
    )
    assert response.status_code == 302
    claim = Claim.objects.get(cohort=c.cohort)
    assert claim.payee_account == FULL_ACCOUNT
    base = claim.get_absolute_url()
    assert confirm(enterprise, base + "submit/").status_code == 302
    assert confirm(enterprise, base + "review/").status_code == 403
    assert confirm(district, base + "review/").status_code == 302
    on_day(PUBLISHED)
    assert confirm(district, base + "notice/").status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ON_NOTICE
    on_day(dt.date(2026, 10, 13))
    refused = confirm(bureau, base + "approve/")
    assert refused.status_code == 409
    assert 'data-code="notice_running"' in refused.content.decode()
    on_day(AFTER_NOTICE)
    assert confirm(district, base + "approve/").status_code == 403  # the city's alone
    assert confirm(bureau, base + "approve/").status_code == 302
    assert confirm(bureau, base + "pay/").status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    assert LedgerEntry.objects.filter(claim=claim, kind=LedgerKind.PAYMENT).count() == 1
    assert confirm(bureau, base + "pay/").status_code == 409
    assert LedgerEntry.objects.filter(claim=claim, kind=LedgerKind.PAYMENT).count() == 1


def test_an_action_asks_for_confirmation_before_it_moves_money(world, claimed, on_day):
    svc.claim_submit(by=world.users["enterprise"], claim=claimed, today=TODAY)
    page = world.client("district").post(claimed.get_absolute_url() + "review/")
    assert page.status_code == 200 and 'name="confirmed"' in page.content.decode()
    claimed.refresh_from_db()
    assert claimed.status == ClaimStatus.SUBMITTED


def test_a_return_without_a_reason_shows_the_error_on_the_claim_page(world, claimed):
    svc.claim_submit(by=world.users["enterprise"], claim=claimed, today=TODAY)
    response = confirm(world.client("district"), claimed.get_absolute_url() + "return/")
    assert response.status_code == 200
    assert 'data-testid="form-errors"' in response.content.decode()
    response = confirm(
        world.client("district"), claimed.get_absolute_url() + "return/", {"reason": "缺少证书"}
    )
    assert response.status_code == 302
    claimed.refresh_from_db()
    assert claimed.status == ClaimStatus.RETURNED


def test_the_payee_form_takes_spaces_and_refuses_letters(world, claimed):
    url = claimed.get_absolute_url() + "payee/"
    client = world.client("enterprise")
    page = client.get(url)
    assert page.status_code == 200 and FULL_ACCOUNT not in page.content.decode()
    bad = client.post(url, {**PAYEE, "payee_account": "abcd 1234"})
    assert bad.status_code == 200 and "invalid-feedback" in bad.content.decode()
    good = client.post(url, {**PAYEE, "payee_account": "6222 0000 1111 2222"})
    assert good.status_code == 302
    claimed.refresh_from_db()
    assert claimed.payee_account == "6222000011112222"
    assert world.client("district").get(url).status_code == 403


def test_every_page_of_the_objects_masks_the_account_and_names_each_check(world):
    objects = owned_subsidy_objects(world)
    claim, refund = objects["subsidies.claim"], objects["subsidies.refundobligation"]
    client = world.client("bureau")
    for url in (
        claim.get_absolute_url(),
        refund.get_absolute_url(),
        "/subsidies/claims/",
        "/subsidies/refunds/",
        "/subsidies/ledger/",
        "/subsidies/budgets/",
        f"/subsidies/budgets/{objects['subsidies.budget'].pk}/",
        "/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert FULL_ACCOUNT not in response.content.decode(), url
    body = client.get(claim.get_absolute_url()).content.decode()
    assert 'data-code="completed"' in body
    assert 'data-testid="refund"' in body


def test_the_english_page_shows_the_english_explanation(world, claimed):
    client = world.client("enterprise")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get(claimed.get_absolute_url()).content.decode()
    line = claimed.lines.first()
    assert line.explanation_en and line.explanation_en[:20] in body.replace("&#x27;", "'")


def test_a_reviewer_decides_objections_and_the_enterprise_never_sees_them(world):
    objects = owned_subsidy_objects(world)
    objection = objects["subsidies.objection"]
    claim = objection.notice.claim
    assert "举报人" in world.client("district").get(claim.get_absolute_url()).content.decode()
    assert "举报人" not in world.client("enterprise").get(claim.get_absolute_url()).content.decode()
    url = f"/subsidies/objections/{objection.pk}/resolve/"
    assert world.client("enterprise").get(url).status_code == 404
    done = confirm(world.client("district"), url, {"upheld": "0", "reason": "核实无误"})
    assert done.status_code == 302
    objection.refresh_from_db()
    assert objection.status == "dismissed"


def test_the_city_records_a_repayment_and_others_may_not(world, on_day):
    objects = owned_subsidy_objects(world)
    refund = objects["subsidies.refundobligation"]
    url = refund.get_absolute_url() + "repay/"
    data = {"amount": "500.00", "on": "2026-11-02", "note": "回款"}
    assert confirm(world.client("enterprise"), url, data).status_code == 403
    assert confirm(world.client("bureau"), url, {**data, "amount": "abc"}).status_code == 200
    assert confirm(world.client("bureau"), url, data).status_code == 302
    refund.refresh_from_db()
    assert refund.repaid == Decimal("500.00") and refund.status == RefundStatus.OPEN
    too_much = confirm(world.client("bureau"), url, {**data, "amount": "99999.00"})
    assert too_much.status_code == 409
    assert 'data-code="repayment_too_large"' in too_much.content.decode()


def test_the_refunds_list_filters_overdue(world, on_day):
    objects = owned_subsidy_objects(world)
    refund = objects["subsidies.refundobligation"]
    client = world.client("bureau")
    on_day(refund.due_on + dt.timedelta(days=1))
    assert (
        refund.get_absolute_url()
        in client.get("/subsidies/refunds/?state=overdue").content.decode()
    )
    on_day(refund.due_on)
    assert (
        refund.get_absolute_url()
        not in client.get("/subsidies/refunds/?state=overdue").content.decode()
    )
    assert world.client("enterprise2").get(refund.get_absolute_url()).status_code == 404


def test_only_the_city_sets_a_budget(world):
    data = {"year": "2027", "amount": "5000000.00", "district": ""}
    assert world.client("district").post("/subsidies/budgets/new/", data).status_code == 403
    assert world.client("enterprise").get("/subsidies/budgets/new/").status_code == 403
    assert world.client("bureau").post("/subsidies/budgets/new/", data).status_code == 302
    assert Budget.objects.get(year=2027, district__isnull=True).amount == Decimal("5000000.00")
    bad = world.client("bureau").post("/subsidies/budgets/new/", {**data, "year": "99999"})
    assert bad.status_code == 200


def test_the_home_page_shows_each_role_what_waits(world, claimed, on_day):
    assert 'data-testid="claim-draft"' in world.client("enterprise").get("/").content.decode()
    svc.claim_submit(by=world.users["enterprise"], claim=claimed, today=TODAY)
    assert 'data-testid="claim-to-review"' in world.client("district").get("/").content.decode()
    assert "claim-to-review" not in world.client("enterprise2").get("/").content.decode()


def test_the_class_page_links_to_its_claims_for_the_enterprise(world, claimed):
    url = claimed.cohort.get_absolute_url()
    assert 'data-testid="cohort-claims"' in world.client("enterprise").get(url).content.decode()
    assert 'data-testid="cohort-claims"' not in world.client("apprentice").get(url).content.decode()


def test_an_advance_is_offered_while_the_class_trains(world):
    c = claimable_class(world, status=CohortStatus.IN_TRAINING, levels=(3,), withdrawn=0)
    body = world.client("enterprise").get(f"/subsidies/classes/{c.cohort.pk}/claims/").content
    assert b'value="advance"' in body and b'value="settlement"' not in body


@pytest.mark.parametrize(
    "path",
    [
        f"/subsidies/claims/{MAX_ID + 1}/",
        "/subsidies/claims/?status=nonsense&kind=%00",
        "/subsidies/claims/?sort=payee_account",
        "/subsidies/claims/?page=99999",
        "/subsidies/refunds/?state=x",
        "/subsidies/budgets/?district=99999999999999999999",
        "/subsidies/ledger/?kind=\x01",
    ],
)
def test_bad_ids_and_filters_never_cause_a_server_error(world, path):
    assert world.client("bureau").get(path).status_code in (200, 404)


def test_forged_form_input_is_a_clear_error(world, claimed):
    client = world.client("enterprise")
    cohort = claimed.cohort
    response = client.post(
        f"/subsidies/classes/{cohort.pk}/claims/new/",
        {"kind": "advance\x00", "payee_bank": "x\x07", "payee_name": "", "payee_account": "9" * 60},
    )
    assert response.status_code == 200
    assert re.search(r"invalid-feedback", response.content.decode())


def test_a_negative_payable_shows_as_a_refund_due(world):
    claim = owned_subsidy_objects(world)["subsidies.claim"]
    assert claim.payable < 0
    body = world.client("enterprise").get(claim.get_absolute_url()).content.decode()
    assert f"{-claim.payable:.2f}" in body and 'class="text-danger"' in body


def test_a_reviewer_decides_a_line_at_review_with_a_reason(world, claimed):
    svc.claim_submit(by=world.users["enterprise"], claim=claimed, today=TODAY)
    svc.claim_review(by=world.users["district"], claim=claimed)
    line = claimed.lines.order_by("pk").first()
    line.result = "review"  # as a certificate in the bureau's queue gives
    line.save(update_fields=["result"])
    url = f"/subsidies/lines/{line.pk}/decide/"
    assert (
        'data-testid="decide"'
        in world.client("district").get(claimed.get_absolute_url()).content.decode()
    )
    no_reason = confirm(world.client("district"), url, {"decision": "pay"})
    assert no_reason.status_code == 200 and "form-errors" in no_reason.content.decode()
    assert (
        confirm(world.client("enterprise"), url, {"decision": "pay", "reason": "x"}).status_code
        == 403
    )
    done = confirm(world.client("district"), url, {"decision": "pay", "reason": "证书已核实"})
    assert done.status_code == 302 and done["Location"] == claimed.get_absolute_url()
    line.refresh_from_db()
    assert line.decision == "pay"


def test_the_claims_list_and_a_claim_page_run_the_same_queries_for_more_rows(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counted(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert world.client("bureau").get(url).status_code == 200
        return len(queries)

    small = claimable_class(world, levels=(3,), withdrawn=0)
    one = svc.claim_create(
        by=world.users["enterprise"], cohort=small.cohort, kind=ClaimKind.SETTLEMENT, today=TODAY
    )
    few_list, few_page = counted("/subsidies/claims/"), counted(one.get_absolute_url())
    big = claimable_class(world, levels=(3, 4, 3, None, 4), withdrawn=2)
    many = svc.claim_create(
        by=world.users["enterprise"], cohort=big.cohort, kind=ClaimKind.SETTLEMENT, today=TODAY
    )
    assert counted("/subsidies/claims/") == few_list
    assert counted(many.get_absolute_url()) == few_page


def test_a_district_reviewer_never_reaches_another_districts_claim(world):
    c = claimable_class(world, enterprise=world.enterprise2, levels=(3,), withdrawn=0)
    claim = svc.claim_create(
        by=world.users["enterprise2"],
        cohort=c.cohort,
        kind=ClaimKind.SETTLEMENT,
        today=TODAY,
        **PAYEE,
    )
    svc.claim_submit(by=world.users["enterprise2"], claim=claim, today=TODAY)
    district = world.client("district")
    assert district.get(claim.get_absolute_url()).status_code == 404
    assert confirm(district, claim.get_absolute_url() + "review/").status_code == 404
    assert claim.get_absolute_url() not in district.get("/subsidies/claims/").content.decode()
    assert world.client("enterprise").get(claim.get_absolute_url()).status_code == 404
