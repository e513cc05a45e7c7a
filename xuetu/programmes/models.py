"""Agreements, mentors and appointment letters, classes (cohorts) and their rosters."""

from __future__ import annotations

import secrets
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xuetu.core.access import ReferenceQuerySet, ScopedQuerySet
from xuetu.core.links import HasPage
from xuetu.core.validators import validate_entered_date, validate_line, validate_text
from xuetu.programmes import rules
from xuetu.programmes.choices import (
    AgreementSide,
    ApprenticeCategory,
    CohortStatus,
    DocumentRequestStatus,
    DocumentType,
    EnrollmentEventKind,
    EnrollmentStatus,
    MentorKind,
    TrainingMode,
    WithdrawalReason,
)
from xuetu.registry.choices import SkillLevel


def verification_code() -> str:
    return secrets.token_urlsafe(12)


def law_retirement_schedule() -> dict:
    """The statutory schedule since 2025-01-01 (a fresh copy: a default is never shared)."""
    return {track: dict(row) for track, row in rules.LAW_RETIREMENT_SCHEDULE.items()}


def validate_retirement_schedule(value: object) -> None:
    problems = rules.schedule_problems(value)
    if problems:
        raise ValidationError([str(problem.message) for problem in problems])


# The mentor ratio a reviewer may approve instead of the policy's (1:10 "in principle").
MENTOR_RATIO_BOUNDS = (1, 50)


