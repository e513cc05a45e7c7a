"""Subsidy policies (补贴政策): effective-dated versions of the money rules, for the whole city
or one district, with their standards per year by certificate kind and level. The non-money
rules stay in `programmes.ProgrammePolicy` (read, never copied)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from xuetu.core.access import ReferenceQuerySet, ScopedQuerySet
from xuetu.core.links import HasPage
from xuetu.core.validators import validate_entered_date, validate_line, validate_text
from xuetu.registry.choices import CertificateType, SkillLevel
from xuetu.subsidies.choices import (
    CheckResult,
    ClaimKind,
    ClaimStatus,
    GrantSource,
    LedgerKind,
    LineDecision,
    ObjectionStatus,
    RefundStatus,
)
from xuetu.subsidies.money import ZERO, MoneyField
from xuetu.subsidies.payee import mask_account, validate_account_number


def get_language_code() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


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


# Claims (issue 10, items 3–7) ----------------------------------------------------------------
class ClaimQuerySet(ScopedQuerySet):
    """Who reaches these rows: subsidies.access."""


class Claim(HasPage, models.Model):
    """One claim of a class's enterprise for its training subsidy: an advance (预支) after the
    class's approval, a settlement (结算) after completion, or a supplementary settlement
    (补充结算) for certificates obtained after the settlement. Its lines say who earns what
    and why; its totals are entitled − advanced = payable (negative: a refund is due)."""

    page_url_name = "subsidies:claim_detail"

    cohort = models.ForeignKey(
        "programmes.Cohort", verbose_name=_("class"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ClaimKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT
    )
    supplements = models.ForeignKey(
        "self",
        verbose_name=_("supplements the settlement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplementary_claims",
    )
    policy = models.ForeignKey(
        SubsidyPolicy,
        verbose_name=_("subsidy policy version"),
        on_delete=models.PROTECT,
        related_name="claims",
        help_text=_("The version in force on the class's approval date."),
    )
    district = models.ForeignKey(
        "accounts.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The enterprise's district when the claim was made: who reviews it."),
    )
    # The payee (收款账户): the enterprise's account; masked everywhere but the finance export.
    payee_bank = models.CharField(_("bank"), max_length=100, validators=[validate_line], blank=True)
    payee_name = models.CharField(
        _("account name"), max_length=100, validators=[validate_line], blank=True
    )
    payee_account = models.CharField(
        _("account number"), max_length=32, validators=[validate_account_number], blank=True
    )
    entitled = MoneyField(_("entitled"), default=ZERO)
    advanced = MoneyField(_("advanced"), default=ZERO)
    payable = MoneyField(_("payable"), default=ZERO)
    computed_at = models.DateTimeField(
        _("lines computed at"),
        null=True,
        blank=True,
        help_text=_("A recomputation reads the subsidies granted up to then, no later ones."),
    )
    claim_date = models.DateField(
        _("claim date"),
        null=True,
        blank=True,
        help_text=_("The day the claim was submitted: the claim window counts to it."),
    )
    # A longer subsidised duration (3 years), recorded by the reviewer: who, when, why.
    special_approval_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("special approval by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    special_approval_at = models.DateTimeField(_("special approval at"), null=True, blank=True)
    special_approval_reason = models.CharField(
        _("special approval reason"), max_length=300, blank=True, validators=[validate_line]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("review started at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    comment = models.TextField(_("reviewer's comment"), blank=True, validators=[validate_text])

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("subsidy claim")
        verbose_name_plural = _("subsidy claims")
        constraints = [
            # One advance and one settlement per class (a rejected one gives its place back).
            models.UniqueConstraint(
                fields=["cohort", "kind"],
                condition=models.Q(kind__in=["advance", "settlement"])
                & ~models.Q(status="rejected"),
                name="claim_one_live_per_class_and_kind",
            ),
        ]
        indexes = [models.Index(fields=["status", "district"], name="claim_status_district")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} · {self.cohort_id}"

    @property
    def payee_account_masked(self) -> str:
        return mask_account(self.payee_account)

    @property
    def special_approval(self) -> bool:
        return self.special_approval_at is not None


class ClaimLineQuerySet(ScopedQuerySet):
    """Who reaches these rows: subsidies.access."""


class ClaimLine(models.Model):
    """One enrollment on a claim: its checks (code, result, message in both languages), the
    certificate paid, the years and the amount, and the explanation a clerk reads. A line at
    `review` is decided by a reviewer with a reason."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="lines"
    )
    enrollment = models.ForeignKey(
        "programmes.Enrollment",
        verbose_name=_("enrollment"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("apprentice"), on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField(
        _("training started"),
        help_text=_("The class's start, or the day a substitute joined: the yearly limit's year."),
    )
    result = models.CharField(_("result"), max_length=8, choices=CheckResult.choices)
    checks = models.JSONField(_("checks"), default=list)
    certificate = models.ForeignKey(
        "certification.Certificate",
        verbose_name=_("certificate paid"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(
        _("certificate kind"), max_length=20, choices=CertificateType.choices, blank=True
    )
    level = models.PositiveSmallIntegerField(
        _("level paid"), choices=SkillLevel.choices, null=True, blank=True
    )
    months = models.PositiveSmallIntegerField(_("planned months"))
    years = models.DecimalField(
        _("years"),
        max_digits=7,
        decimal_places=4,
        help_text=_("Planned whole months / 12, capped (the amount uses the exact fraction)."),
    )
    amount_per_year = MoneyField(_("standard per year"), default=ZERO)
    amount = MoneyField(_("amount"), default=ZERO)
    explanation_zh = models.TextField(_("explanation (Chinese)"), blank=True)
    explanation_en = models.TextField(_("explanation (English)"), blank=True)
    decision = models.CharField(
        _("decision"), max_length=8, choices=LineDecision.choices, blank=True
    )
    decision_reason = models.CharField(
        _("reason for the decision"), max_length=300, blank=True, validators=[validate_line]
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ClaimLineQuerySet.as_manager()

    class Meta:
        ordering = ["claim", "pk"]
        verbose_name = _("claim line")
        verbose_name_plural = _("claim lines")
        constraints = [
            models.UniqueConstraint(fields=["claim", "enrollment"], name="claim_line_unique")
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} · {self.enrollment_id}: {self.amount}"

    def get_absolute_url(self) -> str:
        return self.claim.get_absolute_url()

    @property
    def due(self) -> Decimal:
        """What the line pays: a pass pays its amount, a review line once decided to pay."""
        if self.result == CheckResult.PASS:
            return self.amount
        if self.result == CheckResult.REVIEW and self.decision == LineDecision.PAY:
            return self.amount
        return ZERO

    @property
    def decided(self) -> bool:
        return self.result != CheckResult.REVIEW or bool(self.decision)

    def explanation(self) -> str:
        return self.explanation_en if get_language_code() == "en" else self.explanation_zh


class SubsidyGrantQuerySet(ScopedQuerySet):
    """Who reaches these rows: subsidies.access (the city bureau)."""


class SubsidyGrant(models.Model):
    """The register of who was subsidised for what (one row per person, occupation and level,
    ever): written when a claim is approved, or imported from history. Its constraints are
    the database's own guard against a double subsidy: the same person, occupation and level
    once; at most `slot` 1…N trainings per calendar year (N from the policy)."""

    id_number = models.CharField(_("resident ID number"), max_length=18)
    occupation_code = models.CharField(_("occupation code"), max_length=20)
    level = models.PositiveSmallIntegerField(_("level"), choices=SkillLevel.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), help_text=_("The calendar year in which the training started.")
    )
    slot = models.PositiveSmallIntegerField(
        _("training of the year"), help_text=_("1 for the first subsidised training that year.")
    )
    amount = MoneyField(_("amount"), default=ZERO)
    source = models.CharField(_("source"), max_length=8, choices=GrantSource.choices)
    line = models.OneToOneField(
        ClaimLine,
        verbose_name=_("claim line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grant",
    )
    source_text = models.CharField(
        _("where the record comes from"), max_length=200, blank=True, validators=[validate_line]
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

    objects = SubsidyGrantQuerySet.as_manager()

    class Meta:
        ordering = ["id_number", "year", "slot"]
        verbose_name = _("subsidy granted")
        verbose_name_plural = _("subsidies granted")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number", "occupation_code", "level"], name="grant_once_per_level"
            ),
            models.UniqueConstraint(fields=["id_number", "year", "slot"], name="grant_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.occupation_code} L{self.level} {self.year}"

    def get_absolute_url(self) -> str:
        # A grant of a claim is on the claim's page; imported history is in the register.
        if self.line is not None:
            return reverse("subsidies:claim_detail", args=[self.line.claim_id])
        return reverse("subsidies:grant_list") + f"?q={self.occupation_code}"


class RefundQuerySet(ScopedQuerySet):
    """Who reaches these rows: subsidies.access."""


class RefundObligation(HasPage, models.Model):
    """Money the enterprise owes back (a settlement whose payable is negative: the advance
    exceeded what the class earned), with its due date, tracked until repaid (several
    repayments may settle it)."""

    page_url_name = "subsidies:refund_detail"

    claim = models.OneToOneField(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="refund"
    )
    amount = MoneyField(_("amount owed"), validators=[MinValueValidator(Decimal("0.01"))])
    due_on = models.DateField(_("due on"))
    repaid = MoneyField(_("repaid"), default=ZERO)
    status = models.CharField(
        _("status"), max_length=8, choices=RefundStatus.choices, default=RefundStatus.OPEN
    )
    last_reminded_on = models.DateField(_("last reminded on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RefundQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("refund obligation")
        verbose_name_plural = _("refund obligations")

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.amount}"

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.repaid

    def overdue(self, today: dt.date) -> bool:
        return self.status == RefundStatus.OPEN and self.due_on < today


class LedgerQuerySet(ScopedQuerySet):
    """Who reaches these rows: subsidies.access."""


class LedgerEntry(models.Model):
    """One movement of public money (append-only: a mistake is a reversal entry, never an
    edit). A claim has at most one payment; its refund obligation one refund-due entry and
    any number of repayments."""

    kind = models.CharField(_("kind"), max_length=12, choices=LedgerKind.choices)
    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="ledger"
    )
    refund = models.ForeignKey(
        RefundObligation,
        verbose_name=_("refund obligation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    amount = MoneyField(_("amount"))
    on = models.DateField(_("date"))
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    note = models.CharField(_("note"), max_length=300, blank=True, validators=[validate_line])
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.UniqueConstraint(
                fields=["claim"],
                condition=models.Q(kind="payment"),
                name="ledger_one_payment_per_claim",
            ),
            models.UniqueConstraint(
                fields=["claim"],
                condition=models.Q(kind="refund_due"),
                name="ledger_one_refund_due_per_claim",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("ledger entries are append-only: record a reversal instead")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return self.claim.get_absolute_url()

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("ledger entries are append-only: record a reversal instead")


class BudgetQuerySet(ScopedQuerySet):
    """Who reaches these rows: subsidies.access."""


class Budget(models.Model):
    """The money set aside for a year (the whole city, or one district): approvals commit it,
    payments spend it; approving past what remains is refused until the city raises it."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    district = models.ForeignKey(
        "accounts.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the city's budget for the year."),
    )
    amount = MoneyField(_("budget"), validators=[MinValueValidator(Decimal("0.00"))])
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = BudgetQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "district"]
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [
            models.UniqueConstraint(fields=["year", "district"], name="budget_one_per_district"),
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(district__isnull=True),
                name="budget_one_city_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.district or ''}".strip()

    def get_absolute_url(self) -> str:
        return reverse("subsidies:budget_detail", args=[self.pk])


class NoticeQuerySet(ScopedQuerySet):
    """Public once published: the public pages read `published()`; staff through the table."""

    def published(self) -> NoticeQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class Notice(models.Model):
    """One public notice (公示) of a claim: from `published_on`, for the policy's number of
    working days, ending on `ends_on`. An objection withdraws it (the claim goes back under
    review); a later notice of the same claim is a new row."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="notices"
    )
    published_on = models.DateField(_("published on"))
    starts_on = models.DateField(_("first working day"))
    ends_on = models.DateField(_("last working day"))
    working_days = models.PositiveSmallIntegerField(_("working days"))
    # What the public reads, frozen when published: enterprise, class, headcount, amount, and
    # each apprentice's masked name, level and amount (no ID number, never a full name).
    content = models.JSONField(_("content"), default=dict)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")

    def __str__(self) -> str:
        return f"{self.claim_id} {self.published_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("notices:detail", args=[self.pk])

    def running(self, today: dt.date) -> bool:
        return self.withdrawn_at is None and today <= self.ends_on


class ObjectionQuerySet(ScopedQuerySet):
    """Who reaches these rows: subsidies.access (the reviewers)."""


class Objection(models.Model):
    """An objection to a notice (a public form): it holds the claim for review until a
    reviewer upholds or dismisses it with a reason."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("public notice"), on_delete=models.PROTECT, related_name="objections"
    )
    name = models.CharField(_("your name"), max_length=60, blank=True, validators=[validate_line])
    contact = models.CharField(
        _("phone or e-mail"), max_length=100, blank=True, validators=[validate_line]
    )
    text = models.TextField(_("objection"), max_length=2000, validators=[validate_text])
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.CharField(
        _("resolution"), max_length=300, blank=True, validators=[validate_line]
    )

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.notice_id} {self.raised_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return self.notice.claim.get_absolute_url()
