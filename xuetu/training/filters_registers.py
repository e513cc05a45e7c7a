"""The filters of the registers API: a class, a module or an apprentice by id (one the user
may see; any other id is "not a valid choice", as a missing one), dates within 1900–2100."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from xuetu.core.filters import EnteredDateFilter, SafeFilterSet, SafeModelChoiceFilter
from xuetu.programmes.models import Cohort, Enrollment
from xuetu.training.choices import HoursStatus
from xuetu.training.models import Hours, Module, Session


def visible_cohorts(request):
    return Cohort.objects.for_user(request.user) if request else Cohort.objects.none()


def visible_modules(request):
    return Module.objects.for_user(request.user) if request else Module.objects.none()


def visible_enrollments(request):
    return Enrollment.objects.for_user(request.user) if request else Enrollment.objects.none()


class SessionFilter(SafeFilterSet):
    cohort = SafeModelChoiceFilter(label=_("class"), queryset=visible_cohorts)
    module = SafeModelChoiceFilter(label=_("module"), queryset=visible_modules)
    date = EnteredDateFilter(label=_("date"), field_name="date")
    date_after = EnteredDateFilter(label=_("from"), field_name="date", lookup_expr="gte")
    date_before = EnteredDateFilter(label=_("until"), field_name="date", lookup_expr="lte")

    class Meta:
        model = Session
        fields = ["cohort", "module", "date", "date_after", "date_before"]


class HoursFilter(SafeFilterSet):
    cohort = SafeModelChoiceFilter(label=_("class"), queryset=visible_cohorts)
    enrollment = SafeModelChoiceFilter(label=_("apprentice"), queryset=visible_enrollments)
    status = django_filters.ChoiceFilter(label=_("status"), choices=HoursStatus.choices)
    date_after = EnteredDateFilter(label=_("from"), field_name="date", lookup_expr="gte")
    date_before = EnteredDateFilter(label=_("until"), field_name="date", lookup_expr="lte")

    class Meta:
        model = Hours
        fields = ["cohort", "enrollment", "status", "date_after", "date_before"]
