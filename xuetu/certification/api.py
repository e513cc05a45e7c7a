"""Certificates through the API: `/api/v1/certificates/` (create records one; `verify` and
`reject` are the bureau's). A refusal is 409 with `problems` (the core API kit)."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.routers import BaseRouter

from xuetu.accounts.models import User
from xuetu.certification import services
from xuetu.certification.access import REVIEW
from xuetu.certification.filters import CertificateApiFilter
from xuetu.certification.models import RECORDED_FIELDS, Certificate
from xuetu.core.api import SafeRelatedField, ScopedRelatedField, ScopedViewSet, transition_action
from xuetu.core.validators import validate_line, validate_text
from xuetu.core.views import any_manager
from xuetu.registry.choices import SkillLevel
from xuetu.registry.models import Occupation, Person


# SkillLevel's choices already have their schema enums (a class's target level, a mentor's
# certificate): a range here, and null for the kinds without a level.
@extend_schema_field(
    {
        "type": "integer",
        "minimum": 1,
        "maximum": 5,
        "nullable": True,
        "description": "1 (highest) to 5; null for special ability and training certificates",
    }
)
class NullableLevelField(serializers.ChoiceField):
    pass


class CertificateSerializer(serializers.ModelSerializer):
    person = ScopedRelatedField(source="holder", queryset=Person.objects.all())
    person_name = serializers.CharField(source="holder.name", read_only=True)
    occupation = SafeRelatedField(
        queryset=Occupation.objects.all(), required=False, allow_null=True
    )
    level = NullableLevelField(choices=SkillLevel.choices, allow_null=True, required=False)
    review_reason = serializers.CharField(read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Certificate
        fields = [
            "id",
            "person",
            "person_name",
            *RECORDED_FIELDS,
            "review_status",
            "review_reason",
            "review_comment",
            "reviewed_at",
            "organisation_name",
            "recorded_at",
        ]
        read_only_fields = ["review_status", "review_comment", "reviewed_at", "recorded_at"]
        # Not the unique check: the service says it without naming who holds the number.
        validators: list[Any] = []
        extra_kwargs = {"number": {"validators": [validate_line]}}


class CommentBody(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=500, validators=[validate_text]
    )


class ReasonBody(serializers.Serializer):
    reason = serializers.CharField(max_length=500, validators=[validate_text])


class CertificateViewSet(ScopedViewSet):
    """Certificates the user may see: skill level, qualification, special ability, training."""

    model = Certificate
    service_object = "certificate"
    serializer_class = CertificateSerializer
    search_fields = ["number", "holder__name", "issuer"]
    ordering_fields = ["issued_on", "number"]
    may_create = any_manager  # an enterprise manager is refused by the service (409)
    create_service = services.certificate_record
    update_service = services.certificate_update
    fixed_on_update = ("holder", "kind")

    filterset_class = CertificateApiFilter

    def get_queryset(self):
        return super().get_queryset().select_related("holder", "organisation")

    def create_object(self, data: dict[str, Any]) -> Certificate:
        data["person"] = data.pop("holder")
        data.setdefault("occupation", None)
        data.setdefault("level", None)
        return services.certificate_record(by=cast(User, self.request.user), **data)

    verify = transition_action(
        services.certificate_verify,
        CommentBody,
        summary="The bureau verifies the certificate (in the review queue, or accepted).",
        access=REVIEW,
    )
    reject = transition_action(
        services.certificate_reject,
        ReasonBody,
        summary="The bureau rejects the certificate, with a reason.",
        access=REVIEW,
    )


def register(router: BaseRouter) -> None:
    router.register("certificates", CertificateViewSet, basename="certificate")
