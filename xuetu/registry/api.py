"""Registry API: enterprises, institutions, people, and read-only reference data."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from xuetu.core.api import ScopedReadOnlyViewSet, ScopedRelatedField, ScopedViewSet
from xuetu.core.identifiers import (
    check_uscc,
    mask_id_number,
    parse_resident_id,
    validate_mobile,
)
from xuetu.core.views import any_manager
from xuetu.registry import services
from xuetu.registry.masking import shows_full_id
from xuetu.registry.models import (
    District,
    Enterprise,
    IndustryChain,
    IndustryCluster,
    Institution,
    Occupation,
    Person,
)
from xuetu.registry.views import registering_organisation


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["id", "code", "name", "name_en"]


class IndustryChainSerializer(serializers.ModelSerializer):
    cluster: serializers.SlugRelatedField[IndustryCluster] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = IndustryChain
        fields = ["id", "code", "name", "name_en", "cluster"]


class OccupationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Occupation
        fields = ["id", "code", "name", "name_en", "levels"]


class DistrictViewSet(ScopedReadOnlyViewSet):
    model = District
    serializer_class = DistrictSerializer
    search_fields = ["code", "name"]


class IndustryChainViewSet(ScopedReadOnlyViewSet):
    model = IndustryChain
    serializer_class = IndustryChainSerializer
    search_fields = ["code", "name"]

    def get_queryset(self):
        return super().get_queryset().select_related("cluster")


class OccupationViewSet(ScopedReadOnlyViewSet):
    model = Occupation
    serializer_class = OccupationSerializer
    search_fields = ["code", "name"]


class EnterpriseSerializer(serializers.ModelSerializer):
    district = ScopedRelatedField(queryset=District.objects.all())
    chains = ScopedRelatedField(queryset=IndustryChain.objects.all(), many=True, required=False)
    accept_reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        help_text=_("City administrators only: accept a failing GB 32100 check character."),
    )

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "uscc",
            "uscc_accepted_reason",
            "district",
            "size",
            "chains",
            "skilled_worker_share",
            "address",
            "contact_name",
            "contact_phone",
            "accept_reason",
        ]
        read_only_fields = ["uscc_accepted_reason"]
        extra_kwargs = {"uscc": {"validators": [], "max_length": 40}}

    def validate_uscc(self, value: str) -> str:
        return check_uscc(value).number


class EnterpriseViewSet(ScopedViewSet):
    model = Enterprise
    serializer_class = EnterpriseSerializer
    filterset_fields = ["district", "size"]
    search_fields = ["name", "uscc"]
    ordering_fields = ["name", "uscc"]

    create_service = services.enterprise_create
    update_service = services.enterprise_update

    def get_queryset(self):
        return super().get_queryset().select_related("district").prefetch_related("chains")


class InstitutionSerializer(serializers.ModelSerializer):
    district = ScopedRelatedField(queryset=District.objects.all())

    class Meta:
        model = Institution
        fields = [
            "id",
            "name",
            "uscc",
            "district",
            "institution_type",
            "address",
            "contact_name",
            "contact_phone",
        ]
        extra_kwargs = {"uscc": {"validators": [], "max_length": 40}}


class InstitutionViewSet(ScopedViewSet):
    model = Institution
    serializer_class = InstitutionSerializer
    filterset_fields = ["district", "institution_type"]
    search_fields = ["name", "uscc"]
    ordering_fields = ["name"]

    create_service = services.institution_create
    update_service = services.institution_update

    def get_queryset(self):
        return super().get_queryset().select_related("district")


class PersonSerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(max_length=40)

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "id_number",
            "gender",
            "birth_date",
            "phone",
            "education",
            "is_full_time_student",
            "is_pensioner",
        ]
        read_only_fields = ["gender", "birth_date"]

    def validate_id_number(self, value: str) -> str:
        # Whether the number is registered is the service's answer (linked when the name
        # matches, refused without saying whose it is otherwise), never the serializer's.
        return parse_resident_id(value).number

    def validate_phone(self, value: str) -> str:
        return validate_mobile(value) if value else ""

    def to_representation(self, instance: Person) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not shows_full_id(self.context["request"].user, instance):
            data["id_number"] = mask_id_number(instance.id_number)
        if self.context.get("linked"):
            # Someone already registered, perhaps by another organisation: the answer says
            # who was linked, not what that organisation recorded.
            for name in LINKED_HIDDEN:
                data.pop(name, None)
        return data


LINKED_HIDDEN = ("phone", "education", "is_full_time_student", "is_pensioner")


class PersonViewSet(ScopedViewSet):
    model = Person
    serializer_class = PersonSerializer
    filterset_fields = ["gender"]
    search_fields = ["name", "id_number"]
    ordering_fields = ["name", "birth_date"]
    may_create = any_manager
    create_service = services.person_create
    update_service = services.person_update
    linked = False

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        organisation = registering_organisation(self.request.user)
        registration = services.person_register(
            by=self.request.user, organisation=organisation, **serializer.validated_data
        )
        serializer.instance = registration.person
        serializer.context["linked"] = self.linked = registration.linked

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A new person is 201; someone already registered under this name is linked, 200."""
        response = super().create(request, *args, **kwargs)
        if self.linked:
            response.status_code = status.HTTP_200_OK
        return response
