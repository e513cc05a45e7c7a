"""The work–study calendar's pages: the month grid of a class and of one apprentice, and the
forms and buttons that add, change and remove blocks. Every write is a calendar service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.core.access import CHANGE, can
from xuetu.core.views import ActionView, ObjectFormView, ScopedDetailView, ScopedUpdateView
from xuetu.programmes.models import Cohort, Enrollment
from xuetu.training.access import CALENDAR
from xuetu.training.choices import BlockPlace
from xuetu.training.models import Block
from xuetu.training.services import calendar

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BlockForm(forms.ModelForm):
    class Meta:
        model = Block
        fields = ["place", "starts_on", "ends_on", "note"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args: Any, cohort: Cohort | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if cohort is not None:
            self.instance.cohort = cohort

    def _post_clean(self) -> None:
        # The rules (dates, overlaps) are the service's: no model validation here.
        pass


class MonthMixin:
    request: Any

    def month_context(self, cohort: Cohort, enrollment: Enrollment | None) -> dict[str, Any]:
        first, understood = calendar.parse_month(
            self.request.GET.get("month"), timezone.localdate()
        )
        marks = hours_marks(self.request.user, enrollment, first) if enrollment else None
        return {
            "weeks": calendar.month_grid(cohort, first, enrollment=enrollment, marks=marks),
            "month": first,
            "month_bad": not understood,
            "previous_month": calendar.shift_month(first, -1),
            "next_month": calendar.shift_month(first, 1),
            "places": BlockPlace,
            "with_pauses": enrollment is not None,
        }


def hours_marks(user: Any, enrollment: Enrollment, first: Any) -> dict[Any, list[str]]:
    """The apprentice's hours on each day of the month (present, not cancelled), as the user
    may read them: one query."""
    from django.db.models import Sum

    from xuetu.core.dates import add_months
    from xuetu.training.choices import STANDING_HOURS
    from xuetu.training.models import Hours

    rows = (
        Hours.objects.for_user(user)
        .filter(
            enrollment=enrollment,
            present=True,
            status__in=STANDING_HOURS,
            date__gte=first,
            date__lt=add_months(first, 1),
        )
        .values_list("date")
        .annotate(minutes=Sum("minutes"))
    )
    return {day: [str(_("%(hours)s h") % {"hours": f"{m / 60:g}"})] for day, m in rows}


class CohortCalendar(MonthMixin, ScopedDetailView):
    """The class's month calendar and its blocks; for the parties, the forms."""

    model = Cohort
    template_name = "training/calendar_cohort.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cohort, user = self.object, self.request.user
        open_ = cohort.status in calendar.CALENDAR_STATUSES
        context.update(
            self.month_context(cohort, None),
            blocks=list(calendar.calendar_blocks(cohort)),
            may_change=open_ and can(user, CALENDAR, cohort),
        )
        return context


class EnrollmentCalendar(MonthMixin, ScopedDetailView):
    """One apprentice's month: the class's blocks, their pauses and withdrawal over them."""

    model = Enrollment
    template_name = "training/calendar_enrollment.html"

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("cohort", "person")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.month_context(self.object.cohort, self.object))
        return context


class BlockAdd(ObjectFormView):
    model = Cohort
    access = CALENDAR
    form_class = BlockForm
    form_object = "cohort"
    service = calendar.block_add
    service_object = "cohort"
    title = _("Add a work–study block")
    done = _("The block is added.")

    def success_url(self, result: Any) -> str:  # type: ignore[override]  # the kit's: a method
        return calendar_url(self.object, result.starts_on)


def calendar_url(cohort: Cohort, day: Any) -> str:
    from django.urls import reverse

    return f"{reverse('training:cohort_calendar', args=[cohort.pk])}?month={day:%Y-%m}"


class BlockDetail(ScopedDetailView):
    model = Block
    template_name = "training/block_detail.html"

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("cohort")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        block = self.object
        context["may_change"] = block.cohort.status in calendar.CALENDAR_STATUSES and can(
            self.request.user, CHANGE, block
        )
        return context


class BlockEdit(ScopedUpdateView):
    model = Block
    form_class = BlockForm
    service = calendar.block_update
    service_object = "block"
    title = _("Change the block")
    done = _("The block is saved.")

    def success_url(self, result: Any) -> str:  # type: ignore[override]  # the kit's: a method
        return calendar_url(result.cohort, result.starts_on)


class BlockRemove(ActionView, BlockDetail):
    service = calendar.block_remove
    service_object = "block"
    title = _("Remove the block")
    done = _("The block is removed.")

    def consequence(self, data: dict[str, Any]) -> Any:
        return _("The block %(block)s will be removed from the class's calendar.") % {
            "block": self.object
        }

    def told(self, data: dict[str, Any]) -> list[str]:
        return []

    def object_url(self, obj: models.Model) -> str:
        return calendar_url(self.object.cohort, self.object.starts_on)
