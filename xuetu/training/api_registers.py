"""Class registers and hours through the API (issue 9 item 9): `/api/v1/sessions/` (list,
read, record a register with its attendance) and `/api/v1/hours/` (list, read, and confirm,
dispute, resolve, correct one entry). A register is never updated or deleted: a wrong line is
corrected by `correct` on its hours. Each register shows only the lines the reader may see
(an apprentice: their own); its evidence by kind and size, no file. Malformed input is 400
with field errors; a refusal by a rule is 409 with `problems` (the core API kit). Lists are
newest first, in a fixed number of queries."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from xuetu.accounts.choices import Role
from xuetu.accounts.models import User
from xuetu.core.access import scope_for
from xuetu.core.api import (
    REFUSED,
    ScopedPermission,
    ScopedReadOnlyViewSet,
    ScopedRelatedField,
    ScopedViewSet,
    read_body,
    transition_action,
)
from xuetu.core.validators import validate_entered_date, validate_line
from xuetu.programmes.models import Cohort
from xuetu.training.access import CONFIRM, CORRECT, DISPUTE, RESOLVE
from xuetu.training.choices import DisputeOutcome, ModulePlace
from xuetu.training.filters_registers import HoursFilter, SessionFilter
from xuetu.training.models import Evidence, Hours, Module, Session
from xuetu.training.services import registers as services

MAX_ID = 2**63 - 1
MAX_REGISTER = 500  # apprentices on one register: more than any class has


def records_registers(user: Any) -> bool:
    """Who may send a register: a teacher or mentor (the rules say for which class and
    module), or the city bureau (refused by the table, with a reason)."""
    scope = scope_for(user)
    return scope.city or scope.has_role(Role.MENTOR)


# ---- Registers -------------------------------------------------------------------------------


# A time of day as the register says it, "08:00" (JSON Schema's "time" wants a time zone).
@extend_schema_field({"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2})?$", "example": "08:00"})
class ClockField(serializers.TimeField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"], **kwargs)


class AttendanceLineSerializer(serializers.ModelSerializer):
    hours = serializers.IntegerField(source="pk", read_only=True)
    name = serializers.CharField(source="enrollment.person.name", read_only=True)

    class Meta:
        model = Hours
        fields = ["hours", "enrollment", "name", "present", "minutes", "status"]
        read_only_fields = fields


class EvidenceLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["kind", "size"]
        read_only_fields = fields


class SessionSerializer(serializers.ModelSerializer):
    module_title = serializers.CharField(source="module.title", read_only=True)
    mentor_name = serializers.CharField(source="mentor.person.name", read_only=True)
    start_time = ClockField(read_only=True)
    end_time = ClockField(read_only=True)
    minutes = serializers.IntegerField(read_only=True)
    attendance = AttendanceLineSerializer(source="visible_hours", many=True, read_only=True)
    evidence = EvidenceLineSerializer(source="visible_evidence", many=True, read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "cohort",
            "module",
            "module_title",
            "date",
            "start_time",
            "end_time",
            "minutes",
            "place",
            "mentor",
            "mentor_name",
            "recorded_at",
            "note",
            "attendance",
            "evidence",
        ]
        read_only_fields = fields


class MarkBody(serializers.Serializer):
    enrollment = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    present = serializers.BooleanField()


class SessionBody(serializers.Serializer):
    cohort = ScopedRelatedField(queryset=Cohort.objects.all())
    module = ScopedRelatedField(queryset=Module.objects.all())
    date = serializers.DateField(validators=[validate_entered_date])
    start_time = ClockField()
    end_time = ClockField()
    place = serializers.ChoiceField(
        choices=ModulePlace.choices,
        required=False,
        allow_blank=True,
        help_text=_("Blank: the module's place."),
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=200, validators=[validate_line]
    )
    attendance = serializers.ListField(
        child=MarkBody(),
        min_length=1,
        max_length=MAX_REGISTER,
        help_text=_("Every apprentice on the register, once."),
    )

    def validate_attendance(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        ids = [mark["enrollment"] for mark in value]
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError(_("Each apprentice appears once on a register."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, Any] = {}
        if attrs["end_time"] <= attrs["start_time"]:
            errors["end_time"] = [_("The end time must be after the start time.")]
        if attrs["module"].plan.cohort_id != attrs["cohort"].pk:
            errors["module"] = [_("Choose a module of this class's training plan.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def with_lines(sessions: QuerySet[Session], user: Any) -> QuerySet[Session]:
    """Registers with the lines and evidence the user may read: three queries in all."""
    hours = Hours.objects.for_user(user).select_related("enrollment__person").order_by("pk")
    evidence = Evidence.objects.for_user(user).order_by("pk")
    return sessions.select_related("module", "mentor__person").prefetch_related(
        Prefetch("hours", queryset=hours, to_attr="visible_hours"),
        Prefetch("evidence", queryset=evidence, to_attr="visible_evidence"),
    )


class SessionViewSet(ScopedReadOnlyViewSet):
    """Class registers: a teacher or mentor records one for the class (or for their own
    apprentices), one line per apprentice, present or absent."""

    model = Session
    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    ordering_fields: list[str] = []
    search_fields: list[str] = []
    permission_classes = [ScopedPermission]
    may_create = records_registers

    def get_queryset(self):
        return with_lines(super().get_queryset(), self.request.user).order_by("-date", "-id")

    @extend_schema(request=SessionBody, responses={201: SessionSerializer, 409: REFUSED})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = SessionBody(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        marks = [services.Mark(m["enrollment"], m["present"]) for m in data.pop("attendance")]
        session = services.session_record(by=cast(User, request.user), attendance=marks, **data)
        shown = self.get_queryset().filter(pk=session.pk).first()
        if shown is None:  # recorded by someone who may not read it back (the rules allow it)
            shown = session
            shown.visible_hours, shown.visible_evidence = [], []  # type: ignore[attr-defined]
        return Response(self.get_serializer(shown).data, status=status.HTTP_201_CREATED)


# ---- Hours -----------------------------------------------------------------------------------


class HoursSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="enrollment.person.name", read_only=True)
    # Blank until disputed and resolved (BlankEnum in the schema).
    outcome = serializers.ChoiceField(
        choices=DisputeOutcome.choices, read_only=True, allow_blank=True
    )

    class Meta:
        model = Hours
        fields = [
            "id",
            "session",
            "cohort",
            "enrollment",
            "name",
            "date",
            "present",
            "minutes",
            "status",
            "confirmed_at",
            "dispute_reason",
            "disputed_at",
            "outcome",
            "outcome_reason",
            "resolved_at",
            "cancels",
            "correction_reason",
        ]
        read_only_fields = fields


class HoursReasonBody(serializers.Serializer):
    reason = serializers.CharField(max_length=500, validators=[validate_line])


class ResolveBody(HoursReasonBody):
    outcome = serializers.ChoiceField(choices=DisputeOutcome.choices)


class CorrectBody(HoursReasonBody):
    present = serializers.BooleanField()
    minutes = serializers.IntegerField(
        min_value=0,
        max_value=24 * 60,
        required=False,
        allow_null=True,
        help_text=_("Blank: the register's length when present."),
    )


class HoursViewSet(ScopedReadOnlyViewSet):
    """Apprentices' hours, one entry per register line: confirmed by the apprentice or the
    other mentor, disputed by the apprentice, resolved by the module's teacher or a manager;
    a correction is a new entry cancelling the old one."""

    model = Hours
    service_object = "hours"
    serializer_class = HoursSerializer
    filterset_class = HoursFilter
    ordering_fields: list[str] = []
    search_fields: list[str] = []
    apply = ScopedViewSet.apply

    def get_queryset(self):
        return super().get_queryset().select_related("enrollment__person").order_by("-date", "-id")

    confirm = transition_action(
        services.hours_confirm, summary="Confirm the hours (awaiting confirmation).", access=CONFIRM
    )
    dispute = transition_action(
        services.hours_dispute,
        HoursReasonBody,
        summary="The apprentice disputes the hours, with a reason.",
        access=DISPUTE,
    )
    resolve = transition_action(
        services.hours_resolve,
        ResolveBody,
        summary="Keep or cancel disputed hours, with a reason.",
        access=RESOLVE,
    )

    @extend_schema(request=CorrectBody, responses={201: HoursSerializer, 409: REFUSED})
    @action(detail=True, methods=["post"], access=CORRECT)
    def correct(self, request: Request, pk: str | None = None) -> Response:
        """A new entry cancelling this one (present or absent, the minutes), with a reason."""
        hours = cast(Hours, self.get_object())
        values = read_body(request, CorrectBody)
        new = services.hours_correct(by=cast(User, request.user), hours=hours, **values)
        shown = self.get_queryset().filter(pk=new.pk).first() or new
        return Response(self.get_serializer(shown).data, status=status.HTTP_201_CREATED)


def register(router: BaseRouter) -> None:
    router.register("sessions", SessionViewSet, basename="session")
    router.register("hours", HoursViewSet, basename="hours")
