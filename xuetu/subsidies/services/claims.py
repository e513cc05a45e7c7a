"""Subsidy claims (issue 10, items 3–7): the enterprise drafts and submits an advance or a
settlement (or a supplementary settlement) for a class; a reviewer of its district (or the city)
reviews it, decides the lines at `review` and puts it on public notice for the policy's working
days; the city administrator approves it (the grants of the people paid are written then,
guarded by the database) and pays it (one ledger payment, however often the action is
repeated or raced). A negative payable becomes a refund obligation. Every step is one
transaction with one audit event; a refusal names every problem with a code."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.core.access import require, scope_for
from xuetu.core.audit import audit_record
from xuetu.core.dates import add_months
from xuetu.core.imports import Maker, insert_objects
from xuetu.core.notices import notify, notify_organisations
from xuetu.core.problems import CONFLICT, Problem, Refused, refuse_if, say
from xuetu.core.services import lock
from xuetu.core.transitions import transition
from xuetu.core.verify import mask_name
from xuetu.core.workdays import CalendarUnknown, first_working_day_after, notice_end
from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.models import Cohort, Enrollment
from xuetu.programmes.selectors import reviewing_bureaus
from xuetu.registry.choices import CertificateType
from xuetu.registry.models import Person
from xuetu.subsidies import facts as gather
from xuetu.subsidies import rules
from xuetu.subsidies.access import CLAIM, REVIEW
from xuetu.subsidies.choices import (
    CLAIM_FLOW,
    EDITABLE_CLAIM_STATUSES,
    LIVE_CLAIM_STATUSES,
    CheckResult,
    ClaimKind,
    ClaimStatus,
    GrantSource,
    LedgerKind,
    LineDecision,
    ObjectionStatus,
)
from xuetu.subsidies.models import (
    Claim,
    ClaimLine,
    LedgerEntry,
    Notice,
    RefundObligation,
    SubsidyGrant,
)
from xuetu.subsidies.money import ZERO
from xuetu.subsidies.payee import normalise_account
from xuetu.subsidies.services.budgets import budget_problems

S = ClaimStatus
PAYEE_FIELDS = ("payee_bank", "payee_name", "payee_account")

NO_POLICY = Problem(
    "no_policy", _("No subsidy policy is in force on the class's approval date."), "cohort"
)
NOT_APPROVED = Problem(
    "class_not_approved", _("An advance is claimed once the class is approved."), "cohort"
)
NOT_COMPLETED = Problem(
    "class_not_completed", _("A settlement is claimed once the class has completed."), "cohort"
)
NOT_SETTLED = Problem(
    "class_not_settled",
    _("A supplementary settlement follows an approved settlement of the class."),
    "cohort",
)
DUPLICATE = Problem("claim_exists", _("The class already has a claim of this kind."), "kind")
ADVANCE_OPEN = Problem(
    "advance_open",
    _("The class's advance is still open: have it paid or rejected before the settlement."),
    "kind",
)
NOTHING_TO_SUPPLEMENT = Problem(
    "nothing_to_supplement",
    _("No apprentice of the class has become entitled since the settlement."),
    "kind",
)
PAYEE_MISSING = Problem(
    "payee_missing",
    _("Give the payee account (bank, account name and number) before submitting."),
    "payee_account",
)
NOT_EDITABLE = Problem(
    "claim_not_editable",
    _("A claim is changed only while it is a draft or returned."),
    "status",
)
OWN_CLAIM = Problem(
    "reviewer_is_submitter",
    _("The person who submitted a claim cannot review or approve it."),
    "status",
)
UNDECIDED = Problem(
    "lines_undecided",
    _("Every line that needs a reviewer's decision must be decided before the notice."),
    "lines",
)
NOTICE_RUNNING = Problem(
    "notice_running",
    _("The public notice has not ended: approval is possible from the next working day."),
    "status",
)
OPEN_OBJECTION = Problem(
    "objection_open", _("An objection to the notice is open: resolve it first."), "status"
)
NOT_REVIEW_LINE = Problem(
    "line_not_at_review", _("Only a line that needs a reviewer's decision is decided."), "decision"
)
REASON_NEEDED = Problem("reason_required", _("Give a reason."), "reason")
NOTHING_TO_PAY = Problem(
    "nothing_to_pay",
    _("Nothing is payable on this claim: a negative balance is a refund obligation."),
    "payable",
)
CITY_ONLY = _("Only the city bureau approves and pays subsidy claims.")


def _now() -> dt.datetime:
    return timezone.now()


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def require_city(by: User | None, message: Any = CITY_ONLY) -> None:
    if by is not None and not scope_for(by).city:
        raise PermissionDenied(message)


def require_reviewer(by: User | None, claim: Claim) -> None:
    """A reviewer of the claim's district (or the city), never the one who submitted it."""
    require(by, REVIEW, claim, _("Only a reviewer of the claim's district may do this."))
    if by is not None and claim.submitted_by_id == by.pk:
        raise Refused([OWN_CLAIM])


