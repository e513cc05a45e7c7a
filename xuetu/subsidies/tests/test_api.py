"""The subsidy API (issue 10, item 12): claims from creation to payment, their lines in the
reader's language, a line decided, refunds repaid, budgets and the ledger. Amounts are decimal
strings both ways: a float is refused on the way in and never sent on the way out. The clock is
fixed (the claims' services see `today` as the day of each step)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from xuetu.programmes.choices import CohortStatus
from xuetu.subsidies.choices import ClaimKind, ClaimStatus, LedgerKind
from xuetu.subsidies.models import Budget, Claim, LedgerEntry, RefundObligation
from xuetu.subsidies.services import claims as svc
from xuetu.subsidies.tests.factories import (
    AFTER_NOTICE,
    PUBLISHED,
    TODAY,
    certify,
    claimable_class,
)
from xuetu.subsidies.tests.test_claims import PAYEE, pay

pytestmark = pytest.mark.django_db
BIG = 2**63


class Clock:
    """The day the claims' services take for today (never the wall clock)."""

    def __init__(self, monkeypatch: Any) -> None:
        self.day = TODAY
        monkeypatch.setattr(svc, "_today", lambda today: today or self.day)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


def no_float(text: str) -> float:
    raise AssertionError(f"a float in an answer: {text}")


def body(response: Any) -> Any:
    """The JSON answer, read with every number with a fraction refused."""
    return json.loads(response.content, parse_float=no_float)


def problem_codes(response: Any) -> list[str]:
    assert response.status_code == 409, (response.status_code, response.content)
    return [p["code"] for p in body(response)["problems"]]


def create(world, cohort, kind: str = ClaimKind.SETTLEMENT, **payee: str) -> dict[str, Any]:
    response = world.api("enterprise").post(
        "/api/v1/claims/", {"kind": kind, "cohort": cohort.pk, **payee}, format="json"
    )
    assert response.status_code == 201, response.content
    return body(response)


def step(world, who: str, claim: int, name: str, data: Any = None) -> Any:
    return world.api(who).post(f"/api/v1/claims/{claim}/{name}/", data or {}, format="json")


def test_a_settlement_from_creation_to_payment(world, clock):
    c = claimable_class(world)
    shown = create(world, c.cohort, **PAYEE)
    assert shown["status"] == "draft" and shown["kind"] == "settlement"
    # 学徒0 and 学徒1 senior (6,000 × 2 years), 学徒2 intermediate (5,000 × 2); the leaver 0
    assert (shown["entitled"], shown["advanced"], shown["payable"]) == (
        "34000.00",
        "0.00",
        "34000.00",
    )
    assert shown["payee_account_masked"] == "**** 3456"
    assert "payee_account" not in shown and shown["special_approval"] is None
    pk = shown["id"]
    for who in ("enterprise", "district", "bureau"):
        text = world.api(who).get(f"/api/v1/claims/{pk}/").content.decode()
        assert "50001234567890123456" not in text and "5000 1234" not in text
    assert body(step(world, "enterprise", pk, "submit"))["status"] == "submitted"
    assert body(step(world, "district", pk, "review"))["status"] == "under_review"
    clock.day = PUBLISHED
    assert body(step(world, "district", pk, "notice"))["status"] == "on_notice"
    assert problem_codes(step(world, "bureau", pk, "approve")) == ["notice_running"]
    clock.day = AFTER_NOTICE
    approved = body(step(world, "bureau", pk, "approve"))
    assert approved["status"] == "approved" and approved["approved_at"]
    paid = body(step(world, "bureau", pk, "pay"))
    assert paid["status"] == "paid"
    assert problem_codes(step(world, "bureau", pk, "pay")) == ["transition_not_allowed"]
    assert LedgerEntry.objects.filter(claim_id=pk, kind=LedgerKind.PAYMENT).count() == 1
    ledger = body(world.api("enterprise").get("/api/v1/ledger/", {"claim": pk}))["results"]
    assert [(e["kind"], e["amount"], e["on"]) for e in ledger] == [
        ("payment", "34000.00", AFTER_NOTICE.isoformat())
    ]


def test_a_refused_step_is_409_with_its_codes(world, clock):
    c = claimable_class(world)
    pk = create(world, c.cohort)["id"]  # no payee yet
    assert problem_codes(step(world, "enterprise", pk, "submit")) == ["payee_missing"]
    assert problem_codes(step(world, "district", pk, "review")) == ["transition_not_allowed"]
    again = world.api("enterprise").post(
        "/api/v1/claims/", {"kind": "settlement", "cohort": c.cohort.pk}, format="json"
    )
    assert "claim_exists" in problem_codes(again)
    assert Claim.objects.filter(cohort=c.cohort).count() == 1


