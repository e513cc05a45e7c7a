import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from xuetu.certification.choices import ReviewStatus
from xuetu.certification.models import Certificate
from xuetu.registry.choices import CertificateType, SkillLevel


class CertificateFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=CertificateType.choices)
    level = django_filters.ChoiceFilter(label=_("level"), choices=SkillLevel.choices)
    review_status = django_filters.ChoiceFilter(
        label=_("review status"), choices=ReviewStatus.choices
    )

    class Meta:
        model = Certificate
        fields = ["kind", "level", "review_status"]


# A number, not SkillLevel's enum again: the schema names that set once (a class's level).
@extend_schema_field(OpenApiTypes.INT)
class LevelFilter(django_filters.NumberFilter):
    pass


class CertificateApiFilter(django_filters.FilterSet):
    level = LevelFilter(label=_("level"))

    class Meta:
        model = Certificate
        fields = ["kind", "level", "review_status", "occupation"]
