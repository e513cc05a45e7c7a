"""Enterprise mentors and institution teachers through the API."""

from __future__ import annotations

from rest_framework import serializers

from xuetu.accounts.models import Organisation
from xuetu.core.api import ScopedRelatedField, ScopedViewSet
from xuetu.core.views import any_manager
from xuetu.programmes import services
from xuetu.programmes.models import Mentor
from xuetu.registry.models import Occupation, Person


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


class MentorViewSet(ScopedViewSet):
    """Enterprise mentors and institution teachers."""

    model = Mentor
    serializer_class = MentorSerializer
    search_fields = ["person__name"]
    ordering_fields = ["person__name"]
    may_create = any_manager
    create_service = services.mentor_create
    update_service = services.mentor_update
    fixed_on_update = ("person", "organisation", "kind")

    def get_queryset(self):
        return super().get_queryset().select_related("person", "organisation")