def test_who_may_take_which_step(world, clock):
    c = claimable_class(world)
    pk = create(world, c.cohort, **PAYEE)["id"]
    # Another enterprise does not see the claim at all; a reviewer sees it but submits nothing.
    assert world.api("enterprise2").get(f"/api/v1/claims/{pk}/").status_code == 404
    assert step(world, "enterprise2", pk, "submit").status_code == 404
    assert step(world, "district", pk, "submit").status_code == 403
    step(world, "enterprise", pk, "submit")
    assert step(world, "enterprise", pk, "review").status_code == 403
    assert step(world, "district", pk, "review").status_code == 200
    # The city approves and pays; the district reviewer may not.
    assert step(world, "district", pk, "approve").status_code == 403
    assert step(world, "district", pk, "pay").status_code == 403
    for role in ("mentor", "apprentice", "school"):
        assert world.api(role).get(f"/api/v1/claims/{pk}/").status_code == 404
        assert body(world.api(role).get("/api/v1/claims/"))["results"] == []
    assert world.api("enterprise").get(f"/api/v1/claims/{BIG}/").status_code == 404
    assert world.api("enterprise").get(f"/api/v1/claims/{pk}/lines/").status_code == 200
    anonymous = type(world.api("enterprise"))()
    assert anonymous.get(f"/api/v1/claims/{pk}/").status_code == 401


def test_creating_a_claim_is_for_the_enterprise(world, clock):
    c = claimable_class(world)
    data = {"kind": "settlement", "cohort": c.cohort.pk}
    assert world.api("district").post("/api/v1/claims/", data, format="json").status_code == 403
    other = world.api("enterprise2").post("/api/v1/claims/", data, format="json")
    assert other.status_code in (400, 403)  # another enterprise's class is no class of theirs
    wrong = world.api("enterprise").post(
        "/api/v1/claims/", {"kind": "bonus", "cohort": c.cohort.pk}, format="json"
    )
    assert wrong.status_code == 400 and "kind" in body(wrong)
    huge = world.api("enterprise").post(
        "/api/v1/claims/", {"kind": "settlement", "cohort": BIG}, format="json"
    )
    assert huge.status_code == 400 and "cohort" in body(huge)
    bad = world.api("enterprise").post(
        "/api/v1/claims/", {**data, "payee_account": "12-ab"}, format="json"
    )
    assert bad.status_code == 400 and "payee_account" in body(bad)
    control = world.api("enterprise").post(
        "/api/v1/claims/", {**data, "payee_name": "甲\x0b乙"}, format="json"
    )
    assert control.status_code == 400 and "payee_name" in body(control)


def test_the_payee_is_changed_while_a_draft_and_never_read_back_whole(world, clock):
    c = claimable_class(world)
    pk = create(world, c.cohort, **PAYEE)["id"]
    url = f"/api/v1/claims/{pk}/"
    api = world.api("enterprise")
    changed = api.patch(url, {"payee_account": "6222 0000 1111 9876"}, format="json")
    assert changed.status_code == 200, changed.content
    assert body(changed)["payee_account_masked"] == "**** 9876"
    assert "6222000011119876" not in changed.content.decode()
    assert Claim.objects.get(pk=pk).payee_account == "6222000011119876"
    step(world, "enterprise", pk, "submit")
    late = api.patch(url, {"payee_bank": "另一家银行"}, format="json")
    assert problem_codes(late) == ["claim_not_editable"]
    assert world.api("district").patch(url, {"payee_bank": "x"}, format="json").status_code == 403


