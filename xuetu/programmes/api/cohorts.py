"""Classes (学徒培训班) and their filing through the API: one line per action."""

from __future__ import annotations

from typing import cast

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from xuetu.core.api import ProblemSerializer, ScopedRelatedField, ScopedViewSet, transition_action
from xuetu.core.validators import validate_line, validate_text
from xuetu.core.views import any_manager
from xuetu.programmes import services
from xuetu.programmes.access import FILING, REVIEW, RUN
from xuetu.programmes.api.agreements import PartnerField
from xuetu.programmes.api.enrollments import DatedSerializer
from xuetu.programmes.models import Cohort, CooperationAgreement
from xuetu.registry.choices import SkillLevel
from xuetu.registry.models import Enterprise, Institution, Occupation


# The same choices under two field names would make two schema enums for one set (a schema
# warning); the second use is described inline instead.
@extend_schema_field(
    {"type": "integer", "enum": SkillLevel.values, "description": "1 (highest) to 5"}
)
class LevelField(serializers.ChoiceField):
    pass


class CohortSerializer(serializers.ModelSerializer):
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all())
    institution = PartnerField(queryset=Institution.objects.filter(is_active=True), required=False)
    agreement = ScopedRelatedField(
        queryset=CooperationAgreement.objects.all(), required=False, allow_null=True
    )
    occupation = ScopedRelatedField(queryset=Occupation.objects.all())
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    occupation_code = serializers.CharField(source="occupation.code", read_only=True)
    occupation_name = serializers.CharField(source="occupation.name", read_only=True)
    target_level = LevelField(choices=SkillLevel.choices)

    class Meta:
        model = Cohort
        fields = [
            "id",
            "code",
            "name",
            "enterprise",
            "enterprise_name",
            "institution",
            "institution_name",
            "agreement",
            "occupation",
            "occupation_code",
            "occupation_name",
            "target_level",
            "planned_start",
            "planned_end",
            "special_approval",
            "planned_headcount",
            "training_mode",
            "plan_summary",
            "status",
            "submitted_at",
            "reviewed_at",
            "review_comment",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "submitted_at", "reviewed_at", "review_comment"]
        # Not the unique check (the service says it in the user's language); the text check stays.
        extra_kwargs = {"code": {"required": False, "validators": [validate_line]}}


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[validate_text]
    )


class RequiredCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(
        help_text=_("What the enterprise should change, or why."), validators=[validate_text]
    )


class CohortViewSet(ScopedViewSet):
    """Classes (学徒培训班) and their filing: submit, review, start, complete, close."""

    model = Cohort
    serializer_class = CohortSerializer
    filterset_fields = ["status", "target_level"]
    search_fields = ["code", "name"]
    ordering_fields = ["planned_start", "code", "status"]
    may_create = any_manager
    create_service = services.cohort_create
    update_service = services.cohort_update
    # The enterprise is what the class is; its code is refused by the service if it differs
    # (a document number never changes), not silently ignored.
    fixed_on_update = ("enterprise",)

    def get_queryset(self):
        queryset = (
            super()
            .get_queryset()
            .select_related("enterprise", "institution", "occupation")
            .order_by("-planned_start", "code")
        )
        return self.filter_by_ids(queryset, "enterprise", "institution", "occupation")

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer("FilingCheck", {"problems": ProblemSerializer(many=True)}),
            # The class's mentors and apprentices see the class, not its filing check.
            403: OpenApiResponse(
                description=_("Only the class's parties and its reviewer see the filing check.")
            ),
        },
    )
    @action(detail=True, methods=["get"], access=FILING)
    def check(self, request: Request, pk: str | None = None) -> Response:
        """Every problem the submit check would list now (empty: the filing may be submitted)."""
        problems = services.filing_problems(cast(Cohort, self.get_object()))
        return Response({"problems": [p.as_dict() for p in problems]})

    submit = transition_action(services.cohort_submit, summary="Submit the filing for review")
    approve = transition_action(
        services.cohort_approve, CommentSerializer, summary="Approve the filing", access=REVIEW
    )
    return_ = transition_action(
        services.cohort_return,
        RequiredCommentSerializer,
        summary="Return the filing for changes",
        url_path="return",
        access=REVIEW,
    )
    reject = transition_action(
        services.cohort_reject,
        RequiredCommentSerializer,
        summary="Reject the filing",
        access=REVIEW,
    )
    withdraw = transition_action(
        services.cohort_withdraw, summary="Withdraw a draft or a filing awaiting review"
    )
    start = transition_action(
        services.cohort_start,
        DatedSerializer,
        summary="Start training on its actual date",
        access=RUN,
    )
    complete = transition_action(
        services.cohort_complete,
        DatedSerializer,
        summary="Complete training on its actual date",
        access=RUN,
    )
    close = transition_action(
        services.cohort_close, summary="Close the class's file", access=REVIEW
    )
