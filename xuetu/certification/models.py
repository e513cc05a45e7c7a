"""Certificates (issue 9, item 6): recorded by the teaching institution or the bureau, their
numbers read against the published layouts, and reviewed by the bureau."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import Organisation
from xuetu.certification.choices import LEVELLED_KINDS, UNLEVELLED_KINDS, ReviewStatus
from xuetu.certification.numbers import reason_message
from xuetu.core.access import ScopedQuerySet
from xuetu.core.links import HasPage
from xuetu.core.validators import (
    EARLIEST_DATE,
    LATEST_DATE,
    validate_entered_date,
    validate_line,
    validate_text,
)
from xuetu.registry.choices import CertificateType, SkillLevel
from xuetu.registry.models import Occupation, Person

EARLIEST_ISSUE = dt.date(1990, 1, 1)  # no certificate in these layouts is older
# What a recorder enters about a certificate (besides its holder and scan): forms and API.
RECORDED_FIELDS = ("kind", "occupation", "project", "level", "number", "issuer", "issued_on")


def validate_issued_on(value: dt.date) -> None:
    """An issue date someone entered: not before 1990, not in the future."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        return  # validate_entered_date says it, as for every entered date
    if value < EARLIEST_ISSUE or value > timezone.localdate():
        raise ValidationError(
            _("Enter an issue date between %(earliest)s and today."),
            code="issued_on_out_of_range",
            params={"earliest": EARLIEST_ISSUE.isoformat()},
        )


class CertificateQuerySet(ScopedQuerySet):
    def in_review_queue(self) -> CertificateQuerySet:
        return self.filter(review_status=ReviewStatus.PENDING_REVIEW)

    def by_number(self, kind: str, number: str) -> CertificateQuerySet:
        """The certificate of `kind` with `number` (as normalised by numbers.read_number)."""
        return self.filter(kind=kind, number=number)


class Certificate(HasPage, models.Model):
    """A certificate one person holds. Created and reviewed through services only."""

    page_url_name = "certification:certificate_detail"

    holder = models.ForeignKey(
        Person, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="certificates"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CertificateType.choices)
    occupation = models.ForeignKey(
        Occupation,
        verbose_name=_("occupation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    project = models.CharField(
        _("project"),
        max_length=120,
        blank=True,
        validators=[validate_line],
        help_text=_("For a special ability or training certificate without an occupation."),
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=SkillLevel.choices, null=True, blank=True
    )
    number = models.CharField(_("certificate number"), max_length=40, validators=[validate_line])
    issuer = models.CharField(
        _("issuer"),
        max_length=120,
        validators=[validate_line],
        help_text=_("The evaluation organisation's name as printed on the certificate."),
    )
    issued_on = models.DateField(
        _("issue date"), validators=[validate_entered_date, validate_issued_on]
    )
    scan = models.FileField(_("scan"), upload_to="certificates/%Y/", blank=True)
    review_status = models.CharField(
        _("review status"),
        max_length=20,
        choices=ReviewStatus.choices,
        default=ReviewStatus.ACCEPTED,
        db_index=True,
    )
    # Why it waits for review: the problem's code and parameters, rendered when read.
    review_reason_code = models.CharField(_("review reason"), max_length=40, blank=True)
    review_reason_params = models.JSONField(_("review reason parameters"), default=dict, blank=True)
    review_comment = models.TextField(
        _("review comment"), max_length=500, blank=True, validators=[validate_text]
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("recorded by (organisation)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="certificate_number_per_kind"),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=sorted(LEVELLED_KINDS), level__isnull=False)
                    | Q(kind__in=sorted(UNLEVELLED_KINDS), level__isnull=True)
                ),
                name="certificate_level_by_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=sorted(LEVELLED_KINDS), occupation__isnull=True),
                name="certificate_occupation_by_kind",
            ),
        ]
        indexes = [models.Index(fields=["holder", "kind"], name="certificate_holder_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.kind in LEVELLED_KINDS:
            if self.level is None:
                errors["level"] = _("A certificate of this kind has a level.")
            if self.occupation_id is None:
                errors["occupation"] = _("A certificate of this kind names its occupation.")
        elif self.kind in UNLEVELLED_KINDS:
            if self.level is not None:
                errors["level"] = _("A certificate of this kind has no level.")
            if self.occupation_id is None and not self.project.strip():
                errors["project"] = _("Name the occupation or the project.")
        if errors:
            raise ValidationError(errors)

    @property
    def review_reason(self) -> str:
        """Why it was sent to review, in the reader's language ("" when it was not)."""
        if not self.review_reason_code:
            return ""
        return reason_message(self.review_reason_code, self.review_reason_params)

    @property
    def subject(self) -> str:
        """What it certifies: the occupation's name, else the project."""
        return self.occupation.display_name if self.occupation else self.project
