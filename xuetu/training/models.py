"""Training plans (一班一方案, issue 9 item 1): one plan per class, its modules with kind,
hours, place and the teacher or mentor responsible; plan templates per occupation."""

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
from xuetu.programmes.choices import MentorKind
from xuetu.training.choices import (
    MAX_MODULE_HOURS,
    AssessmentOutcome,
    BlockPlace,
    DisputeOutcome,
    EvidenceKind,
    HoursStatus,
    ModuleKind,
    ModulePlace,
)

HOURS = [MinValueValidator(1), MaxValueValidator(MAX_MODULE_HOURS)]
# Who a bureau expects to be responsible for a module at each place.
EXPECTED_KIND = {
    ModulePlace.SCHOOL: MentorKind.INSTITUTION,
    ModulePlace.ONLINE: MentorKind.INSTITUTION,
    ModulePlace.WORKPLACE: MentorKind.ENTERPRISE,
}


class PlanTemplate(models.Model):
    """A model plan for one occupation (shared reference data the bureau loads)."""

    occupation = models.ForeignKey(
        "registry.Occupation",
        verbose_name=_("occupation"),
        on_delete=models.PROTECT,
        related_name="plan_templates",
    )
    name = models.CharField(_("name"), max_length=120, validators=[validate_line])

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["occupation__code", "name"]
        verbose_name = _("plan template")
        verbose_name_plural = _("plan templates")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        # The bureau keeps its templates in the admin; no page of their own.
        return reverse("admin:training_plantemplate_change", args=[self.pk])


class ModuleFields(models.Model):
    """What a module is, in a plan or in a template."""

    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=120, validators=[validate_line])
    kind = models.CharField(_("kind"), max_length=12, choices=ModuleKind.choices)
    hours = models.PositiveSmallIntegerField(_("hours"), validators=HOURS)
    place = models.CharField(_("place"), max_length=12, choices=ModulePlace.choices)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title


class TemplateModule(ModuleFields):
    template = models.ForeignKey(
        PlanTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="modules"
    )
    # A year's hours: a plan started from the template takes them pro rata over its months.
    hours = models.PositiveSmallIntegerField(_("hours a year"), validators=HOURS)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["template", "order", "pk"]
        verbose_name = _("template module")
        verbose_name_plural = _("template modules")

    def get_absolute_url(self) -> str:
        return self.template.get_absolute_url()


class PlanQuerySet(ScopedQuerySet):
    """Who reaches these rows: training.access."""