def test_the_lines_in_the_readers_language_and_a_line_decided(world, clock):
    c = claimable_class(world, levels=(3, None), withdrawn=0)
    certify(c.enrollments[1], level=4, review_status="pending_review")
    pk = create(world, c.cohort, **PAYEE)["id"]
    url = f"/api/v1/claims/{pk}/lines/"
    zh = body(world.api("enterprise").get(url, HTTP_ACCEPT_LANGUAGE="zh-hans"))["results"]
    en = body(world.api("enterprise").get(url, HTTP_ACCEPT_LANGUAGE="en"))["results"]
    assert len(zh) == len(en) == 2
    first = en[0]
    assert first["years"] == "2.0000" and first["months"] == 24
    assert (first["amount_per_year"], first["amount"], first["due"]) == (
        "6000.00",
        "12000.00",
        "12000.00",
    )
    assert first["result"] == "pass" and first["level"] == 3
    assert first["explanation"] != zh[0]["explanation"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh[0]["explanation"])
    assert {"code", "result", "message"} == set(first["checks"][0])
    assert "completed" in {check["code"] for check in first["checks"]}
    review = next(line for line in en if line["result"] == "review")
    assert review["due"] == "0.00" and review["decision"] == ""
    verified = next(ch for ch in review["checks"] if ch["code"] == "certificate_verified")
    assert verified["result"] == "review" and "review queue" in verified["message"]
    # Decided by the district's reviewer once the claim is under review. Submitting computes
    # the lines again (as of the claim date): new lines, new ids.
    step(world, "enterprise", pk, "submit")
    lines = body(world.api("district").get(url))["results"]
    review = next(line for line in lines if line["result"] == "review")
    first = next(line for line in lines if line["result"] == "pass")
    decide = f"/api/v1/lines/{review['id']}/decide/"
    data = {"decision": "pay", "reason": "证书核验通过"}
    assert world.api("enterprise").post(decide, data, format="json").status_code == 403
    early = world.api("district").post(decide, data, format="json")
    assert problem_codes(early) == ["transition_not_allowed"]  # not under review yet
    step(world, "district", pk, "review")
    empty = world.api("district").post(decide, {"decision": "pay"}, format="json")
    assert empty.status_code == 400 and "reason" in body(empty)
    decided = world.api("district").post(decide, data, format="json")
    assert decided.status_code == 200, decided.content
    assert body(decided)["decision"] == "pay" and body(decided)["due"] == "10000.00"
    claim = body(world.api("district").get(f"/api/v1/claims/{pk}/"))
    assert claim["entitled"] == "22000.00"
    passed = world.api("district").post(f"/api/v1/lines/{first['id']}/decide/", data, format="json")
    assert problem_codes(passed) == ["line_not_at_review"]
    assert world.api("enterprise2").post(decide, data, format="json").status_code == 404


def test_the_special_approval_says_who_when_and_why(world, clock):
    c = claimable_class(world)
    pk = create(world, c.cohort, **PAYEE)["id"]
    step(world, "enterprise", pk, "submit")
    step(world, "district", pk, "review")
    missing = step(world, "district", pk, "special-approval")
    assert missing.status_code == 400 and "reason" in body(missing)
    reason = "三年制高技能人才培养，经局务会同意"
    approved = body(step(world, "district", pk, "special-approval", {"reason": reason}))
    special = approved["special_approval"]
    assert special["by"] == world.users["district"].pk and special["reason"] == reason
    assert special["at"]
    assert step(world, "enterprise", pk, "special-approval", {"reason": "x"}).status_code == 403


def test_return_and_reject_need_a_reason(world, clock):
    c = claimable_class(world)
    pk = create(world, c.cohort, **PAYEE)["id"]
    step(world, "enterprise", pk, "submit")
    assert step(world, "district", pk, "return").status_code == 400
    returned = body(step(world, "district", pk, "return", {"reason": "请补充收款账户证明"}))
    assert returned["status"] == "returned" and returned["comment"] == "请补充收款账户证明"
    assert body(step(world, "enterprise", pk, "recompute"))["status"] == "returned"
    step(world, "enterprise", pk, "submit")
    rejected = body(step(world, "district", pk, "reject", {"reason": "重复申报"}))
    assert rejected["status"] == ClaimStatus.REJECTED


