import re

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import District
from xuetu.core.filters import EnteredDateFilter, SafeModelChoiceFilter
from xuetu.core.identifiers import normalise_id_number
from xuetu.programmes.choices import CohortStatus, MentorKind, TrainingMode
from xuetu.programmes.models import Cohort, CooperationAgreement, Enrollment, Mentor
from xuetu.registry.choices import SkillLevel
from xuetu.registry.masking import id_search_allowed
from xuetu.registry.models import Enterprise, Institution, Occupation

CONFIRMED = "confirmed"
UNCONFIRMED = "unconfirmed"
YES, NO = "yes", "no"
# A whole resident ID number (18 characters, or the old 15 digits): only such a number is
# looked up, and only as a whole, so no prefix of anyone's number can be probed.
WHOLE_ID_NUMBER = re.compile(r"\d{17}[\dX]|\d{15}")


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
    sort_fields = {
        "number": "number",
        "enterprise": "enterprise__name",
        "institution": "institution__name",
        "valid_from": "valid_from",
    }

    class Meta:
        model = CooperationAgreement
        fields = ["confirmation", "training_mode"]

    def filter_confirmation(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        both = Q(enterprise_confirmed_at__isnull=False, institution_confirmed_at__isnull=False)
        return queryset.filter(both) if value == CONFIRMED else queryset.exclude(both)


class MentorFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=MentorKind.choices)
    # A choice with an empty "Active: all" rather than Django's unlabelled Unknown/Yes/No.
    is_active = django_filters.ChoiceFilter(
        label=_("active"),
        choices=[(YES, _("Active mentors")), (NO, _("Inactive mentors"))],
        method="filter_active",
    )
    sort_fields = {
        "name": "person__name",
        "kind": "kind",
        "organisation": "organisation__name",
        "certificate_level": "certificate_level",
    }

    class Meta:
        model = Mentor
        fields = ["kind", "is_active"]

    def filter_active(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(is_active=value == YES)


class CohortFilter(django_filters.FilterSet):
    """The class list's filters; each chooser offers only what the user's classes hold."""

    status = django_filters.ChoiceFilter(label=_("status"), choices=CohortStatus.choices)
    target_level = django_filters.ChoiceFilter(label=_("target level"), choices=SkillLevel.choices)
    district = SafeModelChoiceFilter(
        label=_("district"), field_name="enterprise__district", queryset=District.objects.all()
    )
    enterprise = SafeModelChoiceFilter(label=_("enterprise"), queryset=Enterprise.objects.all())
    institution = SafeModelChoiceFilter(label=_("institution"), queryset=Institution.objects.all())
    occupation = SafeModelChoiceFilter(label=_("occupation"), queryset=Occupation.objects.all())
    start_from = EnteredDateFilter(
        label=_("planned start from"), field_name="planned_start", lookup_expr="gte"
    )
    start_to = EnteredDateFilter(
        label=_("planned start to"), field_name="planned_start", lookup_expr="lte"
    )
    apprentice = django_filters.CharFilter(
        label=_("apprentice's name or ID number"), method="filter_apprentice"
    )
    sort_fields = {
        "code": "code",
        "name": "name",
        "status": "status",
        "enterprise": "enterprise__name",
        "institution": "institution__name",
        "occupation": "occupation__code",
        "planned_start": "planned_start",
        "roster": "roster_count",  # CohortList's annotation
    }

    class Meta:
        model = Cohort
        fields = ["status", "target_level"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is None:
            return
        seen = Cohort.objects.for_user(user)
        narrowed = {
            "district": Q(pk__in=seen.values("enterprise__district")),
            "enterprise": Q(pk__in=seen.values("enterprise")),
            "institution": Q(pk__in=seen.values("institution")),
            "occupation": Q(pk__in=seen.values("occupation")),
        }
        for name, condition in narrowed.items():
            field = self.form.fields[name]
            field.queryset = field.queryset.filter(condition)

    def filter_apprentice(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Classes with the apprentice on a roster the user may see: by a part of the name,
        or by the whole ID number for a role that sees full numbers (registry.masking)."""
        text = value.strip()
        if not text:
            return queryset
        user = getattr(self.request, "user", None)
        number = normalise_id_number(text)
        if WHOLE_ID_NUMBER.fullmatch(number):
            if not id_search_allowed(user):
                return queryset.none()
            match = Q(person__id_number=number)
        else:
            match = Q(person__name__icontains=text)
        rosters = Enrollment.objects.for_user(user).filter(match)
        return queryset.filter(pk__in=rosters.values("cohort"))
