"""Subsidy policies (补贴政策): effective-dated versions of the money rules, for the whole city
or one district, with their standards per year by certificate kind and level. The non-money
rules stay in `programmes.ProgrammePolicy` (read, never copied)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xuetu.core.access import ReferenceQuerySet
from xuetu.core.validators import validate_entered_date, validate_line
from xuetu.registry.choices import CertificateType, SkillLevel
from xuetu.subsidies.money import MoneyField


class SubsidyPolicy(models.Model):
    """One version of the money rules, in force from `effective_from` until the next version
    of the same region. A version in use (in force today or earlier) is never edited: a
    change is a new version from a date."""

    name = models.CharField(_("name"), max_length=120, validators=[validate_line])
    effective_from = models.DateField(_("effective from"), validators=[validate_entered_date])
    district = models.ForeignKey(
        "accounts.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the whole city. A district's version overrides the city's."),
    )
    advance_ratio = models.DecimalField(
        _("largest advance (share of the planned amount)"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    max_years = models.PositiveSmallIntegerField(
        _("most years subsidised"), default=2, validators=[MinValueValidator(1)]
    )
    max_years_with_approval = models.PositiveSmallIntegerField(
        _("most years subsidised with a special approval"),
        default=3,
        validators=[MinValueValidator(1)],
    )
    certificate_window_months = models.PositiveSmallIntegerField(
        _("certificate issued at most (months after the class ended)"),
        default=12,
        validators=[MaxValueValidator(120)],
    )
    claim_window_months = models.PositiveSmallIntegerField(
        _("claim made at most (months after the certificate)"),
        default=12,
        validators=[MaxValueValidator(120)],
    )
    notice_working_days = models.PositiveSmallIntegerField(
        _("public notice (working days)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    refund_months = models.PositiveSmallIntegerField(
        _("refund due within (months)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    trainings_per_year = models.PositiveSmallIntegerField(
        _("subsidised trainings per person per calendar year"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from", "pk"]
        verbose_name = _("subsidy policy")
        verbose_name_plural = _("subsidy policies")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "effective_from"], name="subsidy_policy_one_per_district_day"
            ),
            models.UniqueConstraint(
                fields=["effective_from"],
                condition=models.Q(district__isnull=True),
                name="subsidy_policy_one_city_version_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        # The bureau keeps its policies in the admin; the API lists them for everyone.
        return reverse("admin:subsidies_subsidypolicy_change", args=[self.pk])

    def in_use(self, today: dt.date) -> bool:
        """In force today or earlier: read-only from then on."""
        return self.effective_from <= today


class SubsidyStandard(models.Model):
    """The amount per apprentice per year for a certificate kind (and level, for the kinds
    with one). A kind and level without a row earn nothing."""

    policy = models.ForeignKey(
        SubsidyPolicy,
        verbose_name=_("subsidy policy"),
        on_delete=models.CASCADE,
        related_name="standards",
    )
    kind = models.CharField(_("certificate kind"), max_length=20, choices=CertificateType.choices)
    level = models.PositiveSmallIntegerField(
        _("level"),
        choices=SkillLevel.choices,
        null=True,
        blank=True,
        help_text=_("Empty for the kinds without a level (special ability, training)."),
    )
    amount_per_year = MoneyField(
        _("amount per year (yuan)"), validators=[MinValueValidator(Decimal("0.00"))]
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["policy", "kind", "level"]
        verbose_name = _("subsidy standard")
        verbose_name_plural = _("subsidy standards")
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "kind", "level"], name="subsidy_standard_one_per_kind_level"
            ),
            models.UniqueConstraint(
                fields=["policy", "kind"],
                condition=models.Q(level__isnull=True),
                name="subsidy_standard_one_per_unlevelled_kind",
            ),
        ]

    def __str__(self) -> str:
        level = f" {self.level}" if self.level else ""
        return f"{self.kind}{level}: {self.amount_per_year}"

    def get_absolute_url(self) -> str:
        # A standard is part of its policy version: its page is the policy's.
        return self.policy.get_absolute_url()
