from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TrainingMode(models.TextChoices):
    ALTERNATION = "alternation", _("Work–study alternation (工学交替)")
    ON_SITE = "on_site", _("Teaching at the workplace (送教上门)")
    AT_SCHOOL = "at_school", _("Centralised at the institution (集中脱产)")
    MIXED = "mixed", _("Mixed")


class AgreementSide(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    INSTITUTION = "institution", _("Institution")


class MentorKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise mentor (企业导师)")
    INSTITUTION = "institution", _("Institution teacher (院校导师)")


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


class ApprenticeCategory(models.TextChoices):
    NEW_HIRE = "new_hire", _("New hire (新入职)")
    IN_POST = "in_post", _("In post (在岗)")
    TRANSFERRED = "transferred", _("Transferred (转岗)")


class EnrollmentStatus(models.TextChoices):
    # An apprentice "withdraws" (退出), a filing is "withdrawn" (撤回): one English word,
    # two Chinese ones, hence the context.
    ENROLLED = "enrolled", _("Enrolled")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", pgettext_lazy("apprentice", "Withdrawn")


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