# Creating and computing ---------------------------------------------------------------------
def kind_problems(cohort: Cohort, kind: str, *, exclude: int | None = None) -> list[Problem]:
    others = Claim.objects.filter(cohort=cohort, status__in=LIVE_CLAIM_STATUSES)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    problems = []
    if kind == ClaimKind.ADVANCE:
        if cohort.status not in (CohortStatus.APPROVED, CohortStatus.IN_TRAINING):
            problems.append(NOT_APPROVED)
    elif kind == ClaimKind.SETTLEMENT:
        if cohort.status not in (CohortStatus.COMPLETED, CohortStatus.CLOSED):
            problems.append(NOT_COMPLETED)
        # An advance on its way to payment; a draft or returned one can no longer be
        # submitted once the class has completed, so it holds nothing up.
        advance = others.filter(
            kind=ClaimKind.ADVANCE,
            status__in=(S.SUBMITTED, S.UNDER_REVIEW, S.ON_NOTICE, S.APPROVED),
        )
        if advance.exists():
            problems.append(ADVANCE_OPEN)
    else:
        settled = Claim.objects.filter(
            cohort=cohort, kind=ClaimKind.SETTLEMENT, status__in=(S.APPROVED, S.PAID)
        )
        if not settled.exists():
            problems.append(NOT_SETTLED)
    if kind in (ClaimKind.ADVANCE, ClaimKind.SETTLEMENT) and others.filter(kind=kind).exists():
        problems.append(DUPLICATE)
    return problems


def claim_create(
    *,
    by: User | None,
    cohort: Cohort,
    kind: str,
    today: dt.date | None = None,
    **payee: Any,
) -> Claim:
    """A draft claim of `kind` for the class, computed at once so the enterprise sees what it
    would claim; the payee may follow before submitting."""
    require(by, CLAIM, cohort, _("Only the class's enterprise claims its subsidy."))
    today = _today(today)
    unknown = set(payee) - set(PAYEE_FIELDS)
    if unknown:
        raise ValueError(f"unknown claim fields: {sorted(unknown)}")
    if kind not in ClaimKind.values:
        refuse_if([Problem("kind_unknown", _("Choose an advance or a settlement."), "kind")])
    with transaction.atomic():
        lock(cohort)
        policy = gather.subsidy_policy_of(cohort)
        refuse_if(kind_problems(cohort, kind) + ([] if policy else [NO_POLICY]))
        assert policy is not None
        claim = Claim(
            cohort=cohort,
            kind=kind,
            policy=policy,
            district_id=cohort.enterprise.district_id,
            created_by=by if by is not None and by.is_authenticated else None,
            **_clean_payee(payee),
        )
        if kind == ClaimKind.SUPPLEMENTARY:
            claim.supplements = (
                Claim.objects.filter(cohort=cohort, kind=ClaimKind.SETTLEMENT)
                .exclude(status=S.REJECTED)
                .first()
            )
        claim.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                claim.save()
        except IntegrityError:
            raise Refused([DUPLICATE]) from None
        compute(claim, today=today)
        if kind == ClaimKind.SUPPLEMENTARY and not claim.lines.exists():
            raise Refused([NOTHING_TO_SUPPLEMENT])
        audit_record(by=by, action="claim.create", obj=claim, after=_totals(claim))
    return claim


def _clean_payee(payee: dict[str, Any]) -> dict[str, Any]:
    cleaned = {k: (v or "").strip() for k, v in payee.items()}
    if "payee_account" in cleaned:
        cleaned["payee_account"] = normalise_account(cleaned["payee_account"])
    return cleaned


