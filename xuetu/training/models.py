"""Training plans (一班一方案, issue 9 item 1): one plan per class, its modules with kind,
hours, place and the teacher or mentor responsible; plan templates per occupation."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xuetu.core.access import ReferenceQuerySet, ScopedQuerySet
from xuetu.core.links import HasPage
from xuetu.core.validators import validate_line, validate_text
from xuetu.programmes.choices import MentorKind
from xuetu.training.choices import MAX_MODULE_HOURS, ModuleKind, ModulePlace

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