class TrainingPlan(HasPage, models.Model):
    """The class's training plan. Written through training.services only."""

    cohort = models.OneToOneField(
        "programmes.Cohort",
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        related_name="training_plan",
    )
    template = models.ForeignKey(
        PlanTemplate,
        verbose_name=_("started from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True, validators=[validate_text])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")

    def __str__(self) -> str:
        return str(_("Training plan of %(cohort)s") % {"cohort": self.cohort.code})

    def get_absolute_url(self) -> str:
        # The plan's page is its class's (one plan per class).
        return reverse("training:cohort_plan", args=[self.cohort_id])


class ModuleQuerySet(ScopedQuerySet):
    """Who reaches these rows: training.access."""


class Module(HasPage, ModuleFields):
    """One module of a plan: what is taught, where, for how many hours, by whom. A register
    session (a later round) points at a module: its responsible person, place and hours."""

    page_url_name = "training:module_detail"

    plan = models.ForeignKey(
        TrainingPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="modules"
    )
    responsible = models.ForeignKey(
        "programmes.Mentor",
        verbose_name=_("responsible teacher or mentor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="modules",
    )

    objects = ModuleQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def clean(self) -> None:
        mentor = self.responsible
        if mentor is None or not self.plan_id:
            return
        cohort = self.plan.cohort
        if mentor.organisation_id not in (cohort.enterprise_id, cohort.institution_id):
            raise ValidationError(
                {
                    "responsible": _(
                        "The person responsible must be a teacher of the class's institution "
                        "or a mentor of its enterprise."
                    )
                }
            )
        expected = EXPECTED_KIND.get(ModulePlace(self.place)) if self.place else None
        if expected and mentor.kind != expected:
            message = (
                _("A module at the workplace is the responsibility of an enterprise mentor.")
                if expected == MentorKind.ENTERPRISE
                else _("A module at the institution or online is the responsibility of a teacher.")
            )
            raise ValidationError({"responsible": message})


def acted_by(verbose_name: Any) -> Any:
    """The user who confirmed, resolved or signed a row: empty until someone does."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )


# ---- Work–study calendar (工学交替, issue 9 item 2) --------------------------------------------


class BlockQuerySet(ScopedQuerySet):
    """Who reaches these rows: training.access."""


class Block(HasPage, models.Model):
    """A stretch of the class's time at the institution or at the workplace (工学交替). The
    class's month calendar and each apprentice's are drawn from its blocks, with the
    apprentice's pauses over them."""

    page_url_name = "training:block_detail"

    cohort = models.ForeignKey(
        "programmes.Cohort",
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        related_name="blocks",
    )
    place = models.CharField(_("place"), max_length=12, choices=BlockPlace.choices)
    starts_on = models.DateField(_("from"), validators=[validate_entered_date])
    ends_on = models.DateField(_("to"), validators=[validate_entered_date])
    note = models.CharField(_("note"), max_length=200, blank=True, validators=[validate_line])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = BlockQuerySet.as_manager()

    class Meta:
        ordering = ["cohort", "starts_on", "pk"]
        verbose_name = _("work–study block")
        verbose_name_plural = _("work–study blocks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="training_block_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["cohort", "starts_on"])]

    def __str__(self) -> str:
        return f"{self.get_place_display()} {self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d}"


# ---- Class registers and hours (issue 9 item 3) ---------------------------------------------


class SessionQuerySet(ScopedQuerySet):
    """Who reaches these rows: training.access."""


class Session(HasPage, models.Model):
    """One register: a module taught to the class (or to one apprentice) on one date, from a
    start to an end time, at a place. Its hours entries say who was present. Never edited:
    a correction is a new entry that cancels the old one."""

    page_url_name = "training:session_detail"

    cohort = models.ForeignKey(
        "programmes.Cohort",
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    module = models.ForeignKey(
        Module, verbose_name=_("module"), on_delete=models.PROTECT, related_name="sessions"
    )
    date = models.DateField(_("date"), validators=[validate_entered_date])
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    place = models.CharField(_("place"), max_length=12, choices=ModulePlace.choices)
    # The teacher or mentor who taught it (the module's responsible person, or the
    # apprentice's own mentor) and the account that recorded it.
    mentor = models.ForeignKey(
        "programmes.Mentor",
        verbose_name=_("teacher or mentor"),
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True, validators=[validate_line])

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-start_time", "-pk"]
        verbose_name = _("register")
        verbose_name_plural = _("registers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="training_session_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["cohort", "-date"])]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.start_time:%H:%M}–{self.end_time:%H:%M} {self.module}"

    @property
    def minutes(self) -> int:
        start = self.start_time.hour * 60 + self.start_time.minute
        end = self.end_time.hour * 60 + self.end_time.minute
        return end - start


class HoursQuerySet(ScopedQuerySet):
    """Who reaches these rows: training.access."""