def claim_update(*, by: User | None, claim: Claim, **payee: str) -> Claim:
    """The payee account of a draft or returned claim; the lines are recomputed with it."""
    require(by, CLAIM, claim.cohort, _("Only the class's enterprise changes its claim."))
    unknown = set(payee) - set(PAYEE_FIELDS)
    if unknown:
        raise ValueError(f"unknown claim fields: {sorted(unknown)}")
    with transaction.atomic():
        lock(claim)
        refuse_if([] if claim.status in EDITABLE_CLAIM_STATUSES else [NOT_EDITABLE])
        before = {f: _masked(f, getattr(claim, f)) for f in PAYEE_FIELDS}
        for name, value in _clean_payee(payee).items():
            setattr(claim, name, value)
        claim.full_clean(validate_constraints=False)
        claim.save(update_fields=[*PAYEE_FIELDS])
        after = {f: _masked(f, getattr(claim, f)) for f in PAYEE_FIELDS}
        audit_record(by=by, action="claim.update", obj=claim, before=before, after=after)
    return claim


def claim_delete(*, by: User | None, claim: Claim) -> None:
    """The enterprise discards a draft it never submitted (nothing of it was reviewed)."""
    require(by, CLAIM, claim.cohort, _("Only the class's enterprise changes its claim."))
    with transaction.atomic():
        lock(claim)
        refuse_if([] if claim.status == S.DRAFT else [NOT_EDITABLE])
        audit_record(by=by, action="claim.delete", obj=claim, before=_totals(claim))
        claim.lines.all().delete()
        claim.delete()


def _masked(field: str, value: str) -> str:
    # The audit log keeps the account masked too: the finance export alone shows it whole.
    return claim_masked_account(value) if field == "payee_account" else value


def claim_masked_account(value: str) -> str:
    from xuetu.subsidies.payee import mask_account

    return mask_account(value)