def test_an_advance_and_its_refund_repaid_through_the_api(world, clock):
    c = claimable_class(world, status=CohortStatus.IN_TRAINING, levels=(3, 4, None), withdrawn=1)
    advance = create(world, c.cohort, ClaimKind.ADVANCE, **PAYEE)
    assert (advance["entitled"], advance["advanced"]) == ("24000.00", "0.00")
    pay(world, Claim.objects.get(pk=advance["id"]))
    c.cohort.status = CohortStatus.COMPLETED
    c.cohort.save(update_fields=["status"])
    for e in c.enrollments[:3]:
        e.status = "completed"
        e.save(update_fields=["status"])
    settlement = create(world, c.cohort, **PAYEE)
    assert (settlement["entitled"], settlement["advanced"], settlement["payable"]) == (
        "22000.00",
        "24000.00",
        "-2000.00",
    )
    svc.claim_submit(by=world.users["enterprise"], claim=Claim.objects.get(pk=settlement["id"]))
    claim = Claim.objects.get(pk=settlement["id"])
    svc.claim_review(by=world.users["district"], claim=claim)
    svc.claim_notice(by=world.users["district"], claim=claim, today=PUBLISHED)
    clock.day = AFTER_NOTICE
    assert body(step(world, "bureau", claim.pk, "approve"))["status"] == "approved"
    assert problem_codes(step(world, "bureau", claim.pk, "pay")) == ["nothing_to_pay"]
    refund = RefundObligation.objects.get(claim=claim)
    url = f"/api/v1/refunds/{refund.pk}/repay/"
    shown = body(world.api("enterprise").get(f"/api/v1/refunds/{refund.pk}/"))
    assert (shown["amount"], shown["outstanding"], shown["status"]) == (
        "2000.00",
        "2000.00",
        "open",
    )
    data = {"amount": "500.10", "on": "2026-11-02", "note": "第一笔"}
    assert world.api("enterprise").post(url, data, format="json").status_code == 403
    floated = world.api("bureau").post(url, {**data, "amount": 500.1}, format="json")
    assert floated.status_code == 400 and "amount" in body(floated)
    late = world.api("bureau").post(url, {**data, "on": "9999-12-01"}, format="json")
    assert late.status_code == 400 and "on" in body(late)
    repaid = body(world.api("bureau").post(url, data, format="json"))
    assert (repaid["repaid"], repaid["outstanding"]) == ("500.10", "1499.90")
    too_much = world.api("bureau").post(url, {**data, "amount": "1500.00"}, format="json")
    assert problem_codes(too_much) == ["repayment_too_large"]
    rest = body(world.api("bureau").post(url, {**data, "amount": "1499.90"}, format="json"))
    assert rest["status"] == "repaid"
    kinds = [e["kind"] for e in body(world.api("district").get("/api/v1/ledger/"))["results"]]
    assert sorted(kinds) == ["payment", "refund_due", "repayment", "repayment"]
    assert world.api("enterprise2").get(f"/api/v1/refunds/{refund.pk}/").status_code == 404


def test_budgets_with_their_figures_set_by_the_city(world, clock):
    c = claimable_class(world)  # the city's 2026 budget: 10,000,000.00
    claim = Claim.objects.get(pk=create(world, c.cohort, **PAYEE)["id"])
    pay(world, claim)
    api = world.api("bureau")
    city = Budget.objects.get(year=2026, district=None)
    shown = body(api.get(f"/api/v1/budgets/{city.pk}/"))
    assert (shown["amount"], shown["committed"], shown["paid"], shown["remaining"]) == (
        "10000000.00",
        "34000.00",
        "34000.00",
        "9966000.00",
    )
    floated = api.post(
        "/api/v1/budgets/",
        {"year": 2027, "amount": 100.1},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert floated.status_code == 400 and "浮点数" in body(floated)["amount"][0]
    assert not Budget.objects.filter(year=2027).exists()
    negative = api.post("/api/v1/budgets/", {"year": 2027, "amount": "-1.00"}, format="json")
    assert negative.status_code == 400 and "amount" in body(negative)
    assert api.post("/api/v1/budgets/", {"year": 9999, "amount": "1.00"}).status_code == 400
    made = api.post(
        "/api/v1/budgets/",
        {"year": 2027, "amount": "100.10", "district": world.jiangbei.pk},
        format="json",
    )
    assert made.status_code == 201, made.content
    assert body(made)["amount"] == "100.10" and body(made)["remaining"] == "100.10"
    assert Budget.objects.get(pk=body(made)["id"]).amount == Decimal("100.10")
    whole = api.patch(f"/api/v1/budgets/{body(made)['id']}/", {"amount": 2000}, format="json")
    assert body(whole)["amount"] == "2000.00"
    district = world.api("district")
    assert district.post("/api/v1/budgets/", {"year": 2028, "amount": "1.00"}).status_code == 403
    seen = {row["id"] for row in body(district.get("/api/v1/budgets/"))["results"]}
    assert seen == set(Budget.objects.filter(district=world.jiangbei).values_list("pk", flat=True))
    assert world.api("enterprise").get(f"/api/v1/budgets/{city.pk}/").status_code == 404


def test_no_answer_of_the_subsidy_api_carries_a_float(world, clock):
    c = claimable_class(world)
    claim = Claim.objects.get(pk=create(world, c.cohort, **PAYEE)["id"])
    pay(world, claim)
    urls = [
        "/api/v1/policies/",
        "/api/v1/claims/",
        f"/api/v1/claims/{claim.pk}/",
        f"/api/v1/claims/{claim.pk}/lines/",
        "/api/v1/lines/",
        "/api/v1/ledger/",
        "/api/v1/refunds/",
        "/api/v1/budgets/",
    ]
    for url in urls:
        response = world.api("bureau").get(url)
        assert response.status_code == 200, url
        body(response)  # refuses any number with a fraction
    for field in ("entitled", "advanced", "payable"):
        assert isinstance(getattr(Claim.objects.get(pk=claim.pk), field), Decimal)
