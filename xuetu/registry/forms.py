from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.core.identifiers import check_uscc, parse_resident_id, validate_mobile
from xuetu.core.validators import LineField
from xuetu.registry.models import (
    District,
    Enterprise,
    IndustryChain,
    IndustryCluster,
    Institution,
    Occupation,
    Person,
)
from xuetu.registry.services import BUREAU_FACTS, district_require_in_force, may_change_facts


class DistrictForm(forms.ModelForm):
    class Meta:
        model = District
        fields = ["code", "name", "name_en", "valid_from", "valid_to", "successors"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
            "successors": forms.CheckboxSelectMultiple,
        }


def offer_districts_in_force(field: forms.Field, current_id: int | None = None) -> None:
    """The picker offers the districts in force (and the one already chosen); a district
    posted anyway is refused by the service with its successors named, not as an unknown
    choice."""
    offered = District.objects.in_force(timezone.localdate())
    if current_id is not None:
        offered = offered | District.objects.filter(pk=current_id)
    field.widget.choices = forms.ModelChoiceField(queryset=offered).choices


def clean_district_in_force(form: forms.BaseForm, current_id: int | None) -> District | None:
    district = form.cleaned_data.get("district")
    if district is not None and district.pk != current_id:
        try:
            district_require_in_force(district)
        except ValidationError as error:
            raise ValidationError(error.message_dict["district"]) from error
    return district


class IndustryClusterForm(forms.ModelForm):
    class Meta:
        model = IndustryCluster
        fields = ["code", "name", "name_en", "sort"]


class IndustryChainForm(forms.ModelForm):
    class Meta:
        model = IndustryChain
        fields = ["code", "name", "name_en", "cluster"]


class OccupationForm(forms.ModelForm):
    class Meta:
        model = Occupation
        fields = ["code", "name", "name_en", "levels", "chains"]
        widgets = {"chains": forms.CheckboxSelectMultiple}


class EnterpriseForm(forms.ModelForm):
    accept_reason = LineField(
        label=_("Reason for accepting a failing check character"),
        required=False,
        max_length=200,
        help_text=_("City administrators only: some real codes fail the GB 32100 check."),
    )

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "uscc",
            "district",
            "size",
            "chains",
            "skilled_worker_share",
            "address",
            "contact_name",
            "contact_phone",
        ]
        widgets = {"chains": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].required = True
        cast(forms.CharField, self.fields["uscc"]).max_length = 40
        self.fields["uscc"].validators = []

    def clean_district(self) -> District | None:
        return clean_district_in_force(self, self.instance.district_id)

    def for_user(self, user) -> None:
        """The bureau's facts are shown as text to whoever may not change them."""
        if self.instance.pk and not may_change_facts(user, self.instance):
            for name in BUREAU_FACTS:
                del self.fields[name]
            del self.fields["accept_reason"]
        if "district" in self.fields:  # after the choices are narrowed to the user's
            offer_districts_in_force(self.fields["district"], self.instance.district_id)

    def clean_uscc(self) -> str:
        # The format here; a failing check character is the service's warning to accept.
        return check_uscc(self.cleaned_data["uscc"]).number


class FactsRequestForm(forms.Form):
    """An enterprise asks the bureau to change its name, USCC or district."""

    name = forms.CharField(label=_("name"), max_length=200)
    uscc = forms.CharField(label=_("unified social credit code"), max_length=40)
    district = forms.ModelChoiceField(label=_("district"), queryset=District.objects.all())
    reason = forms.CharField(
        label=_("reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say why, e.g. the business licence was changed on a date."),
    )


class InstitutionForm(forms.ModelForm):
    def clean_uscc(self) -> str | None:
        raw = self.cleaned_data.get("uscc")
        return check_uscc(raw).number if raw else None

    class Meta:
        model = Institution
        fields = [
            "name",
            "uscc",
            "district",
            "institution_type",
            "address",
            "contact_name",
            "contact_phone",
        ]


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "name",
            "id_number",
            "phone",
            "education",
            "is_full_time_student",
            "is_pensioner",
        ]
        widgets = {"id_number": forms.TextInput(attrs={"autocomplete": "off"})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Room for spaces, full-width digits or an apostrophe, which cleaning removes.
        cast(forms.CharField, self.fields["id_number"]).max_length = 40
        self.fields["id_number"].validators = []
        self.fields["id_number"].widget.attrs["maxlength"] = 40
        cast(forms.CharField, self.fields["phone"]).max_length = 30
        self.fields["phone"].validators = []
        self.fields["phone"].widget.attrs.update(maxlength=30, inputmode="tel")

    def validate_unique(self) -> None:
        # A registered number is the service's to answer (it links the person when the name
        # matches): "already exists" would tell whose number it is.
        exclude = self._get_validation_exclusions() | {"id_number"}  # type: ignore[attr-defined]  # Django's, unstubbed
        try:
            self.instance.validate_unique(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)  # type: ignore[attr-defined]  # as Django's own

    def clean_id_number(self) -> str:
        resident = parse_resident_id(self.cleaned_data["id_number"])
        self.instance.gender, self.instance.birth_date = resident.gender, resident.birth_date
        return resident.number

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        return validate_mobile(phone) if phone else ""


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("comment"), required=False, max_length=1000, widget=forms.Textarea({"rows": 2})
    )


class RefusalForm(forms.Form):
    comment = forms.CharField(
        label=_("reason for the refusal"), max_length=1000, widget=forms.Textarea({"rows": 2})
    )