def compute(claim: Claim, *, today: dt.date) -> None:
    """(Re)writes the claim's lines from the stored evidence and its totals: an advance has no
    lines (its amount is the policy's ratio of the planned amount); a settlement has one line
    per enrollment ever on the class; a supplementary claim one per apprentice entitled since
    the settlement. Decisions already taken on lines at `review` are kept."""
    claim_date = claim.claim_date or today
    if claim.kind == ClaimKind.ADVANCE:
        claim.entitled = advance_amount(claim, gather.claim_policy_facts(claim))
        claim.advanced = ZERO
        claim.payable = claim.entitled
        claim.save(update_fields=["entitled", "advanced", "payable"])
        return
    decisions = {
        line.enrollment_id: line
        for line in ClaimLine.objects.filter(claim=claim)
        .exclude(decision="")
        .only("enrollment_id", "decision", "decision_reason", "decided_by", "decided_at")
    }
    _delete_lines(claim)
    claim.computed_at = _now()
    claim.save(update_fields=["computed_at"])
    with collector_paused():
        for lines in computed_lines(claim, claim_date=claim_date):
            for line in lines:
                kept = decisions.get(line.enrollment_id)
                if kept is not None and line.result == CheckResult.REVIEW:
                    line.decision, line.decision_reason = kept.decision, kept.decision_reason
                    line.decided_by_id, line.decided_at = kept.decided_by_id, kept.decided_at
            # One insert per batch (executemany, or COPY on PostgreSQL): bulk_create would
            # split a batch by the database's parameter limit and compile every value.
            insert_objects(lines, key="enrollment_id", within={"claim_id": claim.pk})
    set_totals(claim)


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while a claim's lines are computed: a batch makes
    hundreds of thousands of short-lived objects (facts, checks, lazy messages) that
    reference counting frees, and each collection of the oldest generation walks the whole
    heap (40% of a 20,000-line settlement's time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _delete_lines(claim: Claim) -> None:
    """The claim's lines, in one DELETE: a line a grant was written for is protected, and
    then the ordinary delete refuses as it always did (a claim past approval is never
    recomputed)."""
    lines = ClaimLine.objects.filter(claim=claim)
    if SubsidyGrant.objects.filter(line__claim=claim).exists():
        lines.delete()
        return
    lines._raw_delete(lines.db)


def computed_lines(
    claim: Claim, *, claim_date: dt.date, as_of: dt.datetime | None = None
) -> Iterable[list[ClaimLine]]:
    """The claim's lines as the stored evidence and the claim's policy version give them on
    `claim_date`, unsaved, one batch at a time: reads and rules only, nothing written (so
    `manage.py recompute_claim --check` compares them with the stored lines, reading the
    subsidies granted `as_of` the time the stored lines were computed)."""
    policy = gather.claim_policy_facts(claim)
    enrollments = list(gather.roster_of(claim.cohort))
    if claim.kind == ClaimKind.SUPPLEMENTARY:
        already = already_paid_enrollments(claim.cohort, exclude=claim.pk)
        enrollments = [e for e in enrollments if e.pk not in already]
    programme = gather.programme_policy_of(claim.cohort)
    for batch in gather.batches(enrollments):
        batch_facts = gather.enrollment_facts(
            claim, batch, claim_date=claim_date, programme=programme, as_of=as_of
        )
        outcomes = [rules.assess(f, policy) for f in batch_facts]
        lines = build_lines(claim, batch, outcomes, batch_facts)
        if claim.kind == ClaimKind.SUPPLEMENTARY:
            lines = [ln for ln in lines if ln.result != CheckResult.FAIL and ln.amount > 0]
        yield lines


def advance_amount(claim: Claim, policy: rules.PolicyFacts) -> Decimal:
    """The policy's ratio of the planned amount: planned headcount × the target level's
    standard × planned years (capped), to the fen half up."""
    cohort = claim.cohort
    cap = policy.max_years_with_approval if claim.special_approval else policy.max_years
    years = rules.years_of(gather.planned_months(cohort), cap)
    standard = policy.standard(CertificateType.SKILL_LEVEL.value, cohort.target_level)
    ratio = Fraction(claim.policy.advance_ratio)
    return rules.round_half_up(ratio * cohort.planned_headcount * Fraction(standard) * years)


def build_lines(
    claim: Claim,
    enrollments: Iterable[Enrollment],
    outcomes: list[rules.Outcome],
    facts: list[rules.EnrollmentFacts],
) -> list[ClaimLine]:
    """Unsaved lines, each check's message and the explanation in both languages (rendered
    once per language for the whole batch, each distinct message once)."""
    enrollments = list(enrollments)
    render = BilingualRenderer()
    make = Maker(ClaimLine, cached=("claim", "enrollment"))
    lines = []
    for index, (enrollment, outcome) in enumerate(zip(enrollments, outcomes, strict=True)):
        pairs = [render(c.message) for c in outcome.checks]
        zh_messages, en_messages = [zh for zh, _en in pairs], [en for _zh, en in pairs]
        zh_explanation, en_explanation = render(outcome.line.explanation)
        line = outcome.line
        lines.append(
            make(
                claim=claim,
                enrollment=enrollment,
                person_id=enrollment.person_id,
                started_on=facts[index].started_on,
                result=line.result,
                checks=[
                    {"code": c.code, "result": c.result, "zh": zh, "en": en}
                    for c, zh, en in zip(outcome.checks, zh_messages, en_messages, strict=True)
                ],
                certificate_id=line.certificate_pk,
                kind=line.kind,
                level=line.level,
                months=line.months,
                years=(Decimal(line.years.numerator) / Decimal(line.years.denominator)).quantize(
                    Decimal("0.0001")
                ),
                amount_per_year=line.amount_per_year,
                amount=line.amount,
                explanation_zh=zh_explanation,
                explanation_en=en_explanation,
            )
        )
    return lines


# The lazy type `say(message, **params)` makes (core.problems): each `lazy()` is a class.
_SAY = type(say("%s"))


class Renderer:
    """Lazy messages as `str()` renders them in the active language, each distinct message
    (the same lazy function on the same arguments) rendered once: 20,000 lines share a few
    dozen messages, and a `say()` message's parts are shared even when its parameters
    differ. The result is the text `str()` gives, character for character."""

    def __init__(self) -> None:
        self.memo: dict[Any, str] = {}

    def __call__(self, value: Any) -> str:
        if not isinstance(value, Promise):
            return str(value)
        try:
            key = _message_key(value)
            found = self.memo.get(key)
        except (TypeError, AttributeError):  # not a key: rendered as it is
            return str(value)
        if found is None:
            found = self.memo[key] = self._render(value)
        return found

    def _render(self, value: Any) -> str:
        call: Any = value
        if type(value) is _SAY and not call._kw and isinstance(call._args[1], dict):
            message, params = call._args
            values = {k: self(v) if isinstance(v, Promise) else v for k, v in params.items()}
            return self(message) % values
        return str(value)


class BilingualRenderer:
    """A message in Chinese and in English, its key computed once for both: a distinct
    message is rendered once per language (`Renderer`), switching language only then."""

    LANGUAGES = ("zh-hans", "en")

    def __init__(self) -> None:
        self.memo: dict[Any, tuple[str, str]] = {}
        self.renderers = {language: Renderer() for language in self.LANGUAGES}

    def __call__(self, value: Any) -> tuple[str, str]:
        if not isinstance(value, Promise):
            text = str(value)
            return text, text
        try:
            key = _message_key(value)
            found = self.memo.get(key)
        except (TypeError, AttributeError):  # not a key: rendered as it is
            key = found = None
        if found is None:
            zh, en = (self._render(language, value) for language in self.LANGUAGES)
            found = (zh, en)
            if key is not None:
                self.memo[key] = found
        return found

    def _render(self, language: str, value: Any) -> str:
        with translation.override(language):
            return self.renderers[language](value)


def _message_key(value: Any) -> Any:
    # A lazy proxy keeps the call's arguments as `_args` and `_kw`; its class is the function.
    if isinstance(value, Promise):
        args = tuple(map(_message_key, value._args))  # type: ignore[attr-defined]
        kw = value._kw  # type: ignore[attr-defined]
        if kw:
            return (type(value), args, tuple(sorted((k, _message_key(v)) for k, v in kw.items())))
        return (type(value), args)
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return ("dict", tuple(sorted((k, _message_key(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return ("seq", tuple(map(_message_key, value)))
    # Decimal("6000") == Decimal("6000.00"), yet they read differently: the text is the key.
    return (type(value), str(value))


def already_paid_enrollments(cohort: Cohort, *, exclude: int | None = None) -> set[int]:
    """The enrollments of the class that an approved (or live) claim already pays."""
    lines = ClaimLine.objects.filter(
        claim__cohort=cohort,
        claim__kind__in=(ClaimKind.SETTLEMENT, ClaimKind.SUPPLEMENTARY),
        claim__status__in=LIVE_CLAIM_STATUSES,
    ).exclude(claim_id=exclude)
    return {
        line.enrollment_id
        for line in lines.only("enrollment_id", "result", "decision", "amount")
        if line.due > 0
    }


def paid_advance(cohort: Cohort) -> Decimal:
    """What the class's advance paid (its ledger payment), netted in the settlement."""
    total = LedgerEntry.objects.filter(
        claim__cohort=cohort, claim__kind=ClaimKind.ADVANCE, kind=LedgerKind.PAYMENT
    ).aggregate(total=Sum("amount"))["total"]
    return total or ZERO


def set_totals(claim: Claim) -> None:
    """entitled = what the lines pay; advanced = the paid advance (a settlement nets it);
    payable = entitled − advanced."""
    if claim.kind == ClaimKind.ADVANCE:
        return
    entitled = ZERO
    # Not through `claim.lines`: lines read with deferred fields from the claim's related
    # manager would each fetch their claim_id again, one query per line.
    for line in ClaimLine.objects.filter(claim=claim).only("result", "decision", "amount"):
        entitled += line.due
    claim.entitled = entitled
    claim.advanced = paid_advance(claim.cohort) if claim.kind == ClaimKind.SETTLEMENT else ZERO
    claim.payable = claim.entitled - claim.advanced
    claim.save(update_fields=["entitled", "advanced", "payable"])


def _totals(claim: Claim) -> dict[str, str]:
    return {
        "kind": claim.kind,
        "status": claim.status,
        "entitled": str(claim.entitled),
        "advanced": str(claim.advanced),
        "payable": str(claim.payable),
    }


# The workflow -------------------------------------------------------------------------------
def claim_recompute(*, by: User | None, claim: Claim, today: dt.date | None = None) -> Claim:
    """The enterprise recomputes a draft or returned claim (a certificate recorded since)."""
    require(by, CLAIM, claim.cohort, _("Only the class's enterprise changes its claim."))
    with transaction.atomic():
        lock(claim)
        refuse_if([] if claim.status in EDITABLE_CLAIM_STATUSES else [NOT_EDITABLE])
        before = _totals(claim)
        compute(claim, today=_today(today))
        audit_record(
            by=by, action="claim.recompute", obj=claim, before=before, after=_totals(claim)
        )
    return claim


def claim_submit(*, by: User | None, claim: Claim, today: dt.date | None = None) -> Claim:
    """Submits the claim as computed today (the claim date the windows count to)."""
    require(by, CLAIM, claim.cohort, _("Only the class's enterprise submits its claim."))
    today = _today(today)
    with transaction.atomic():
        lock(claim)
        problems = list(CLAIM_FLOW.problems(claim.status, S.SUBMITTED))
        if not (claim.payee_bank and claim.payee_name and claim.payee_account):
            problems.append(PAYEE_MISSING)
        if claim.kind != ClaimKind.SUPPLEMENTARY:
            problems += [
                p
                for p in kind_problems(claim.cohort, claim.kind, exclude=claim.pk)
                if p is not DUPLICATE
            ]
        refuse_if(problems)
        claim.claim_date = today
        compute(claim, today=today)
        if claim.kind == ClaimKind.SUPPLEMENTARY and not claim.lines.exists():
            raise Refused([NOTHING_TO_SUPPLEMENT])
        transition(
            claim,
            to=S.SUBMITTED,
            flow=CLAIM_FLOW,
            by=by,
            action="submit",
            values={"submitted_by": by, "submitted_at": _now(), "claim_date": today},
        )
        notify_organisations(
            reviewing_bureaus(claim.cohort), "claim.submitted", claim, **_notice_params(claim)
        )
    return claim


def _notice_params(claim: Claim) -> dict[str, Any]:
    return {
        "code": claim.cohort.code,
        "claim_kind": ClaimKind(claim.kind).label,
        "amount": f"{claim.payable:,.2f}",
    }


def claim_review(*, by: User | None, claim: Claim) -> Claim:
    """A reviewer takes a submitted claim under review."""
    require_reviewer(by, claim)
    with transaction.atomic():
        lock(claim)
        transition(
            claim,
            to=S.UNDER_REVIEW,
            flow=CLAIM_FLOW,
            by=by,
            action="review",
            values={"reviewed_by": by, "reviewed_at": _now()},
        )
    return claim


def line_decide(*, by: User | None, line: ClaimLine, decision: str, reason: str) -> ClaimLine:
    """The reviewer decides a line at `review` (pay or refuse) with a reason."""
    claim = line.claim
    require_reviewer(by, claim)
    reason = (reason or "").strip()
    with transaction.atomic():
        lock(claim)
        problems = [] if claim.status == S.UNDER_REVIEW else [CLAIM_FLOW.not_now(claim.status)]
        if line.result != CheckResult.REVIEW:
            problems.append(NOT_REVIEW_LINE)
        if decision not in LineDecision.values:
            problems.append(
                Problem("decision_unknown", _("Decide to pay or to refuse."), "decision")
            )
        if not reason:
            problems.append(REASON_NEEDED)
        refuse_if(problems)
        before = {"decision": line.decision, "decision_reason": line.decision_reason}
        line.decision, line.decision_reason = decision, reason[:300]
        line.decided_by, line.decided_at = by, _now()
        line.full_clean(validate_constraints=False)
        line.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
        set_totals(claim)
        audit_record(
            by=by,
            action="claimline.decide",
            obj=line,
            before=before,
            after={"decision": decision, "decision_reason": line.decision_reason},
        )
    return line


def claim_special_approval(
    *, by: User | None, claim: Claim, reason: str, today: dt.date | None = None
) -> Claim:
    """The reviewer records the special approval of a longer subsidised duration (who, when,
    why); the lines are recomputed with the approved maximum of years."""
    require_reviewer(by, claim)
    reason = (reason or "").strip()
    with transaction.atomic():
        lock(claim)
        problems = [] if claim.status == S.UNDER_REVIEW else [CLAIM_FLOW.not_now(claim.status)]
        refuse_if(problems + ([] if reason else [REASON_NEEDED]))
        claim.special_approval_by, claim.special_approval_at = by, _now()
        claim.special_approval_reason = reason[:300]
        claim.save(
            update_fields=["special_approval_by", "special_approval_at", "special_approval_reason"]
        )
        before = _totals(claim)
        compute(claim, today=_today(today))
        audit_record(
            by=by,
            action="claim.special_approval",
            obj=claim,
            before=before,
            after={**_totals(claim), "special_approval_reason": claim.special_approval_reason},
        )
    return claim


def claim_notice(*, by: User | None, claim: Claim, today: dt.date | None = None) -> Notice:
    """Puts a claim whose lines are all decided on public notice, from today for the policy's
    working days; each apprentice paid on it is told, so one who never trained can object."""
    require_reviewer(by, claim)
    today = _today(today)
    with transaction.atomic():
        lock(claim)
        problems = list(CLAIM_FLOW.problems(claim.status, S.ON_NOTICE))
        if claim.lines.filter(result=CheckResult.REVIEW, decision="").exists():
            problems.append(UNDECIDED)
        days = claim.policy.notice_working_days
        first = last = today
        try:
            first = first_working_day_after(today)
            last = notice_end(today, days)
        except CalendarUnknown as error:
            problems.extend(error.problems)
        refuse_if(problems)
        notice = Notice.objects.create(
            claim=claim,
            published_on=today,
            starts_on=first,
            ends_on=last,
            working_days=days,
            content=notice_content(claim),
        )
        transition(claim, to=S.ON_NOTICE, flow=CLAIM_FLOW, by=by, action="notice")
        _tell_apprentices(claim, "claim.on_notice", notice.get_absolute_url(), last=last)
    return notice


def notice_content(claim: Claim) -> dict[str, Any]:
    """What the public reads: no ID number, never a full name."""
    cohort = claim.cohort
    lines = (
        claim.lines.select_related("person").order_by("person__name", "pk")
        if claim.kind != ClaimKind.ADVANCE
        else ClaimLine.objects.none()
    )
    people = [
        {"name": mask_name(line.person.name), "level": line.level, "amount": str(line.due)}
        for line in lines
        if line.due > 0
    ]
    return {
        "enterprise": cohort.enterprise.name,
        "cohort_code": cohort.code,
        "cohort_name": cohort.name,
        "occupation": cohort.occupation.name,
        "occupation_en": cohort.occupation.name_en,
        "kind": claim.kind,
        "headcount": len(people) if claim.kind != ClaimKind.ADVANCE else cohort.planned_headcount,
        "amount": str(claim.entitled),
        "payable": str(claim.payable),
        "people": people,
    }


def _tell_apprentices(claim: Claim, kind: str, url: str, **params: Any) -> int:
    users = [
        person.user
        for person in Person.objects.filter(
            pk__in=claim.lines.values("person_id"), user__isnull=False, user__is_active=True
        ).select_related("user")
    ]
    base = {"code": claim.cohort.code, "enterprise": claim.cohort.enterprise.name}
    return notify(kind=kind, recipients=users, url=url, params={**base, **params})


def approval_problems(claim: Claim, today: dt.date) -> list[Problem]:
    problems = list(CLAIM_FLOW.problems(claim.status, S.APPROVED))
    notice = claim.notices.filter(withdrawn_at__isnull=True).order_by("-pk").first()
    if claim.status == S.ON_NOTICE:
        if notice is None:
            problems.append(NOTICE_RUNNING)
        else:
            try:
                if today < first_working_day_after(notice.ends_on):
                    problems.append(NOTICE_RUNNING)
            except CalendarUnknown as error:
                problems.extend(error.problems)
            if notice.objections.filter(status=ObjectionStatus.OPEN).exists():
                problems.append(OPEN_OBJECTION)
    return problems


def claim_approve(*, by: User | None, claim: Claim, today: dt.date | None = None) -> Claim:
    """The city approves a claim whose notice has ended with no open objection, within the
    budget; the people it pays are granted (the database refuses a second grant of the same
    person, occupation and level, or one past the yearly limit), and a negative payable
    becomes a refund obligation due in the policy's months."""
    require_city(by)
    if by is not None and claim.submitted_by_id == by.pk:
        raise Refused([OWN_CLAIM])
    today = _today(today)
    try:
        with transaction.atomic():
            lock(claim)
            problems = approval_problems(claim, today)
            problems += budget_problems(claim, today)
            refuse_if(problems)
            write_grants(claim, by=by)
            transition(
                claim,
                to=S.APPROVED,
                flow=CLAIM_FLOW,
                by=by,
                action="approve",
                values={"approved_by": by, "approved_at": _now()},
            )
            if claim.payable < 0:
                _refund_due(claim, by=by, today=today)
            notify_organisations(
                [claim.cohort.enterprise], "claim.approved", claim, **_notice_params(claim)
            )
    except IntegrityError:
        raise Refused([SUBSIDISED_MEANWHILE]) from None
    return claim


SUBSIDISED_MEANWHILE = Problem(
    "subsidised_meanwhile",
    _(
        "An apprentice on this claim was subsidised by another claim meanwhile: return the "
        "claim so that it is recomputed."
    ),
    "lines",
)


def write_grants(claim: Claim, *, by: User | None) -> int:
    """One grant per line that pays, after locking its people (on PostgreSQL; SQLite's
    transactions are serialised) and checking again what is granted already: two approvals
    at the same moment cannot both pay the same person."""
    if claim.kind == ClaimKind.ADVANCE:
        return 0
    lines = [
        line
        for line in claim.lines.select_related("person", "enrollment").order_by("person_id")
        if line.due > 0
    ]
    person_ids = sorted({line.person_id for line in lines})
    list(Person.objects.select_for_update().filter(pk__in=person_ids).values_list("pk"))
    numbers = {line.person.id_number for line in lines}
    existing: dict[str, list[SubsidyGrant]] = {}
    for grant in SubsidyGrant.objects.filter(id_number__in=numbers):
        existing.setdefault(grant.id_number, []).append(grant)
    policy = claim.policy
    occupation = claim.cohort.occupation.code
    conflicts = []
    grants = []
    for line in lines:
        number = line.person.id_number
        year = line_year(line)
        level = line.level if line.level is not None else claim.cohort.target_level
        held = existing.get(number, [])
        same = [g for g in held if g.occupation_code == occupation and g.level <= level]
        in_year = [g for g in held if g.year == year]
        if same or len(in_year) >= policy.trainings_per_year:
            conflicts.append(line)
            continue
        slot = max((g.slot for g in in_year), default=0) + 1
        grant = SubsidyGrant(
            id_number=number,
            occupation_code=occupation,
            level=level,
            year=year,
            slot=slot,
            amount=line.due,
            source=GrantSource.CLAIM,
            line=line,
            recorded_by=by if by is not None and by.is_authenticated else None,
        )
        existing.setdefault(number, []).append(grant)
        grants.append(grant)
    if conflicts:
        raise Refused([SUBSIDISED_MEANWHILE])
    SubsidyGrant.objects.bulk_create(grants, batch_size=gather.BATCH)
    return len(grants)


def line_year(line: ClaimLine) -> int:
    """The calendar year in which the apprentice's training started (the yearly limit's)."""
    return line.started_on.year


def _refund_due(claim: Claim, *, by: User | None, today: dt.date) -> RefundObligation:
    amount = -claim.payable
    refund = RefundObligation.objects.create(
        claim=claim, amount=amount, due_on=add_months(today, claim.policy.refund_months)
    )
    LedgerEntry.objects.create(
        kind=LedgerKind.REFUND_DUE, claim=claim, refund=refund, amount=amount, on=today, by=by
    )
    audit_record(
        by=by,
        action="refundobligation.create",
        obj=refund,
        after={"amount": str(amount), "due_on": refund.due_on.isoformat()},
    )
    notify_organisations(
        [claim.cohort.enterprise],
        "refund.due",
        refund,
        code=claim.cohort.code,
        amount=f"{amount:,.2f}",
        due=refund.due_on.isoformat(),
    )
    return refund


def claim_pay(*, by: User | None, claim: Claim, today: dt.date | None = None) -> LedgerEntry:
    """The city pays an approved claim: one ledger payment of its payable, once; a repeated
    or raced action is refused (`changed_meanwhile`) and writes nothing."""
    require_city(by)
    today = _today(today)
    with transaction.atomic():
        lock(claim)
        problems = list(CLAIM_FLOW.problems(claim.status, S.PAID))
        if claim.status == S.APPROVED and claim.payable <= 0:
            problems.append(NOTHING_TO_PAY)
        refuse_if(problems)
        transition(
            claim, to=S.PAID, flow=CLAIM_FLOW, by=by, action="pay", values={"paid_at": _now()}
        )
        try:
            with transaction.atomic():
                entry = LedgerEntry.objects.create(
                    kind=LedgerKind.PAYMENT, claim=claim, amount=claim.payable, on=today, by=by
                )
        except IntegrityError:
            raise Refused([CONFLICT]) from None
        notify_organisations(
            [claim.cohort.enterprise], "claim.paid", claim, **_notice_params(claim)
        )
        _tell_apprentices(claim, "claim.paid_apprentice", claim_public_url(claim))
    return entry


def claim_public_url(claim: Claim) -> str:
    notice = claim.notices.order_by("-pk").first()
    return notice.get_absolute_url() if notice else "/"


def claim_return(*, by: User | None, claim: Claim, reason: str) -> Claim:
    """Back to the enterprise to correct and resubmit (a running notice is withdrawn)."""
    return _close(by=by, claim=claim, reason=reason, to=S.RETURNED, action="return")


def claim_reject(*, by: User | None, claim: Claim, reason: str) -> Claim:
    """Refused for good (the class may claim this kind again)."""
    return _close(by=by, claim=claim, reason=reason, to=S.REJECTED, action="reject")


def _close(*, by: User | None, claim: Claim, reason: str, to: str, action: str) -> Claim:
    require_reviewer(by, claim)
    reason = (reason or "").strip()
    with transaction.atomic():
        lock(claim)
        refuse_if(CLAIM_FLOW.problems(claim.status, to) + ([] if reason else [REASON_NEEDED]))
        claim.notices.filter(withdrawn_at__isnull=True).update(withdrawn_at=_now())
        transition(claim, to=to, flow=CLAIM_FLOW, by=by, action=action, values={"comment": reason})
        kind = "claim.returned" if to == S.RETURNED else "claim.rejected"
        notify_organisations(
            [claim.cohort.enterprise], kind, claim, **_notice_params(claim), reason=reason
        )
    return claim
