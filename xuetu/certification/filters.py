import django_filters
from django.utils.translation import gettext_lazy as _

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
