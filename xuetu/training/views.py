"""The class's training plan: its page, starting it (empty or from the occupation's template),
and its modules' forms and buttons. Every write is a training service."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.auth import signed_in
from xuetu.core.access import CHANGE, can
from xuetu.core.views import ActionView, ObjectFormView, ScopedDetailView, ScopedUpdateView
from xuetu.programmes.models import Cohort
from xuetu.training import selectors, services
from xuetu.training.access import PLAN
from xuetu.training.forms import ModuleForm, PlanStartForm
from xuetu.training.models import Module, TrainingPlan
from xuetu.training.providers import plan_problems


class CohortPlan(ScopedDetailView):
    """The plan of one class: its modules and their hours by place and kind, against the
    policy's minimums; for the parties, the forms that change it."""

    model = Cohort
    template_name = "training/plan_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cohort, user = self.object, self.request.user
        plan = selectors.plan_of(cohort)
        modules = list(selectors.plan_modules(plan)) if plan else []
        summary = selectors.plan_summary(cohort, modules)
        editable = not services.editable_problems(cohort)
        context.update(
            plan=plan,
            modules=modules,
            summary=summary,
            plan_check=plan_problems(cohort, summary.policy),
            editable=editable,
            may_start=plan is None and editable and can(user, PLAN, cohort),
            may_change=plan is not None and editable and can(user, CHANGE, plan),
            templates=list(selectors.templates_for(cohort)) if plan is None else [],
        )
        return context


class PlanStart(ObjectFormView):
    model = Cohort
    access = PLAN
    form_class = PlanStartForm
    form_object = "cohort"
    service = services.plan_create
    title = _("Start the training plan")
    done = _("The training plan is started.")

    def success_url(self, result: Any) -> str:  # type: ignore[override]  # the kit's: a method
        return result.get_absolute_url()


class PlanEdit(ScopedUpdateView):
    model = TrainingPlan
    fields = ["note"]
    service = services.plan_update
    service_object = "plan"
    title = _("Change the plan's note")
    done = _("The plan is saved.")


class ModuleAdd(ObjectFormView):
    model = TrainingPlan
    form_class = ModuleForm
    form_object = "plan"
    service = services.module_add
    service_object = "plan"
    restrict = False  # the class's own teachers and mentors (selectors.responsible_choices)
    title = _("Add a module")
    done = _("The module is added.")

    def success_url(self, result: Any) -> str:  # type: ignore[override]  # the kit's: a method
        return self.object.get_absolute_url()


class ModuleDetail(ScopedDetailView):
    model = Module
    template_name = "training/module_detail.html"

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("plan__cohort", "responsible__person")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["editable"] = not services.editable_problems(self.object.plan.cohort)
        return context


class ModuleEdit(ScopedUpdateView):
    model = Module
    form_class = ModuleForm
    service = services.module_change
    restrict = False  # as ModuleAdd
    title = _("Change the module")
    done = _("The module is saved.")

    def success_url(self, result: Any) -> str:  # type: ignore[override]  # the kit's: a method
        return result.plan.get_absolute_url()


class ModuleRemove(ActionView, ModuleDetail):
    service = services.module_remove
    title = _("Remove the module")
    done = _("The module is removed.")

    def consequence(self, data: dict[str, Any]) -> Any:
        return _("The module “%(module)s” (%(hours)s hours) will be removed from the plan.") % {
            "module": self.object.title,
            "hours": self.object.hours,
        }

    def told(self, data: dict[str, Any]) -> list[str]:
        return []

    def object_url(self, obj: models.Model) -> str:
        # The module is gone once removed: back to its plan, also from the confirmation.
        return self.object.plan.get_absolute_url()


class ModuleUp(ActionView, ModuleDetail):
    service = services.module_move
    title = _("Move the module up")
    done = _("The plan's order is saved.")
    step = -1

    def perform(self, data: dict[str, Any]) -> Any:
        return services.module_move(by=signed_in(self.request), module=self.object, step=self.step)

    def told(self, data: dict[str, Any]) -> list[str]:
        return []

    def object_url(self, obj: models.Model) -> str:
        return self.object.plan.get_absolute_url()


class ModuleDown(ModuleUp):
    title = _("Move the module down")
    step = 1
