"""The eligibility checks' codes and results (issue 10, item 2): stable, for programs."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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
