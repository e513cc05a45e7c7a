"""Certification forms: they check what a person typed; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.certification.models import RECORDED_FIELDS, Certificate
from xuetu.certification.services import SCAN_MAX_BYTES, recordable_people
from xuetu.core.identifiers import mask_id_number
from xuetu.core.uploads import SCAN_KINDS, UploadField
from xuetu.core.validators import TextField, date_input
from xuetu.registry.models import Person

NUMBER_HELP = _(
    "Skill level certificate: a letter Y or S and 21 digits; the 16th character is the level "
    "(e.g. S000150000123243000045, level 3, 2024). Vocational qualification certificate: 16 "
    "digits; the 11th is the level (e.g. 1950012003300001, level 3). A number in another "
    "layout is recorded for the bureau's review."
)


class HolderField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} {mask_id_number(obj.id_number)}"


class CertificateForm(forms.ModelForm):
    holder = HolderField(label=_("holder"), queryset=Person.objects.all())
    scan = UploadField(
        label=_("scan"),
        kinds=SCAN_KINDS,
        max_bytes=SCAN_MAX_BYTES,
        required=False,
        help_text=_("PDF or image of the certificate, at most 10 MB."),
    )

    class Meta:
        model = Certificate
        fields = ["holder", *RECORDED_FIELDS, "scan"]
        help_texts = {"number": NUMBER_HELP}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issued_on"].widget = date_input(max=timezone.localdate().isoformat())
        if self.instance.pk:
            del self.fields["holder"]
            self.fields["kind"].disabled = True

    def for_user(self, user: Any) -> None:
        if "holder" in self.fields:
            field = self.fields["holder"]
            field.queryset = recordable_people(user).order_by("name", "pk")  # type: ignore[attr-defined]

    def validate_unique(self) -> None:
        """The service says it (without naming who holds the number)."""

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if "holder" in data:
            data["person"] = data.pop("holder")
        if not data.get("scan") or "scan" not in self.changed_data:
            data.pop("scan", None)
        if self.instance.pk:
            data.pop("kind", None)
        return data


class VerifyForm(forms.Form):
    comment = TextField(label=_("Review comment"), required=False, max_length=500)


class RejectForm(forms.Form):
    reason = TextField(
        label=_("Reason"),
        max_length=500,
        help_text=_("The recorder and the holder read it."),
    )
