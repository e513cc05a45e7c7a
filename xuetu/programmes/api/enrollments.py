"""Apprentices on class rosters through the API, and the dated changes to them."""

from __future__ import annotations

from typing import cast

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from xuetu.core.api import ScopedRelatedField, ScopedViewSet, transition_action
from xuetu.core.identifiers import mask_id_number
from xuetu.core.validators import validate_entered_date, validate_line
from xuetu.core.views import any_manager
from xuetu.programmes import selectors, services
from xuetu.programmes.choices import WithdrawalReason
from xuetu.programmes.models import Cohort, Enrollment, EnrollmentEvent, Mentor
from xuetu.registry.masking import shows_full_id
from xuetu.registry.models import Person


@extend_schema_field({"type": "string", "enum": WithdrawalReason.values})
class ReasonField(serializers.ChoiceField):
    pass


class EnrollmentSerializer(serializers.ModelSerializer):
    cohort = ScopedRelatedField(queryset=Cohort.objects.all())
    cohort_code = serializers.CharField(source="cohort.code", read_only=True)
    person = ScopedRelatedField(queryset=Person.objects.all())
    person_name = serializers.CharField(source="person.name", read_only=True)
    id_number = serializers.SerializerMethodField()
    enterprise_mentor = ScopedRelatedField(
        queryset=Mentor.objects.all(), required=False, allow_null=True
    )
    enterprise_mentor_name = serializers.CharField(
        source="enterprise_mentor.person.name", read_only=True, default=None, allow_null=True
    )
    # Mentor.for_user includes the teachers of the enterprise's partner institutions.
    institution_mentor = ScopedRelatedField(
        queryset=Mentor.objects.all(), required=False, allow_null=True
    )
    institution_mentor_name = serializers.CharField(
        source="institution_mentor.person.name", read_only=True, default=None, allow_null=True
    )
    # Blank until the apprentice withdraws (BlankEnum in the schema).
    withdrawal_reason = serializers.ChoiceField(
        choices=WithdrawalReason.choices, read_only=True, allow_blank=True
    )

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "cohort",
            "cohort_code",
            "person",
            "person_name",
            "id_number",
            "category",
            "contract_start",
            "contract_end",
            "social_insurance",
            "enterprise_mentor",
            "enterprise_mentor_name",
            "institution_mentor",
            "institution_mentor_name",
            "status",
            "planned_end",
            "paused_from",
            "withdrawn_on",
            "withdrawal_reason",
            "withdrawal_note",
            "substitute_for",
            "created_at",
        ]
        read_only_fields = [
            "status",
            "planned_end",
            "paused_from",
            "withdrawn_on",
            "withdrawal_reason",
            "withdrawal_note",
            "substitute_for",
        ]
        validators: list = []  # the service explains a duplicate in the user's language

    def get_id_number(self, enrollment: Enrollment) -> str:
        person = enrollment.person
        if shows_full_id(self.context["request"].user, person):
            return person.id_number
        return mask_id_number(person.id_number)


class DatedSerializer(serializers.Serializer):
    on = serializers.DateField(
        help_text=_("The effective date."), validators=[validate_entered_date]
    )


class WithdrawalSerializer(DatedSerializer):
    reason = ReasonField(choices=WithdrawalReason.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300, validators=[validate_line]
    )


class EventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", read_only=True, default=None)

    class Meta:
        model = EnrollmentEvent
        fields = ["id", "kind", "effective_date", "details", "by", "at"]


class EnrollmentViewSet(ScopedViewSet):
    """Apprentices on class rosters, and the dated changes to them."""

    model = Enrollment
    serializer_class = EnrollmentSerializer
    filterset_fields = ["status", "category"]
    search_fields = ["person__name", "cohort__code"]
    ordering_fields = ["person__name", "created_at"]
    may_create = any_manager
    create_service = services.enrollment_create
    update_service = services.enrollment_update
    fixed_on_update = ("cohort", "person")

    def get_queryset(self):
        queryset = (
            super()
            .get_queryset()
            .select_related(
                "cohort", "person", "enterprise_mentor__person", "institution_mentor__person"
            )
            .order_by("cohort_id", "person__name", "pk")
        )
        return self.filter_by_ids(queryset, "cohort", "person")

    withdraw = transition_action(
        services.enrollment_withdraw, WithdrawalSerializer, summary="Withdraw the apprentice"
    )
    pause = transition_action(
        services.enrollment_pause, DatedSerializer, summary="Pause the training"
    )
    resume = transition_action(
        services.enrollment_resume,
        DatedSerializer,
        summary="Resume the training (the planned end moves)",
    )

    @extend_schema(request=None, responses={200: EventSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request: Request, pk: str | None = None) -> Response:
        """Every change to the enrollment, by effective date."""
        events = selectors.enrollment_history(
            cast(Enrollment, self.get_object()), self.request.user
        )
        return Response(EventSerializer(events, many=True).data)
