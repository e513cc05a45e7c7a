from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xuetu.core.transitions import Flow


class TrainingMode(models.TextChoices):
    ALTERNATION = "alternation", _("Work–study alternation")
    ON_SITE = "on_site", _("Teaching at the workplace")
    AT_SCHOOL = "at_school", _("Centralised at the institution")
    MIXED = "mixed", _("Mixed")


class AgreementSide(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    INSTITUTION = "institution", _("Institution")


class MentorKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise mentor")
    INSTITUTION = "institution", _("Institution teacher")


class CohortStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    IN_TRAINING = "in_training", _("In training")
    COMPLETED = "completed", _("Completed")
    CLOSED = "closed", _("Closed")


_C = CohortStatus
# DESIGN.md §4. `→ draft` is the edit of a submitted or returned filing, not a button.
COHORT_FLOW = Flow(
    CohortStatus,
    {
        _C.DRAFT: frozenset({_C.SUBMITTED, _C.WITHDRAWN}),
        _C.SUBMITTED: frozenset({_C.APPROVED, _C.RETURNED, _C.REJECTED, _C.WITHDRAWN, _C.DRAFT}),
        _C.RETURNED: frozenset({_C.SUBMITTED, _C.DRAFT}),
        _C.APPROVED: frozenset({_C.IN_TRAINING}),
        _C.IN_TRAINING: frozenset({_C.COMPLETED}),
        _C.COMPLETED: frozenset({_C.CLOSED}),
    },
)
# A class's roster may be edited in these; an edit to a submitted or returned one reopens it.
EDITABLE_COHORT_STATUSES = frozenset({_C.DRAFT, _C.SUBMITTED, _C.RETURNED})
# A person on an open enrollment in one of these classes is "training elsewhere"; a draft
# roster is only a plan and blocks nobody.
LIVE_COHORT_STATUSES = frozenset({_C.SUBMITTED, _C.RETURNED, _C.APPROVED, _C.IN_TRAINING})
# Apprentices of a rejected or withdrawn filing, or a finished class, take no mentor's place.
ENDED_COHORT_STATUSES = frozenset({_C.REJECTED, _C.WITHDRAWN, _C.COMPLETED, _C.CLOSED})
# Changes after approval (substitution) apply to these.
APPROVED_COHORT_STATUSES = frozenset({_C.APPROVED, _C.IN_TRAINING})
# An apprentice may be transferred into these.
# A transfer goes only into a class the district approved (not a draft nobody reviewed).
TRANSFER_TARGET_STATUSES = frozenset({_C.APPROVED, _C.IN_TRAINING})


class ApprenticeCategory(models.TextChoices):
    NEW_HIRE = "new_hire", _("New hire")
    IN_POST = "in_post", _("In post")
    TRANSFERRED = "transferred", _("Transferred")


class EnrollmentStatus(models.TextChoices):
    # An apprentice "withdraws" (退出), a filing is "withdrawn" (撤回): one English word,
    # two Chinese ones, hence the context.
    ENROLLED = "enrolled", _("Enrolled")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", pgettext_lazy("apprentice", "Withdrawn")


_E = EnrollmentStatus
ENROLLMENT_FLOW = Flow(
    EnrollmentStatus,
    {
        _E.ENROLLED: frozenset({_E.ACTIVE, _E.WITHDRAWN}),
        _E.ACTIVE: frozenset({_E.PAUSED, _E.COMPLETED, _E.WITHDRAWN}),
        # Someone on a pause may leave the enterprise; making them "resume" first would record
        # a return to training that never happened.
        _E.PAUSED: frozenset({_E.ACTIVE, _E.WITHDRAWN}),
    },
)
OPEN_ENROLLMENT_STATUSES = frozenset({_E.ENROLLED, _E.ACTIVE, _E.PAUSED})
# A reversal of an enrollment's last change (services.lifecycle) goes back along the flow.
REVERSAL_FLOW = Flow(
    EnrollmentStatus,
    {
        _E.WITHDRAWN: frozenset({_E.ENROLLED, _E.ACTIVE, _E.PAUSED}),
        _E.COMPLETED: frozenset({_E.ACTIVE}),
        _E.PAUSED: frozenset({_E.ACTIVE}),
        _E.ACTIVE: frozenset({_E.PAUSED}),
    },
)


class WithdrawalReason(models.TextChoices):
    LEFT = "left", _("Left the enterprise")
    CONTRACT_ENDED = "contract_ended", _("Labour contract ended")
    DISMISSED = "dismissed", _("Dismissed")
    OTHER = "other", _("Other")


class EnrollmentEventKind(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    ACTIVATED = "activated", _("Training started")
    PAUSED = "paused", _("Paused")
    RESUMED = "resumed", _("Resumed")
    MENTOR_CHANGED = "mentor_changed", _("Mentor changed")
    WITHDRAWN = "withdrawn", pgettext_lazy("apprentice", "Withdrawn")
    SUBSTITUTED = "substituted", _("Substitute for a withdrawn apprentice")
    TRANSFERRED_OUT = "transferred_out", _("Transferred to another class")
    TRANSFERRED_IN = "transferred_in", _("Transferred from another class")
    COMPLETED = "completed", _("Completed")
    REVERSED = "reversed", _("Change reversed")


class DocumentType(models.TextChoices):
    """What a reviewer may ask the enterprise for (issue 8, item 18)."""

    TRANSFER_CERTIFICATE = "transfer_certificate", _("Transfer certificate")
    LABOUR_CONTRACT = "labour_contract", _("Labour contract")
    IDENTITY_PROOF = "identity_proof", _("Identity proof")
    EDUCATION_PROOF = "education_proof", _("Education proof")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance record")
    OTHER = "other", _("Other")


class DocumentRequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FULFILLED = "fulfilled", _("Fulfilled")
    WITHDRAWN = "withdrawn", pgettext_lazy("request", "Withdrawn")


_D = DocumentRequestStatus
DOCUMENT_REQUEST_FLOW = Flow(
    DocumentRequestStatus,
    {_D.OPEN: frozenset({_D.FULFILLED, _D.WITHDRAWN})},
)
