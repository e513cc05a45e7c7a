from django.db import models
from django.utils.translation import gettext_lazy as _


class ModuleKind(models.TextChoices):
    THEORY = "theory", _("Theory")
    PRACTICAL = "practical", _("Practical skills")
    SAFETY = "safety", _("Safety")
    ETHICS = "ethics", _("Professional ethics and craftsmanship")


class ModulePlace(models.TextChoices):
    SCHOOL = "school", _("At the institution")
    WORKPLACE = "workplace", _("At the workplace")
    ONLINE = "online", _("Online")


# Hours a single module may plan: a two-year class at 600 a year has 1,200 in all.
MAX_MODULE_HOURS = 2000


class BlockPlace(models.TextChoices):
    """Where a work–study block (工学交替) is spent."""

    SCHOOL = "school", _("At the institution")
    WORKPLACE = "workplace", _("At the workplace")


class HoursStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    DISPUTED = "disputed", _("Disputed")
    CANCELLED = "cancelled", _("Cancelled")


class DisputeOutcome(models.TextChoices):
    KEPT = "kept", _("Kept")
    CANCELLED = "cancelled", _("Cancelled")


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    SHEET = "sheet", _("Signed sheet")
    VIDEO = "video", _("Video")


class AssessmentOutcome(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


# Statuses whose hours count (towards the plan, the daily limit and overlaps).
STANDING_HOURS = (HoursStatus.PENDING, HoursStatus.CONFIRMED, HoursStatus.DISPUTED)
