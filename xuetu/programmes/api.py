"""Programmes API: agreements, mentors, classes (cohorts) with their filing actions, and the
roster. Every list starts from `for_user` (another organisation's object is 404), every write
calls a service, and a refused change is 409 with the list of problems."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from xuetu.accounts.auth import signed_in
from xuetu.accounts.models import Organisation
from xuetu.core.access import scope_for
from xuetu.core.api import SafeRelatedField, ScopedRelatedField, ScopedViewSet
from xuetu.core.identifiers import mask_id_number
from xuetu.core.ids import parse_id
from xuetu.core.problems import Refused
from xuetu.programmes import selectors, services
from xuetu.programmes.choices import WithdrawalReason
from xuetu.programmes.models import (
    Cohort,
    CooperationAgreement,
    Enrollment,
    EnrollmentEvent,
    Mentor,
)
from xuetu.registry.choices import SkillLevel
from xuetu.registry.masking import shows_full_id
from xuetu.registry.models import Enterprise, Institution, Occupation, Person


# Refusals ----------------------------------------------------------------------------------
class ProblemSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField(allow_null=True)


class RefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    problems = ProblemSerializer(many=True)


REFUSED = OpenApiResponse(RefusalSerializer, description=_("The change was refused."))


def refusal(exc: Refused) -> Response:
    body = {"detail": str(exc.detail), "problems": [p.as_dict() for p in exc.problems]}
    return Response(body, status=status.HTTP_409_CONFLICT)


class ProgrammeViewSet(ScopedViewSet):
    """Answers a refused transition with 409 and its problems."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, Refused):
            return refusal(exc)
        return super().handle_exception(exc)

    def user_can_create(self) -> bool:
        scope = scope_for(self.request.user)
        return scope.city or bool(scope.managed_org_ids)

    def filter_by_ids(self, queryset: models.QuerySet, *names: str) -> models.QuerySet:
        """`?cohort=3` style filters. An unknown or hidden id gives an empty list, never
        "no such row"; an id that cannot exist is ignored."""
        for name in names:
            value = self.request.query_params.get(name, "")
            if (pk := parse_id(value) if value.isdigit() else None) is not None:
                queryset = queryset.filter(**{f"{name}_id": pk})
        return queryset


class PartnerField(SafeRelatedField):
    """The other party of an agreement or class. Any active enterprise or institution may be
    named (the registry of partners is not secret); the service then requires the user to
    manage one of the two sides."""


