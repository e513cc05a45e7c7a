"""The grant register's history (issue 10, item 8: `history_insert`, the import's one write)
and the reproducibility of a claim (issue 10, item 11): its lines recomputed from the stored
evidence, the claim's policy version and its stored claim date, without writing anything, and
compared field by field with what is stored (`manage.py recompute_claim ID --check`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xuetu.accounts.models import User
from xuetu.core.imports import audit_created
from xuetu.subsidies import facts as gather
from xuetu.subsidies.choices import ClaimKind, ClaimStatus
from xuetu.subsidies.models import Claim, ClaimLine, SubsidyGrant
from xuetu.subsidies.money import ZERO
from xuetu.subsidies.services.claims import advance_amount, computed_lines, paid_advance

# What a line is compared on, besides each check's code and result.
LINE_FIELDS = ("result", "kind", "level", "months", "years", "amount_per_year", "amount")
LINE_FIELDS_IDS = ("certificate_id", "person_id")
# A draft's lines are rewritten on every change: only a claim past the draft is reproducible.
RECOMPUTABLE = tuple(s for s in ClaimStatus.values if s not in (ClaimStatus.DRAFT,))


def history_insert(*, by: User, grants: list[SubsidyGrant]) -> list[SubsidyGrant]:
    """Past payments checked by the import (`xuetu.subsidies.imports`), in one insert, with a
    `subsidygrant.import` audit event each; the database's constraints still guard them."""
    created = SubsidyGrant.objects.bulk_create(grants, batch_size=1000)
    audit_created(by=by, objects=created, action="subsidygrant.import")
    return created


@dataclass(frozen=True)
class Difference:
    """One value that differs: `where` is the line (enrollment and person) or "totals"."""

    where: str
    field: str
    stored: str
    recomputed: str


def _checks(line: ClaimLine) -> dict[str, str]:
    return {c["code"]: c["result"] for c in line.checks}


def _line_label(line: ClaimLine) -> str:
    return f"line {line.pk or '-'} (enrollment {line.enrollment_id}, person {line.person_id})"


def recompute_differences(claim: Claim) -> list[Difference]:
    """Every difference between the stored lines and totals of `claim` and a recomputation
    from the stored evidence on the claim's own date; [] when the claim reproduces."""
    claim_date = claim.claim_date or claim.created_at.date()
    found: list[Difference] = []
    stored = {line.enrollment_id: line for line in claim.lines.all()}
    if claim.kind == ClaimKind.ADVANCE:
        entitled = advance_amount(claim, gather.claim_policy_facts(claim))
        advanced = ZERO
    else:
        entitled = ZERO
        seen: set[int] = set()
        for lines in computed_lines(claim, claim_date=claim_date, as_of=claim.computed_at):
            for line in lines:
                seen.add(line.enrollment_id)
                old = stored.get(line.enrollment_id)
                if old is None:
                    found.append(Difference(_line_label(line), "line", "-", "present"))
                    continue
                line.decision = old.decision  # a reviewer's decision is stored, not computed
                entitled += line.due
                found.extend(_line_differences(old, line))
        for enrollment_id, old in stored.items():
            if enrollment_id not in seen:
                found.append(Difference(_line_label(old), "line", "present", "-"))
        advanced = paid_advance(claim.cohort) if claim.kind == ClaimKind.SETTLEMENT else ZERO
    totals = {"entitled": entitled, "advanced": advanced, "payable": entitled - advanced}
    for name, value in totals.items():
        if getattr(claim, name) != value:
            found.append(Difference("totals", name, _text(getattr(claim, name)), _text(value)))
    return found


def _line_differences(old: ClaimLine, new: ClaimLine) -> list[Difference]:
    label = _line_label(old)
    found = [
        Difference(label, name, _text(getattr(old, name)), _text(getattr(new, name)))
        for name in (*LINE_FIELDS, *LINE_FIELDS_IDS)
        if _text(getattr(old, name)) != _text(getattr(new, name))
    ]
    before, after = _checks(old), _checks(new)
    for code in sorted(set(before) | set(after)):
        if before.get(code) != after.get(code):
            found.append(
                Difference(label, f"check {code}", before.get(code, "-"), after.get(code, "-"))
            )
    return found


def _text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"
    return str(value)
