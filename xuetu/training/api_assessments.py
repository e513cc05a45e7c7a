"""Assessments through the API: `/api/v1/assessments/` lists (filters `cohort`,
`enrollment`), records (201; 400 field errors; 409 `problems`), reads and corrects them
(PUT/PATCH with a `reason`; the apprentice and the date stay). Recording one
completes the apprentice's enrollment on its date; the enterprise never records one (403)."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.routers import BaseRouter

from xuetu.accounts.models import User
from xuetu.core.api import ScopedRelatedField, ScopedViewSet
from xuetu.core.ids import parse_id
from xuetu.core.validators import validate_line, validate_text
from xuetu.core.views import any_manager
from xuetu.programmes.models import Enrollment
from xuetu.training.models import Assessment
from xuetu.training.services import assessments


class AssessmentSerializer(serializers.ModelSerializer):
    enrollment = ScopedRelatedField(queryset=Enrollment.objects.all())
    cohort = serializers.IntegerField(source="enrollment.cohort_id", read_only=True)
    name = serializers.CharField(source="enrollment.person.name", read_only=True)
    reason = serializers.CharField(
        write_only=True,
        required=False,
        max_length=300,
        validators=[validate_text],
    )

    class Meta:
        model = Assessment
        fields = [
            "id",
            "enrollment",
            "cohort",
            "name",
            "theory_score",
            "practical_score",
            "outcome",
            "assessed_on",
            "assessor",
            "recorded_at",
            "reason",
        ]
        read_only_fields = ["recorded_at"]
        extra_kwargs = {"assessor": {"validators": [validate_line]}}
        # "Already assessed" is the service's refusal (409 with its code), not a 400.
        validators: list[Any] = []


class AssessmentViewSet(ScopedViewSet):
    """Final assessments of the apprentices the user sees."""

    model = Assessment
    serializer_class = AssessmentSerializer
    may_create = any_manager
    # A change is a correction with a reason (the date and the apprentice stay).
    fixed_on_update = ("enrollment", "assessed_on")
    update_service = assessments.assessment_correct

    def get_queryset(self) -> QuerySet[Assessment]:
        queryset = assessments.with_relations(super().get_queryset()).order_by("pk")
        queryset = self.filter_by_ids(queryset, "enrollment")
        value = self.request.query_params.get("cohort", "")
        if (pk := parse_id(value) if value.isdigit() else None) is not None:
            queryset = queryset.filter(enrollment__cohort_id=pk)
        return queryset

    def create_object(self, data: dict[str, Any]) -> Assessment:
        data = {k: v for k, v in data.items() if k != "reason"}
        return assessments.assessment_record(by=cast(User, self.request.user), **data)

    def update_object(self, instance: Any, data: dict[str, Any]) -> Assessment:
        return cast(Assessment, super().update_object(instance, {"reason": "", **data}))


def register(router: BaseRouter) -> None:
    router.register("assessments", AssessmentViewSet, basename="assessment")
