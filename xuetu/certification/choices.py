"""Certificates' review statuses and the flow between them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xuetu.core.transitions import Flow
from xuetu.registry.choices import CertificateType


class ReviewStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")  # its number follows its published layout
    PENDING_REVIEW = "pending_review", _("Awaiting the bureau's review")
    VERIFIED = "verified", _("Verified by the bureau")
    REJECTED = "rejected", _("Rejected by the bureau")


_R = ReviewStatus
# The bureau verifies or rejects what waits in the queue, and may still reject (or confirm)
# an accepted certificate later: a number in the right layout can still be a mill's.
REVIEW_FLOW = Flow(
    ReviewStatus,
    {
        _R.ACCEPTED: frozenset({_R.VERIFIED, _R.REJECTED}),
        _R.PENDING_REVIEW: frozenset({_R.VERIFIED, _R.REJECTED}),
    },
)
REVIEWABLE = frozenset({_R.ACCEPTED, _R.PENDING_REVIEW})

# The kinds with a level (and an occupation); the others carry neither level nor layout.
LEVELLED_KINDS = frozenset({CertificateType.SKILL_LEVEL, CertificateType.QUALIFICATION})
UNLEVELLED_KINDS = frozenset({CertificateType.SPECIAL_ABILITY, CertificateType.TRAINING})
