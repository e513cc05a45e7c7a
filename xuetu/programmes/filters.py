import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from xuetu.programmes.choices import CohortStatus, MentorKind, TrainingMode
from xuetu.programmes.models import Cohort, CooperationAgreement, Mentor
from xuetu.registry.choices import SkillLevel

CONFIRMED = "confirmed"
UNCONFIRMED = "unconfirmed"


class AgreementFilter(django_filters.FilterSet):
    confirmation = django_filters.ChoiceFilter(
        label=_("confirmation"),
        choices=[
            (CONFIRMED, _("Confirmed by both sides")),
            (UNCONFIRMED, _("Awaiting confirmation")),
        ],
        method="filter_confirmation",
    )
    training_mode = django_filters.ChoiceFilter(
        label=_("training mode"), choices=TrainingMode.choices
    )

    class Meta:
        model = CooperationAgreement
        fields = ["confirmation", "training_mode"]

    def filter_confirmation(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        both = Q(enterprise_confirmed_at__isnull=False, institution_confirmed_at__isnull=False)
        return queryset.filter(both) if value == CONFIRMED else queryset.exclude(both)


class MentorFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=MentorKind.choices)
    is_active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = Mentor
        fields = ["kind", "is_active"]


class CohortFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=CohortStatus.choices)
    target_level = django_filters.ChoiceFilter(label=_("target level"), choices=SkillLevel.choices)

    class Meta:
        model = Cohort
        fields = ["status", "target_level"]
