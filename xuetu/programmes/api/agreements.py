"""Cooperation agreements (校企合作协议) through the API."""

from __future__ import annotations

from rest_framework import serializers

from xuetu.core.api import SafeRelatedField, ScopedViewSet, transition_action
from xuetu.core.views import any_manager
from xuetu.programmes import services
from xuetu.programmes.access import CONFIRM
from xuetu.programmes.models import CooperationAgreement
from xuetu.registry.models import Enterprise, Institution


class PartnerField(SafeRelatedField):
    """The other party of an agreement or class. Any active enterprise or institution may be
    named (the registry of partners is not secret); the service then requires the user to
    manage one of the two sides."""


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


class AgreementViewSet(ScopedViewSet):
    """Cooperation agreements (校企合作协议) of the user's organisations."""

    model = CooperationAgreement
    service_object = "agreement"
    serializer_class = AgreementSerializer
    search_fields = ["number", "enterprise__name", "institution__name"]
    ordering_fields = ["valid_from", "number"]
    may_create = any_manager
    create_service = services.agreement_create
    update_service = services.agreement_update
    # The parties of an agreement are what it is; a change of party is a new agreement.
    fixed_on_update = ("enterprise", "institution")

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise", "institution")

    confirm = transition_action(
        services.agreement_confirm,
        summary="The side that did not draft the agreement confirms it.",
        access=CONFIRM,
    )
