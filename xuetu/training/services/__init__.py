"""Writes of training plans and their modules (issue 9, item 1). Pages, the API and the demo
call these; each runs in one transaction with one audit event. A plan changes while its class
may (draft, submitted or returned); a change to a filing under review makes it a draft again,
as a roster change does."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.core.access import CHANGE, require
from xuetu.core.audit import audit_record
from xuetu.core.dates import duration_months
from xuetu.core.problems import Problem, refuse_if
from xuetu.core.services import apply_changes, lock, record_create, record_update
from xuetu.programmes.choices import EDITABLE_COHORT_STATUSES
from xuetu.programmes.models import Cohort
from xuetu.programmes.services.cohorts import reopen
from xuetu.training.access import PLAN
from xuetu.training.choices import MAX_MODULE_HOURS
from xuetu.training.models import Module, PlanTemplate, TrainingPlan

MODULE_FIELDS = ("title", "kind", "hours", "place", "responsible")

NOT_EDITABLE = Problem(
    "plan_not_editable",
    _("The plan of an approved, running or closed class can no longer be changed."),
    None,
)
PLAN_EXISTS = Problem("plan_exists", _("The class already has a training plan."), "cohort")
OTHER_OCCUPATION = Problem(
    "template_other_occupation",
    _("The template is for another occupation than the class's."),
    "template",
)
BAD_ORDER = Problem(
    "order_mismatch", _("List every module of the plan exactly once, in the new order."), "modules"
)


def editable_problems(cohort: Cohort) -> list[Problem]:
    return [] if cohort.status in EDITABLE_COHORT_STATUSES else [NOT_EDITABLE]


def _changed(by: User | None, cohort: Cohort) -> None:
    """A plan change to a filing under review makes it a draft again (as a roster change)."""
    reopen(by, cohort)


def plan_create(
    *, by: User | None, cohort: Cohort, template: PlanTemplate | None = None, note: str = ""
) -> TrainingPlan:
    """The class's plan, empty or with the modules of its occupation's template."""
    require(by, PLAN, cohort)
    with transaction.atomic():
        lock(cohort)
        refuse_if(editable_problems(cohort))
        refuse_if([PLAN_EXISTS] if TrainingPlan.objects.filter(cohort=cohort).exists() else [])
        if template is not None and template.occupation_id != cohort.occupation_id:
            refuse_if([OTHER_OCCUPATION])
        plan = record_create(
            by=by,
            instance=TrainingPlan(cohort=cohort, template=template, note=note.strip()),
            organisation=cohort.enterprise,
        )
        if template is not None:
            copy_template(plan, template)
        _changed(by, cohort)
    return plan


def copy_template(plan: TrainingPlan, template: PlanTemplate) -> None:
    """The template's modules, their yearly hours pro rata over the class's months."""
    cohort = plan.cohort
    months = duration_months(cohort.planned_start, cohort.planned_end)
    Module.objects.bulk_create(
        Module(
            plan=plan,
            order=m.order,
            title=m.title,
            kind=m.kind,
            hours=min(MAX_MODULE_HOURS, max(1, round(m.hours * months / 12))),
            place=m.place,
        )
        for m in template.modules.all()
    )


def plan_update(*, by: User | None, plan: TrainingPlan, note: str | None = None) -> TrainingPlan:
    require(by, CHANGE, plan)
    with transaction.atomic():
        # The stored row: a page's form may already have set the new values on `plan`.
        stored = TrainingPlan.objects.select_related("cohort").get(pk=plan.pk)
        refuse_if(editable_problems(stored.cohort))
        changes = {} if note is None else {"note": note}
        if apply_changes(stored, changes, editable=("note",)):
            record_update(by=by, instance=stored, organisation=stored.cohort.enterprise)
    return stored


def module_add(*, by: User | None, plan: TrainingPlan, **values: Any) -> Module:
    require(by, CHANGE, plan)
    with transaction.atomic():
        lock(plan)
        refuse_if(editable_problems(plan.cohort))
        last = plan.modules.aggregate(last=Max("order"))["last"]
        module = Module(plan=plan, order=0 if last is None else last + 1)
        apply_changes(module, values, editable=MODULE_FIELDS)
        record_create(by=by, instance=module, organisation=plan.cohort.enterprise)
        _changed(by, plan.cohort)
    return module


def module_change(*, by: User | None, module: Module, **changes: Any) -> Module:
    require(by, CHANGE, module)
    with transaction.atomic():
        # The stored row: a page's form may already have set the new values on `module`.
        stored = Module.objects.select_related("plan__cohort").get(pk=module.pk)
        cohort = stored.plan.cohort
        refuse_if(editable_problems(cohort))
        if apply_changes(stored, changes, editable=MODULE_FIELDS):
            record_update(by=by, instance=stored, organisation=cohort.enterprise)
            _changed(by, cohort)
    return stored


def module_remove(*, by: User | None, module: Module) -> TrainingPlan:
    require(by, CHANGE, module)
    plan = module.plan
    with transaction.atomic():
        refuse_if(editable_problems(plan.cohort))
        audit_record(
            by=by,
            action="module.delete",
            obj=module,
            before={"title": module.title, "hours": module.hours, "place": module.place},
            organisation=plan.cohort.enterprise,
        )
        module.delete()
        _changed(by, plan.cohort)
    return plan


def plan_reorder(*, by: User | None, plan: TrainingPlan, modules: list[int]) -> TrainingPlan:
    """The plan's modules in the order of `modules` (every module's id, once)."""
    require(by, CHANGE, plan)
    with transaction.atomic():
        lock(plan)
        refuse_if(editable_problems(plan.cohort))
        current = {m.pk: m for m in plan.modules.all()}
        if len(modules) != len(current) or set(modules) != set(current):
            refuse_if([BAD_ORDER])
        for order, pk in enumerate(modules):
            current[pk].order = order
        Module.objects.bulk_update(current.values(), ["order"])
        audit_record(
            by=by,
            action="module.reorder",
            obj=plan,
            after={"modules": modules},
            organisation=plan.cohort.enterprise,
        )
    return plan


def module_move(*, by: User | None, module: Module, step: int) -> Module:
    """One place up (-1) or down (+1) in the plan: the pages' arrows."""
    ids = list(module.plan.modules.values_list("pk", flat=True))
    at = ids.index(module.pk)
    to = max(0, min(len(ids) - 1, at + step))
    ids.insert(to, ids.pop(at))
    plan_reorder(by=by, plan=module.plan, modules=ids)
    return module