class ProgrammePolicy(models.Model):
    """The city's programme rules, effective-dated: all values are data, not code."""

    name = models.CharField(_("name"), max_length=120, validators=[validate_line])
    effective_from = models.DateField(
        _("effective from"), unique=True, validators=[validate_entered_date]
    )
    mentor_max_apprentices = models.PositiveSmallIntegerField(
        _("largest number of apprentices per mentor"), default=10
    )
    substitution_months = models.PositiveSmallIntegerField(
        _("substitution allowed within (months after start)"), default=3
    )
    min_contract_months = models.PositiveSmallIntegerField(
        _("shortest labour contract (months)"), default=12
    )
    min_duration_months = models.PositiveSmallIntegerField(
        _("shortest training (months)"), default=12
    )
    max_duration_months = models.PositiveSmallIntegerField(
        _("longest training (months)"), default=24
    )
    special_max_duration_months = models.PositiveSmallIntegerField(
        _("longest training with special approval (months)"), default=36
    )
    min_age = models.PositiveSmallIntegerField(_("youngest age"), default=16)
    start_tolerance_days = models.PositiveSmallIntegerField(
        _("a class may start this many days before its planned start"),
        default=7,
        validators=[MaxValueValidator(365)],
    )
    max_class_size = models.PositiveSmallIntegerField(
        _("largest class (planned headcount)"),
        default=200,
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
    )
    retirement_schedule = models.JSONField(
        _("statutory retirement schedule"),
        default=law_retirement_schedule,
        validators=[validate_retirement_schedule],
        help_text=_(
            "Per original retirement track: base age, first birth month (YYYY-MM) whose "
            "retirement is delayed, birth months per month of delay, and the largest delay "
            "in months."
        ),
    )
    mentor_min_level = models.PositiveSmallIntegerField(
        _("lowest certificate level of an enterprise mentor"),
        choices=SkillLevel.choices,
        default=SkillLevel.SENIOR,
    )
    # Training plans and registers (the training app reads these); null: no such rule.
    plan_modules_required = models.BooleanField(
        _("a filing needs a training plan of modules"),
        default=True,
        help_text=_(
            "On: the filing check judges the class's training plan (its modules, their hours "
            "by place against the minimums below). Off: the free-text plan summary suffices."
        ),
    )
    min_hours_per_year = models.PositiveSmallIntegerField(
        _("fewest planned hours a year"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(5000)],
        help_text=_("Empty: no minimum."),
    )
    min_centralised_hours_per_year = models.PositiveSmallIntegerField(
        _("fewest centralised hours (at the institution) a year"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(5000)],
        help_text=_("Empty: no minimum."),
    )
    max_online_share = models.PositiveSmallIntegerField(
        _("largest online share of the planned hours (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Empty: no limit."),
    )
    max_hours_per_day = models.PositiveSmallIntegerField(
        _("most training hours an apprentice may have in a day"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    review_interval_months = models.PositiveSmallIntegerField(
        _("progress review every (months)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("programme policy")
        verbose_name_plural = _("programme policies")

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        # The bureau keeps its policies in the admin; no page of their own yet.
        return reverse("admin:programmes_programmepolicy_change", args=[self.pk])


class AgreementQuerySet(ScopedQuerySet):
    """Who reaches these rows: programmes.access."""


class CooperationAgreement(HasPage, models.Model):
    """校企合作协议: drafted by one side, confirmed by the other; any edit after a
    confirmation clears both confirmations."""

    page_url_name = "programmes:agreement_detail"

    number = models.CharField(
        _("agreement number"), max_length=40, unique=True, validators=[validate_line]
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    institution = models.ForeignKey(
        "registry.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    drafted_by = models.CharField(_("drafted by"), max_length=12, choices=AgreementSide.choices)
    valid_from = models.DateField(_("valid from"), validators=[validate_entered_date])
    valid_to = models.DateField(_("valid to"), validators=[validate_entered_date])
    training_mode = models.CharField(
        _("training mode"),
        max_length=20,
        choices=TrainingMode.choices,
        default=TrainingMode.ALTERNATION,
    )
    fee_per_apprentice = models.DecimalField(
        _("fee per apprentice (yuan)"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(1_000_000)],
    )
    duties = models.TextField(_("duties of each side"), blank=True, validators=[validate_text])
    scan = models.FileField(_("signed scan"), upload_to="agreements/%Y/", blank=True)
    enterprise_confirmed_at = models.DateTimeField(
        _("confirmed by enterprise"), null=True, blank=True
    )
    institution_confirmed_at = models.DateTimeField(
        _("confirmed by institution"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "number"]
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")

    def __str__(self) -> str:
        return self.number

    @property
    def confirmed(self) -> bool:
        return bool(self.enterprise_confirmed_at and self.institution_confirmed_at)

    def in_force_for(self, start, end) -> bool:
        return self.confirmed and self.valid_from <= start and end <= self.valid_to


MENTOR_ROLE_WORDS: dict[str, Any] = {  # lazy texts
    MentorKind.ENTERPRISE: _("enterprise mentor"),
    MentorKind.INSTITUTION: _("institution teacher"),
}


class MentorQuerySet(ScopedQuerySet):
    """Who reaches these rows: programmes.access."""


class Mentor(HasPage, models.Model):
    """A person appointed by an enterprise (mentor) or an institution (teacher)."""

    page_url_name = "programmes:mentor_detail"

    person = models.ForeignKey(
        "registry.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="mentors",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=MentorKind.choices)
    occupation = models.ForeignKey(
        "registry.Occupation",
        verbose_name=_("occupation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    certificate_level = models.PositiveSmallIntegerField(
        _("certificate level"), choices=SkillLevel.choices, null=True, blank=True
    )
    certificate_number = models.CharField(
        _("certificate number"), max_length=40, blank=True, validators=[validate_line]
    )
    recognised = models.BooleanField(
        _("recognised as highly skilled by the enterprise"), default=False
    )
    recognition_reason = models.CharField(
        _("reason for recognition"), max_length=300, blank=True, validators=[validate_line]
    )
    recognition_approved_by = models.CharField(
        _("recognition approved by"),
        max_length=60,
        blank=True,
        validators=[validate_line],
    )
    years_experience = models.PositiveSmallIntegerField(
        _("years of experience"), default=0, validators=[MaxValueValidator(60)]
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("Apprentices this mentor may take; the policy's limit applies in any case."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MentorQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "person__name"]
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation", "kind"], name="mentor_unique_per_organisation"
            )
        ]

    def __str__(self) -> str:
        # "刘铁军 · 企业导师" / "刘铁军 · enterprise mentor": the name, then the role in the
        # reader's language only (a picker shows this).
        return f"{self.person.name} · {MENTOR_ROLE_WORDS.get(self.kind, self.kind)}"


class AppointmentQuerySet(ScopedQuerySet):
    """Who reaches these rows: programmes.access."""


class Appointment(models.Model):
    """聘书: a numbered appointment letter with a term; the public can verify it."""

    mentor = models.ForeignKey(
        Mentor, verbose_name=_("mentor"), on_delete=models.PROTECT, related_name="appointments"
    )
    cohort = models.ForeignKey(
        "programmes.Cohort",
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    number = models.CharField(_("letter number"), max_length=40, unique=True)
    term_start = models.DateField(_("term start"), validators=[validate_entered_date])
    term_end = models.DateField(_("term end"), validators=[validate_entered_date])
    issued_on = models.DateField(_("issued on"), validators=[validate_entered_date])
    code = models.CharField(
        _("verification code"), max_length=32, unique=True, default=verification_code
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="appointments/%Y/", blank=True)

    objects = AppointmentQuerySet.as_manager()
    # The code proves a letter is genuine: the audit log never holds it (core.audit).
    audit_secret_fields = ("code",)

    class Meta:
        ordering = ["-issued_on", "number"]
        verbose_name = _("appointment letter")
        verbose_name_plural = _("appointment letters")

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        """A letter is shown on its mentor's page."""
        return self.mentor.get_absolute_url()


class CohortQuerySet(ScopedQuerySet):
    """Who reaches these rows: programmes.access."""


class Cohort(HasPage, models.Model):
    """学徒培训班: one class, one plan."""

    page_url_name = "programmes:cohort_detail"

    code = models.CharField(_("class code"), max_length=30, unique=True, validators=[validate_line])
    name = models.CharField(_("class name"), max_length=200, validators=[validate_line])
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="cohorts",
    )
    institution = models.ForeignKey(
        "registry.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="cohorts",
    )
    agreement = models.ForeignKey(
        CooperationAgreement,
        verbose_name=_("cooperation agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cohorts",
    )
    occupation = models.ForeignKey(
        "registry.Occupation", verbose_name=_("occupation"), on_delete=models.PROTECT
    )
    target_level = models.PositiveSmallIntegerField(_("target level"), choices=SkillLevel.choices)
    planned_start = models.DateField(_("planned start"), validators=[validate_entered_date])
    planned_end = models.DateField(_("planned end"), validators=[validate_entered_date])
    special_approval = models.CharField(
        _("special approval for a longer duration"),
        max_length=300,
        blank=True,
        validators=[validate_line],
    )
    planned_headcount = models.PositiveIntegerField(
        _("planned headcount"),
        # The policy's class size bounds it further (services.cohorts).
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
    )
    mentor_ratio_exception = models.PositiveSmallIntegerField(
        _("approved apprentices per enterprise mentor"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(MENTOR_RATIO_BOUNDS[0]),
            MaxValueValidator(MENTOR_RATIO_BOUNDS[1]),
        ],
        help_text=_("An exception to the policy's ratio, approved by the reviewer."),
    )
    mentor_ratio_reason = models.CharField(
        _("reason for the mentor ratio exception"),
        max_length=300,
        blank=True,
        validators=[validate_line],
    )
    # The district reviewer's consent to a start earlier than the policy's tolerance or a
    # completion before the planned end: the earliest date allowed and why (services.exceptions).
    early_start_from = models.DateField(
        _("early start allowed from"), null=True, blank=True, validators=[validate_entered_date]
    )
    early_start_reason = models.CharField(
        _("reason for the early start"), max_length=300, blank=True, validators=[validate_line]
    )
    early_completion_from = models.DateField(
        _("early completion allowed from"),
        null=True,
        blank=True,
        validators=[validate_entered_date],
    )
    early_completion_reason = models.CharField(
        _("reason for the early completion"),
        max_length=300,
        blank=True,
        validators=[validate_line],
    )
    training_mode = models.CharField(
        _("training mode"),
        max_length=20,
        choices=TrainingMode.choices,
        default=TrainingMode.ALTERNATION,
    )
    plan_summary = models.TextField(
        _("training plan summary"), blank=True, validators=[validate_text]
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CohortStatus.choices, default=CohortStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    review_comment = models.TextField(_("review comment"), blank=True, validators=[validate_text])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["-planned_start", "code"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EnrollmentQuerySet(ScopedQuerySet):
    """Who reaches these rows: programmes.access."""


class Enrollment(HasPage, models.Model):
    """One apprentice in one class."""

    page_url_name = "programmes:enrollment_detail"

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("class"), on_delete=models.PROTECT, related_name="enrollments"
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("apprentice"),
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    category = models.CharField(_("category"), max_length=12, choices=ApprenticeCategory.choices)
    contract_start = models.DateField(
        _("labour contract start"), validators=[validate_entered_date]
    )
    contract_end = models.DateField(
        _("labour contract end"), null=True, blank=True, validators=[validate_entered_date]
    )
    social_insurance = models.BooleanField(_("social insurance paid"), default=True)
    enterprise_mentor = models.ForeignKey(
        Mentor,
        verbose_name=_("enterprise mentor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprise_enrollments",
    )
    institution_mentor = models.ForeignKey(
        Mentor,
        verbose_name=_("institution teacher"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="institution_enrollments",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=EnrollmentStatus.choices,
        default=EnrollmentStatus.ENROLLED,
    )
    planned_end = models.DateField(
        _("planned end"), null=True, blank=True, validators=[validate_entered_date]
    )
    paused_from = models.DateField(
        _("paused from"), null=True, blank=True, validators=[validate_entered_date]
    )
    withdrawn_on = models.DateField(
        _("withdrawn on"), null=True, blank=True, validators=[validate_entered_date]
    )
    withdrawal_reason = models.CharField(
        _("withdrawal reason"), max_length=20, choices=WithdrawalReason.choices, blank=True
    )
    withdrawal_note = models.CharField(
        _("note"), max_length=300, blank=True, validators=[validate_line]
    )
    substitute_for = models.OneToOneField(
        "self",
        verbose_name=_("substitute for"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="substituted_by",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["cohort", "person__name"]
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "person"], name="enrollment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.cohort.code}"


class EnrollmentEventQuerySet(ScopedQuerySet):
    """Who reaches these rows: programmes.access."""


class EnrollmentEvent(models.Model):
    """The history an enrollment's page shows: each change with its effective date."""

    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("enrollment"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EnrollmentEventKind.choices)
    effective_date = models.DateField(_("effective date"), validators=[validate_entered_date])
    details = models.JSONField(_("details"), default=dict, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # A mistaken change is corrected by a reversing entry pointing at it, never by an edit.
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
    )

    objects = EnrollmentEventQuerySet.as_manager()

    class Meta:
        ordering = ["effective_date", "at", "pk"]
        verbose_name = _("enrollment event")
        verbose_name_plural = _("enrollment events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        """An entry of an enrollment's history is shown on the enrollment's page."""
        return self.enrollment.get_absolute_url()


# Supporting documents (issue 8, item 18) -----------------------------------------------------
class DocumentRequestQuerySet(ScopedQuerySet):
    """Who reaches these rows: programmes.access."""


class DocumentRequest(HasPage, models.Model):
    """A reviewer asks the enterprise for a document about a class or one apprentice on it
    (a transfer certificate for a 转岗 apprentice, say)."""

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("class"), on_delete=models.PROTECT, related_name="document_requests"
    )
    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name=_("apprentice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="document_requests",
    )
    document_type = models.CharField(
        _("document type"), max_length=24, choices=DocumentType.choices
    )
    description = models.CharField(
        _("document asked for"),
        max_length=200,
        blank=True,
        validators=[validate_line],
        help_text=_("Which document, when the type is Other."),
    )
    note = models.TextField(_("reviewer's note"), blank=True, validators=[validate_text])
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=DocumentRequestStatus.choices,
        default=DocumentRequestStatus.OPEN,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = DocumentRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("document request")
        verbose_name_plural = _("document requests")

    def __str__(self) -> str:
        return f"{self.get_document_type_display()} · {self.cohort.code}"

    def get_absolute_url(self) -> str:
        """A request is shown on the page of what it is about."""
        return (self.enrollment or self.cohort).get_absolute_url()


class SupportingDocumentQuerySet(ScopedQuerySet):
    """Who reaches these rows: programmes.access."""


def supporting_document_path(instance: SupportingDocument, filename: str) -> str:
    """A random name under the class's folder, with the suffix of the sniffed type (the
    service names the file): a person's name in a path would leak into logs and backups."""
    suffix = PurePath(filename).suffix.lower()
    return f"supporting/{instance.cohort_id}/{secrets.token_hex(12)}{suffix}"


class SupportingDocument(HasPage, models.Model):
    """A file the enterprise attached to a filing or an enrollment. Never edited: a wrong one
    is replaced by a new upload, and the old one stays, marked superseded."""

    request = models.ForeignKey(
        DocumentRequest,
        verbose_name=_("request answered"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        related_name="supporting_documents",
    )
    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name=_("apprentice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supporting_documents",
    )
    document_type = models.CharField(
        _("document type"), max_length=24, choices=DocumentType.choices
    )
    description = models.CharField(
        _("description"), max_length=200, blank=True, validators=[validate_line]
    )
    file = models.FileField(_("file"), upload_to=supporting_document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    superseded_by = models.OneToOneField(
        "self",
        verbose_name=_("replaced by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
    )

    objects = SupportingDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("supporting document")
        verbose_name_plural = _("supporting documents")

    def __str__(self) -> str:
        return f"{self.get_document_type_display()} · {self.original_name}"

    def get_absolute_url(self) -> str:
        """A document is listed on the page of what it is about."""
        return (self.enrollment or self.cohort).get_absolute_url()
