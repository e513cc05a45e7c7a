"""Training plans through the API: `/api/v1/plans/` (one per class, its `modules` nested,
read-only there) and `/api/v1/modules/` (add and change a module; `remove` takes it out of
its plan). Malformed input is 400 with field errors; a refusal by a rule is 409 with
`problems` (the core API kit)."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from xuetu.accounts.models import User
from xuetu.core.access import CHANGE
from xuetu.core.api import REFUSED, SafeRelatedField, ScopedRelatedField, ScopedViewSet
from xuetu.core.validators import validate_line, validate_text
from xuetu.core.views import any_manager
from xuetu.programmes.models import Cohort, Mentor
from xuetu.training import api_registers, selectors, services
from xuetu.training.models import Module, PlanTemplate, TrainingPlan


def is_responsible(plan: TrainingPlan, mentor: Mentor) -> bool:
    return selectors.responsible_choices(plan).filter(pk=mentor.pk).exists()


class ModuleSerializer(serializers.ModelSerializer):
    plan = ScopedRelatedField(queryset=TrainingPlan.objects.all())
    responsible = SafeRelatedField(queryset=Mentor.objects.all(), required=False, allow_null=True)
    responsible_name = serializers.CharField(
        source="responsible.person.name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Module
        fields = [
            "id",
            "plan",
            "order",
            "title",
            "kind",
            "hours",
            "place",
            "responsible",
            "responsible_name",
        ]
        read_only_fields = ["order"]
        extra_kwargs = {"title": {"validators": [validate_line]}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Only the class's own teachers and mentors; any other id is "not found", as a
        # missing one (the API never says whose mentor an id is).
        plan = attrs.get("plan") or getattr(self.instance, "plan", None)
        mentor = attrs.get("responsible")
        if mentor is not None and plan is not None and not is_responsible(plan, mentor):
            field = self.fields["responsible"]
            message = field.error_messages["does_not_exist"].format(pk_value=mentor.pk)
            raise serializers.ValidationError({"responsible": [message]})
        return attrs


class NestedModuleSerializer(ModuleSerializer):
    class Meta(ModuleSerializer.Meta):
        fields = [f for f in ModuleSerializer.Meta.fields if f != "plan"]
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer):
    cohort = ScopedRelatedField(queryset=Cohort.objects.all())
    cohort_code = serializers.CharField(source="cohort.code", read_only=True)
    template = SafeRelatedField(
        queryset=PlanTemplate.objects.all(), required=False, allow_null=True
    )
    modules = NestedModuleSerializer(many=True, read_only=True)
    total_hours = serializers.SerializerMethodField()

    class Meta:
        model = TrainingPlan
        fields = ["id", "cohort", "cohort_code", "template", "note", "modules", "total_hours"]
        extra_kwargs = {"note": {"validators": [validate_text]}}

    def get_total_hours(self, plan: TrainingPlan) -> int:
        return sum(m.hours for m in plan.modules.all())


class ReorderBody(serializers.Serializer):
    modules = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=500)


def with_modules(plans: QuerySet[TrainingPlan]) -> QuerySet[TrainingPlan]:
    """Plans with their class and modules: three queries however many modules."""
    modules = Module.objects.select_related("responsible__person")
    return (
        plans.select_related("cohort")
        .prefetch_related(Prefetch("modules", queryset=modules))
        .order_by("pk")
    )


class PlanViewSet(ScopedViewSet):
    """Training plans of the classes the user sees, each with its modules."""

    model = TrainingPlan
    service_object = "plan"
    serializer_class = PlanSerializer
    may_create = any_manager
    fixed_on_update = ("cohort", "template")
    update_service = services.plan_update

    def get_queryset(self):
        return self.filter_by_ids(with_modules(super().get_queryset()), "cohort")

    def create_object(self, data: dict[str, Any]) -> TrainingPlan:
        return services.plan_create(by=cast(User, self.request.user), **data)

    @extend_schema(request=ReorderBody, responses={200: PlanSerializer, 409: REFUSED})
    @action(detail=True, methods=["post"], access=CHANGE)
    def reorder(self, request: Request, pk: str | None = None) -> Response:
        """The plan's modules in a new order (every module's id, once)."""
        return self.apply(services.plan_reorder, ReorderBody)


class ModuleViewSet(ScopedViewSet):
    """The modules of the training plans the user sees."""

    model = Module
    serializer_class = ModuleSerializer
    may_create = any_manager
    fixed_on_update = ("plan",)
    create_service = services.module_add
    update_service = services.module_change

    def get_queryset(self):
        queryset = (
            super()
            .get_queryset()
            .select_related("responsible__person")
            .order_by("plan", "order", "pk")
        )
        return self.filter_by_ids(queryset, "plan")

    @extend_schema(request=None, responses={200: PlanSerializer, 409: REFUSED})
    @action(detail=True, methods=["post"], access=CHANGE)
    def remove(self, request: Request, pk: str | None = None) -> Response:
        """Takes the module out of its plan; answers the plan as it is now."""
        module = cast(Module, self.get_object())
        services.module_remove(by=cast(User, request.user), module=module)
        plan = with_modules(TrainingPlan.objects.for_user(request.user)).get(pk=module.plan_id)
        return Response(PlanSerializer(plan, context=self.get_serializer_context()).data)


def register(router: BaseRouter) -> None:
    router.register("plans", PlanViewSet, basename="plan")
    router.register("modules", ModuleViewSet, basename="module")
    from xuetu.training import api_assessments

    api_assessments.register(router)
    api_registers.register(router)
    from xuetu.training import api_calendar  # blocks and reviews (calreview)

    api_calendar.register(router)
