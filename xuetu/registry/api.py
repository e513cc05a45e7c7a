"""Registry API: enterprises, institutions, people, and read-only reference data."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from xuetu.core.api import (
    ScopedReadOnlyViewSet,
    ScopedRelatedField,
    ScopedViewSet,
    WithholdingSerializer,
)
from xuetu.core.identifiers import (
    check_uscc,
    parse_resident_id,
    validate_mobile,
)
from xuetu.core.validators import validate_line
from xuetu.core.views import any_manager
from xuetu.registry import services
from xuetu.registry.masking import PersonalView, audit_id_views, id_search_allowed
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
        max_length=200,
        validators=[validate_line],
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

    def validate_district(self, value: District) -> District:
        # A new enterprise, or a move, goes only to a district in force (the service's rule).
        if self.instance is None or value.pk != self.instance.district_id:
            try:
                services.district_require_in_force(value)
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.message_dict["district"]) from error
        return value


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

    def validate_uscc(self, value: str | None) -> str | None:
        # An institution may have no code; one it gives is checked as the page's form does.
        return check_uscc(value).number if value else None


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


LINKED_HIDDEN = ("phone", "education", "is_full_time_student", "is_pensioner")


class PersonSerializer(WithholdingSerializer):
    """A person as the reader may see them: a masked ID number, and no gender, birth date,
    phone or education for a reader who may not see them."""

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
        # What `to_representation` leaves out or blanks for a reader who may not see it.
        withheld_fields = ["gender", "birth_date", *LINKED_HIDDEN]
        nulled_fields = ["education"]

    def validate_id_number(self, value: str) -> str:
        # Whether the number is registered is the service's answer (linked when the name
        # matches, refused without saying whose it is otherwise), never the serializer's.
        return parse_resident_id(value).number

    def validate_phone(self, value: str) -> str:
        return validate_mobile(value) if value else ""

    def to_representation(self, instance: Person) -> dict[str, Any]:
        data = super().to_representation(instance)
        seen = self.context.get("personal") or PersonalView(self.context["request"].user)
        data["id_number"] = seen.id_number(instance)
        if not seen.full_id(instance):  # nothing that would undo the mask
            del data["gender"], data["birth_date"]
        data["phone"] = seen.phone(instance)
        if not seen.contact(instance):
            data["education"] = None
        if self.context.get("linked"):
            # Someone already registered, perhaps by another organisation: the answer says
            # who was linked, not what that organisation recorded.
            for name in LINKED_HIDDEN:
                data.pop(name, None)
        return data


class PersonViewSet(ScopedViewSet):
    """People as the user may see them (registry.masking): a role that sees masked numbers
    cannot search, filter or order by number, gender or birth date."""

    model = Person
    serializer_class = PersonSerializer
    may_create = any_manager
    create_service = services.person_create
    update_service = services.person_update
    linked = False

    def _full(self) -> bool:
        request = getattr(self, "request", None)
        return request is not None and id_search_allowed(request.user)

    @property
    def search_fields(self) -> list[str]:
        return ["name", "id_number"] if self._full() else ["name"]

    @property
    def ordering_fields(self) -> list[str]:
        return ["name", "birth_date"] if self._full() else ["name"]

    @property
    def filterset_fields(self) -> list[str]:
        return ["gender"] if self._full() else []

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        people = args[0] if args else kwargs.get("instance")
        if people is not None:
            many = kwargs.get("many", False)
            shown = list(people) if many else [people]
            kwargs.setdefault("context", self.get_serializer_context())
            kwargs["context"]["personal"] = PersonalView(self.request.user, shown)
            if self.action in ("list", "retrieve"):
                audit_id_views(self.request.user, Person, shown, "api")
        return super().get_serializer(*args, **kwargs)

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
