import django_filters
from django.utils.translation import gettext_lazy as _

from xuetu.core.filters import SafeModelChoiceFilter
from xuetu.registry.choices import EnterpriseSize, Gender, InstitutionType
from xuetu.registry.models import (
    District,
    Enterprise,
    IndustryChain,
    IndustryCluster,
    Institution,
    Occupation,
    Person,
)


class EnterpriseFilter(django_filters.FilterSet):
    district = SafeModelChoiceFilter(label=_("district"), queryset=District.objects.all())
    size = django_filters.ChoiceFilter(label=_("size"), choices=EnterpriseSize.choices)
    chains = SafeModelChoiceFilter(label=_("industry chain"), queryset=IndustryChain.objects.all())
    sort_fields = {"name": "name", "uscc": "uscc", "district": "district__code", "size": "size"}

    class Meta:
        model = Enterprise
        fields = ["district", "size", "chains"]


class InstitutionFilter(django_filters.FilterSet):
    district = SafeModelChoiceFilter(label=_("district"), queryset=District.objects.all())
    institution_type = django_filters.ChoiceFilter(
        label=_("institution type"), choices=InstitutionType.choices
    )
    sort_fields = {"name": "name", "district": "district__code"}

    class Meta:
        model = Institution
        fields = ["district", "institution_type"]


class PersonFilter(django_filters.FilterSet):
    gender = django_filters.ChoiceFilter(label=_("gender"), choices=Gender.choices)

    class Meta:
        model = Person
        fields = ["gender"]


class IndustryChainFilter(django_filters.FilterSet):
    cluster = SafeModelChoiceFilter(label=_("cluster"), queryset=IndustryCluster.objects.all())

    class Meta:
        model = IndustryChain
        fields = ["cluster"]


class OccupationFilter(django_filters.FilterSet):
    chains = SafeModelChoiceFilter(label=_("industry chain"), queryset=IndustryChain.objects.all())

    class Meta:
        model = Occupation
        fields = ["chains"]
