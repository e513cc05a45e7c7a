"""The eligibility checks' codes and results (issue 10, item 2): stable, for programs."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xuetu.core.transitions import Flow


class CheckResult(models.TextChoices):
    PASS = "pass", _("Passed")
    FAIL = "fail", _("Failed")
    REVIEW = "review", _("Needs a reviewer's decision")


CHECK_CODES = (
    "completed",
    "certificate_holder",
    "certificate_occupation",
    "certificate_after_start",
    "certificate_in_window",
    "claim_in_time",
    "certificate_verified",
    "hours_confirmed",
    "contract_length",
    "contract_covers_start",
    "age_at_enrolment",
    "not_subsidised_before",
    "once_per_year",
)
# The checks' names, for people (an explanation names the checks that failed in the reader's
# language; programs read the codes).
CHECK_NAMES = {
    "completed": _("training completed"),
    "certificate_holder": _("holds a certificate"),
    "certificate_occupation": _("certificate in the class's occupation"),
    "certificate_after_start": _("certificate issued after the start"),
    "certificate_in_window": _("certificate issued in time"),
    "claim_in_time": _("claim made in time"),
    "certificate_verified": _("certificate verified"),
    "hours_confirmed": _("hours confirmed"),
    "contract_length": _("labour contract long enough"),
    "contract_covers_start": _("labour contract covers the start"),
    "age_at_enrolment": _("age at enrolment"),
    "not_subsidised_before": _("not subsidised before"),
    "once_per_year": _("one subsidised training a year"),
}


# Claims (issue 10, items 3–7) ----------------------------------------------------------------
class ClaimKind(models.TextChoices):
    ADVANCE = "advance", _("Advance")
    SETTLEMENT = "settlement", _("Settlement")
    SUPPLEMENTARY = "supplementary", _("Supplementary settlement")


class ClaimStatus(models.TextChoices):
    # A claim's own words ("approved" is not a class's 同意开班).
    DRAFT = "draft", pgettext_lazy("claim", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("claim", "Submitted")
    UNDER_REVIEW = "under_review", pgettext_lazy("claim", "Under review")
    ON_NOTICE = "on_notice", pgettext_lazy("claim", "On public notice")
    APPROVED = "approved", pgettext_lazy("claim", "Approved")
    PAID = "paid", pgettext_lazy("claim", "Paid")
    RETURNED = "returned", pgettext_lazy("claim", "Returned")
    REJECTED = "rejected", pgettext_lazy("claim", "Rejected")


_S = ClaimStatus
# DESIGN.md §4; an objection during the notice sends the claim back under review.
CLAIM_FLOW = Flow(
    ClaimStatus,
    {
        _S.DRAFT: frozenset({_S.SUBMITTED}),
        _S.RETURNED: frozenset({_S.SUBMITTED}),
        _S.SUBMITTED: frozenset({_S.UNDER_REVIEW, _S.RETURNED, _S.REJECTED}),
        _S.UNDER_REVIEW: frozenset({_S.ON_NOTICE, _S.RETURNED, _S.REJECTED}),
        _S.ON_NOTICE: frozenset({_S.APPROVED, _S.UNDER_REVIEW, _S.RETURNED, _S.REJECTED}),
        _S.APPROVED: frozenset({_S.PAID}),
    },
)
# The enterprise edits (payee, recompute) a claim in these.
EDITABLE_CLAIM_STATUSES = frozenset({_S.DRAFT, _S.RETURNED})
# A claim in these holds its class's place: a second claim of the same kind is refused.
LIVE_CLAIM_STATUSES = frozenset(set(ClaimStatus.values) - {_S.REJECTED})
# Approved money: committed against the budget.
COMMITTED_CLAIM_STATUSES = frozenset({_S.APPROVED, _S.PAID})


class LineDecision(models.TextChoices):
    PAY = "pay", _("Pay")
    REFUSE = "refuse", _("Refuse")


class LedgerKind(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    REFUND_DUE = "refund_due", _("Refund due")
    REPAYMENT = "repayment", _("Repayment")
    REVERSAL = "reversal", _("Reversal")


class RefundStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("refund", "Open")
    REPAID = "repaid", _("Repaid")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("objection", "Open")
    UPHELD = "upheld", pgettext_lazy("objection", "Upheld")
    DISMISSED = "dismissed", pgettext_lazy("objection", "Dismissed")


class GrantSource(models.TextChoices):
    CLAIM = "claim", _("A claim approved here")
    HISTORY = "history", _("Imported history")