class Hours(HasPage, models.Model):
    """One apprentice's line of a register: present or absent, and the minutes that count.
    Confirmed by the apprentice or the other mentor; disputed by the apprentice with a reason,
    and the dispute resolved (kept or cancelled) with a reason. Once confirmed an entry is not
    changed: a correction is a new entry that `cancels` it, with a reason."""

    page_url_name = "training:hours_detail"

    session = models.ForeignKey(
        Session, verbose_name=_("register"), on_delete=models.PROTECT, related_name="hours"
    )
    enrollment = models.ForeignKey(
        "programmes.Enrollment",
        verbose_name=_("apprentice"),
        on_delete=models.PROTECT,
        related_name="hours",
    )
    # The session's class and date, kept on the entry for the lists of one class or one
    # apprentice over millions of rows (one index each).
    cohort = models.ForeignKey(
        "programmes.Cohort", verbose_name=_("class"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"), validators=[validate_entered_date])
    present = models.BooleanField(_("present"), default=True)
    minutes = models.PositiveIntegerField(_("minutes"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=HoursStatus.choices, default=HoursStatus.PENDING
    )
    confirmed_by = acted_by(_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    dispute_reason = models.CharField(
        _("reason for the dispute"), max_length=500, blank=True, validators=[validate_line]
    )
    disputed_at = models.DateTimeField(_("disputed at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome of the dispute"), max_length=12, choices=DisputeOutcome.choices, blank=True
    )
    outcome_reason = models.CharField(
        _("reason for the outcome"), max_length=500, blank=True, validators=[validate_line]
    )
    resolved_by = acted_by(_("resolved by"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    cancels = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
    )
    correction_reason = models.CharField(
        _("reason for the correction"), max_length=500, blank=True, validators=[validate_line]
    )

    objects = HoursQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("hours entry")
        verbose_name_plural = _("hours")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrollment"],
                condition=models.Q(cancels__isnull=True),
                name="training_hours_once_per_register",
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "-date", "-id"], name="training_hours_cohort_date"),
            models.Index(fields=["enrollment", "date"], name="training_hours_enrol_date"),
            models.Index(fields=["status", "cohort"], name="training_hours_status"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.minutes / 60:g} h"

    @property
    def hours(self) -> float:
        return self.minutes / 60


def evidence_path(instance: Evidence, filename: str) -> str:
    """A random name under the class's folder, with the suffix of the sniffed type."""
    suffix = PurePath(filename).suffix.lower()
    return f"registers/{instance.session.cohort_id}/{secrets.token_hex(12)}{suffix}"


class EvidenceQuerySet(ScopedQuerySet):
    """Who reaches these rows: training.access."""


class Evidence(models.Model):
    """A photo, a signed sheet or a video of a register. Never edited."""

    session = models.ForeignKey(
        Session, verbose_name=_("register"), on_delete=models.PROTECT, related_name="evidence"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EvidenceKind.choices)
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["session", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return self.session.get_absolute_url()


# ---- Three-party progress reviews (issue 9 item 4) ------------------------------------------


class ReviewQuerySet(ScopedQuerySet):
    """Who reaches these rows: training.access."""


class Review(HasPage, models.Model):
    """The progress review of one apprentice for one period (every N months of the policy),
    signed by the enterprise mentor, then the teacher, then the apprentice."""

    page_url_name = "training:review_detail"

    enrollment = models.ForeignKey(
        "programmes.Enrollment",
        verbose_name=_("apprentice"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    number = models.PositiveSmallIntegerField(_("review number"))
    period_start = models.DateField(_("period from"), validators=[validate_entered_date])
    due_on = models.DateField(_("due on"), validators=[validate_entered_date])
    progress = models.TextField(_("progress"), blank=True, validators=[validate_text])
    next_goals = models.TextField(
        _("goals for the next period"), blank=True, validators=[validate_text]
    )
    mentor_signed_by = acted_by(_("signed by the mentor"))
    mentor_signed_at = models.DateTimeField(_("mentor signed at"), null=True, blank=True)
    teacher_signed_by = acted_by(_("signed by the teacher"))
    teacher_signed_at = models.DateTimeField(_("teacher signed at"), null=True, blank=True)
    apprentice_signed_by = acted_by(_("signed by the apprentice"))
    apprentice_signed_at = models.DateTimeField(_("apprentice signed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["enrollment", "number"]
        verbose_name = _("progress review")
        verbose_name_plural = _("progress reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "number"], name="training_review_once_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("period_start")),
                name="training_review_due_after_start",
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("Review %(number)s, due %(date)s")
            % {"number": self.number, "date": f"{self.due_on:%Y-%m-%d}"}
        )

    @property
    def signed(self) -> bool:
        return self.apprentice_signed_at is not None


# ---- Assessments (issue 9 item 5) ------------------------------------------------------------

SCORE = [MinValueValidator(0), MaxValueValidator(100)]


class AssessmentQuerySet(ScopedQuerySet):
    """Who reaches these rows: training.access."""


class Assessment(HasPage, models.Model):
    """The final assessment of one apprentice: recording it completes the enrollment on the
    assessment's date."""

    page_url_name = "training:assessment_detail"

    enrollment = models.OneToOneField(
        "programmes.Enrollment",
        verbose_name=_("apprentice"),
        on_delete=models.PROTECT,
        related_name="assessment",
    )
    theory_score = models.DecimalField(
        _("theory score"), max_digits=4, decimal_places=1, validators=SCORE
    )
    practical_score = models.DecimalField(
        _("practical score"), max_digits=4, decimal_places=1, validators=SCORE
    )
    outcome = models.CharField(_("outcome"), max_length=8, choices=AssessmentOutcome.choices)
    assessed_on = models.DateField(_("assessed on"), validators=[validate_entered_date])
    assessor = models.CharField(_("assessor"), max_length=120, validators=[validate_line])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(theory_score__gte=0, theory_score__lte=100)
                & models.Q(practical_score__gte=0, practical_score__lte=100),
                name="training_assessment_scores_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessed_on:%Y-%m-%d} {self.get_outcome_display()}"
