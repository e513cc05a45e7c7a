"""The forms of the register pages: today's register (one row per apprentice, present unless
tapped absent), evidence, corrections, disputes and their resolution. Each hands its values
to a service of training.services.registers, which says what is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xuetu.core.ids import MAX_ID
from xuetu.core.validators import DATE_BOUNDS, validate_entered_date, validate_line
from xuetu.programmes.models import Enrollment
from xuetu.training.choices import DisputeOutcome, EvidenceKind, HoursStatus, ModulePlace
from xuetu.training.models import Module
from xuetu.training.services.registers import Mark

DEFAULT_START = dt.time(8, 30)
DEFAULT_END = dt.time(12, 0)
TIME_ATTRS = {"type": "time", "class": "form-control form-control-lg", "step": "300"}


def _ids(values: list[str]) -> list[int] | None:
    """The posted enrollment ids, or None when one is not an id at all."""
    ids = []
    for value in values:
        if not value.isdigit() or not 0 < int(value) <= MAX_ID:
            return None
        ids.append(int(value))
    return ids


class RegisterForm(forms.Form):
    """One register: the module, the date and times, and each listed apprentice present or
    absent (the posted `enrollment` ids in the order of the rows, `present` the ticked ones)."""

    module = forms.ModelChoiceField(
        label=_("Module"),
        queryset=Module.objects.none(),
        widget=forms.Select(attrs={"class": "form-select form-select-lg"}),
    )
    date = forms.DateField(
        label=_("Date"),
        validators=[validate_entered_date],
        widget=forms.DateInput(
            attrs={"type": "date", "class": "form-control form-control-lg", **DATE_BOUNDS},
            format="%Y-%m-%d",
        ),
    )
    start_time = forms.TimeField(label=_("From"), widget=forms.TimeInput(TIME_ATTRS, "%H:%M"))
    end_time = forms.TimeField(label=_("To"), widget=forms.TimeInput(TIME_ATTRS, "%H:%M"))
    place = forms.ChoiceField(
        label=_("Place"),
        required=False,
        choices=[("", _("The module's place")), *ModulePlace.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        validators=[validate_line],
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args: Any, modules: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = modules  # type: ignore[attr-defined]  # a model choice

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        data = self.data
        ids = _ids(data.getlist("enrollment")) if hasattr(data, "getlist") else []
        present = _ids(data.getlist("present")) if hasattr(data, "getlist") else []
        if ids is None or present is None:
            raise ValidationError(_("Every apprentice must be on the class's roster."))
        if not ids:
            raise ValidationError(_("Mark at least one apprentice present or absent."))
        chosen = set(present)
        cleaned["attendance"] = [Mark(enrollment, enrollment in chosen) for enrollment in ids]
        return cleaned

    def service_fields(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        return {
            "module": values["module"],
            "date": values["date"],
            "start_time": values["start_time"],
            "end_time": values["end_time"],
            "attendance": values["attendance"],
            "place": values.get("place") or "",
            "note": values.get("note") or "",
        }


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=EvidenceKind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    upload = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control",
                "accept": "image/jpeg,image/png,application/pdf,video/mp4",
                "capture": "environment",
            }
        ),
    )


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        validators=[validate_line],
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=DisputeOutcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        validators=[validate_line],
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class CorrectForm(forms.Form):
    present = forms.TypedChoiceField(
        label=_("Attendance"),
        choices=[("1", _("Present")), ("0", _("Absent"))],
        coerce=lambda value: value == "1",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    minutes = forms.IntegerField(
        label=_("Minutes"),
        required=False,
        min_value=0,
        max_value=24 * 60,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        validators=[validate_line],
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class HoursFilterForm(forms.Form):
    """The class's hours list: by status, apprentice and date."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Every status")), *HoursStatus.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    apprentice = forms.TypedChoiceField(
        label=_("Apprentice"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    date = forms.DateField(
        label=_("Date"),
        required=False,
        validators=[validate_entered_date],
        widget=forms.DateInput(
            attrs={"type": "date", "class": "form-control form-control-sm", **DATE_BOUNDS},
            format="%Y-%m-%d",
        ),
    )

    def __init__(self, *args: Any, enrollments: list[Enrollment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["apprentice"].choices = [  # type: ignore[attr-defined]  # a choice field
            ("", _("Every apprentice")),
            *((e.pk, e.person.name) for e in enrollments),
        ]