def _body(request: Request, body_class: type[serializers.Serializer]) -> dict[str, Any]:
    body = body_class(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


# The same choices under two field names would make two schema enums for one set (a schema
# warning); the second use is described inline instead.
@extend_schema_field(
    {"type": "integer", "enum": SkillLevel.values, "description": "1 (highest) to 5"}
)
class LevelField(serializers.ChoiceField):
    pass


@extend_schema_field({"type": "string", "enum": WithdrawalReason.values})
class ReasonField(serializers.ChoiceField):
    pass


# Agreements --------------------------------------------------------------------------------
class AgreementSerializer(serializers.ModelSerializer):
    enterprise = PartnerField(queryset=Enterprise.objects.filter(is_active=True))
    institution = PartnerField(queryset=Institution.objects.filter(is_active=True))
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    confirmed = serializers.BooleanField(read_only=True)

    class Meta:
        model = CooperationAgreement
        fields = [
            "id",
            "number",
            "enterprise",
            "enterprise_name",
            "institution",
            "institution_name",
            "drafted_by",
            "valid_from",
            "valid_to",
            "training_mode",
            "fee_per_apprentice",
            "duties",
            "enterprise_confirmed_at",
            "institution_confirmed_at",
            "confirmed",
            "created_at",
        ]
        read_only_fields = [
            "drafted_by",
            "enterprise_confirmed_at",
            "institution_confirmed_at",
            "created_at",
        ]
        extra_kwargs = {"number": {"required": False, "validators": []}}


class AgreementViewSet(ProgrammeViewSet):
    """Cooperation agreements (校企合作协议) of the user's organisations."""

    model = CooperationAgreement
    serializer_class = AgreementSerializer
    search_fields = ["number", "enterprise__name", "institution__name"]
    ordering_fields = ["valid_from", "number"]

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("enterprise", "institution")

    def create_object(self, data: dict[str, Any]) -> CooperationAgreement:
        return services.agreement_create(by=signed_in(self.request), **data)

    def update_object(self, instance: CooperationAgreement, data: dict[str, Any]) -> Any:
        # The parties of an agreement are what it is; a change of party is a new agreement.
        for party in ("enterprise", "institution"):
            data.pop(party, None)
        return services.agreement_update(by=signed_in(self.request), agreement=instance, **data)

    @extend_schema(request=None, responses={200: AgreementSerializer, 409: REFUSED})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """The side that did not draft the agreement confirms it."""
        agreement = services.agreement_confirm(by=signed_in(request), agreement=self.get_object())
        return Response(self.get_serializer(agreement).data)


# Mentors -----------------------------------------------------------------------------------
class MentorSerializer(serializers.ModelSerializer):
    person = ScopedRelatedField(queryset=Person.objects.all())
    person_name = serializers.CharField(source="person.name", read_only=True)
    organisation = ScopedRelatedField(queryset=Organisation.objects.all())
    occupation = ScopedRelatedField(
        queryset=Occupation.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Mentor
        fields = [
            "id",
            "person",
            "person_name",
            "organisation",
            "kind",
            "occupation",
            "certificate_level",
            "certificate_number",
            "recognised",
            "recognition_reason",
            "recognition_approved_by",
            "years_experience",
            "capacity",
            "is_active",
        ]
        extra_kwargs = {"kind": {"required": False}}
        validators: list = []  # the service explains a duplicate in the user's language


class MentorViewSet(ProgrammeViewSet):
    """Enterprise mentors and institution teachers."""

    model = Mentor
    serializer_class = MentorSerializer
    search_fields = ["person__name"]
    ordering_fields = ["person__name"]

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("person", "organisation")

    def create_object(self, data: dict[str, Any]) -> Mentor:
        return services.mentor_create(by=signed_in(self.request), **data)

    def update_object(self, instance: Mentor, data: dict[str, Any]) -> Mentor:
        for fixed in ("person", "organisation", "kind"):
            data.pop(fixed, None)
        return services.mentor_update(by=signed_in(self.request), mentor=instance, **data)


# Classes (cohorts) -------------------------------------------------------------------------
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
        extra_kwargs = {"code": {"required": False, "validators": []}}


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RequiredCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(help_text=_("What the enterprise should change, or why."))


def _transition_schema(body: type[serializers.Serializer] | None, summary: str) -> Any:
    return extend_schema(
        request=body,
        responses={200: CohortSerializer, 409: REFUSED},
        summary=summary,
        description=summary,
    )


ANYONE_SIGNED_IN = [permissions.IsAuthenticated]  # the service checks the role


class CohortViewSet(ProgrammeViewSet):
    """Classes (学徒培训班) and their filing: submit, review, start, complete, close."""

    model = Cohort
    serializer_class = CohortSerializer
    filterset_fields = ["status", "target_level"]
    search_fields = ["code", "name"]
    ordering_fields = ["planned_start", "code", "status"]

    def get_queryset(self) -> models.QuerySet:
        queryset = (
            super()
            .get_queryset()
            .select_related("enterprise", "institution", "occupation")
            .order_by("-planned_start", "code")
        )
        return self.filter_by_ids(queryset, "enterprise", "institution", "occupation")

    def create_object(self, data: dict[str, Any]) -> Cohort:
        return services.cohort_create(by=signed_in(self.request), **data)

    def update_object(self, instance: Cohort, data: dict[str, Any]) -> Cohort:
        for fixed in ("enterprise", "code"):
            data.pop(fixed, None)
        return services.cohort_update(by=signed_in(self.request), cohort=instance, **data)

    def _apply(self, service, body_class: type[serializers.Serializer] | None = None) -> Response:
        # The object first: another organisation's class is 404 whatever the body says.
        cohort = self.get_object()
        kwargs = _body(self.request, body_class) if body_class else {}
        cohort = service(by=self.request.user, cohort=cohort, **kwargs)
        return Response(self.get_serializer(cohort).data)

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer("FilingCheck", {"problems": ProblemSerializer(many=True)})
        },
    )
    @action(detail=True, methods=["get"])
    def check(self, request: Request, pk: str | None = None) -> Response:
        """Every problem the submit check would list now (empty: the filing may be submitted)."""
        problems = services.filing_problems(self.get_object())
        return Response({"problems": [p.as_dict() for p in problems]})

    @_transition_schema(None, "Submit the filing for review")
    @action(detail=True, methods=["post"], permission_classes=ANYONE_SIGNED_IN)
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._apply(services.cohort_submit)

    @_transition_schema(CommentSerializer, "Approve the filing")
    @action(detail=True, methods=["post"], permission_classes=ANYONE_SIGNED_IN)
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._apply(services.cohort_approve, CommentSerializer)

    @_transition_schema(RequiredCommentSerializer, "Return the filing for changes")
    @action(
        detail=True,
        methods=["post"],
        url_path="return",
        url_name="return",
        permission_classes=ANYONE_SIGNED_IN,
    )
    def return_(self, request: Request, pk: str | None = None) -> Response:
        return self._apply(services.cohort_return, RequiredCommentSerializer)

    @_transition_schema(RequiredCommentSerializer, "Reject the filing")
    @action(detail=True, methods=["post"], permission_classes=ANYONE_SIGNED_IN)
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._apply(services.cohort_reject, RequiredCommentSerializer)

    @_transition_schema(None, "Withdraw a draft or a filing awaiting review")
    @action(detail=True, methods=["post"], permission_classes=ANYONE_SIGNED_IN)
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        return self._apply(services.cohort_withdraw)

    @_transition_schema(None, "Start training")
    @action(detail=True, methods=["post"], permission_classes=ANYONE_SIGNED_IN)
    def start(self, request: Request, pk: str | None = None) -> Response:
        return self._apply(services.cohort_start)

    @_transition_schema(None, "Complete training")
    @action(detail=True, methods=["post"], permission_classes=ANYONE_SIGNED_IN)
    def complete(self, request: Request, pk: str | None = None) -> Response:
        return self._apply(services.cohort_complete)

    @_transition_schema(None, "Close the class's file")
    @action(detail=True, methods=["post"], permission_classes=ANYONE_SIGNED_IN)
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self._apply(services.cohort_close)


