"""django-filter pieces whose id filters answer "no such choice" to impossible ids, and whose
date filters refuse a date outside 1900–2100 with the field's message (no filter adds days
to a date past the calendar's end)."""

import django_filters
from django.db import models
from django_filters import rest_framework as drf_filters
from django_filters.fields import ModelChoiceField

from xuetu.core.ids import SafeIdMixin
from xuetu.core.validators import EnteredDateField


class SafeFilterChoiceField(SafeIdMixin, ModelChoiceField):
    pass


class SafeModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SafeFilterChoiceField


class EnteredDateFilter(django_filters.DateFilter):
    field_class = EnteredDateField


class SafeFilterSet(drf_filters.FilterSet):
    FILTER_DEFAULTS = {
        **drf_filters.FilterSet.FILTER_DEFAULTS,
        models.DateField: {"filter_class": EnteredDateFilter},
        models.ForeignKey: {
            **drf_filters.FilterSet.FILTER_DEFAULTS[models.ForeignKey],
            "filter_class": SafeModelChoiceFilter,
        },
        models.OneToOneField: {
            **drf_filters.FilterSet.FILTER_DEFAULTS[models.OneToOneField],
            "filter_class": SafeModelChoiceFilter,
        },
    }


class SafeFilterBackend(drf_filters.DjangoFilterBackend):
    filterset_base = SafeFilterSet