# Enrollments -------------------------------------------------------------------------------
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
        source="enterprise_mentor.person.name", read_only=True, default=None
    )
    # Mentor.for_user includes the teachers of the enterprise's partner institutions.
    institution_mentor = ScopedRelatedField(
        queryset=Mentor.objects.all(), required=False, allow_null=True
    )
    institution_mentor_name = serializers.CharField(
        source="institution_mentor.person.name", read_only=True, default=None
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
    on = serializers.DateField(help_text=_("The effective date."))


class WithdrawalSerializer(DatedSerializer):
    reason = ReasonField(choices=WithdrawalReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class EventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", read_only=True, default=None)

    class Meta:
        model = EnrollmentEvent
        fields = ["id", "kind", "effective_date", "details", "by", "at"]


def _enrollment_schema(body: type[serializers.Serializer], summary: str) -> Any:
    return extend_schema(
        request=body,
        responses={200: EnrollmentSerializer, 409: REFUSED},
        summary=summary,
        description=summary,
    )


class EnrollmentViewSet(ProgrammeViewSet):
    """Apprentices on class rosters, and the dated changes to them."""

    model = Enrollment
    serializer_class = EnrollmentSerializer
    filterset_fields = ["status", "category"]
    search_fields = ["person__name", "cohort__code"]
    ordering_fields = ["person__name", "created_at"]

    def get_queryset(self) -> models.QuerySet:
        queryset = (
            super()
            .get_queryset()
            .select_related(
                "cohort", "person", "enterprise_mentor__person", "institution_mentor__person"
            )
            .order_by("cohort_id", "person__name", "pk")
        )
        return self.filter_by_ids(queryset, "cohort", "person")

    def create_object(self, data: dict[str, Any]) -> Enrollment:
        return services.enrollment_create(by=signed_in(self.request), **data)

    def update_object(self, instance: Enrollment, data: dict[str, Any]) -> Enrollment:
        for fixed in ("cohort", "person"):
            data.pop(fixed, None)
        return services.enrollment_update(by=signed_in(self.request), enrollment=instance, **data)

    def _apply(self, service, body_class: type[serializers.Serializer]) -> Response:
        enrollment = self.get_object()
        enrollment = service(
            by=self.request.user, enrollment=enrollment, **_body(self.request, body_class)
        )
        return Response(self.get_serializer(enrollment).data)

    @_enrollment_schema(WithdrawalSerializer, "Withdraw the apprentice")
    @action(detail=True, methods=["post"], permission_classes=ANYONE_SIGNED_IN)
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        return self._apply(services.enrollment_withdraw, WithdrawalSerializer)

    @_enrollment_schema(DatedSerializer, "Pause the training")
    @action(detail=True, methods=["post"], permission_classes=ANYONE_SIGNED_IN)
    def pause(self, request: Request, pk: str | None = None) -> Response:
        return self._apply(services.enrollment_pause, DatedSerializer)

    @_enrollment_schema(DatedSerializer, "Resume the training (the planned end moves)")
    @action(detail=True, methods=["post"], permission_classes=ANYONE_SIGNED_IN)
    def resume(self, request: Request, pk: str | None = None) -> Response:
        return self._apply(services.enrollment_resume, DatedSerializer)

    @extend_schema(request=None, responses={200: EventSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str | None = None) -> Response:
        """Every change to the enrollment, by effective date."""
        events = selectors.enrollment_history(self.get_object())
        return Response(EventSerializer(events, many=True).data)


def register(router) -> None:
    """Adds the programmes routes to the API router."""
    router.register("agreements", AgreementViewSet, basename="cooperationagreement")
    router.register("mentors", MentorViewSet, basename="mentor")
    router.register("cohorts", CohortViewSet, basename="cohort")
    router.register("enrollments", EnrollmentViewSet, basename="enrollment")
