"""Programmes forms: they check what a person typed; the services check the rules.

Every model-choice field is narrowed to what the user may see by the scoped views
(`restrict_choices`); the querysets set here narrow it further to what fits the object.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.forms.models import ModelChoiceIterator
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.choices import OrganisationKind
from xuetu.accounts.models import Organisation
from xuetu.core.identifiers import parse_resident_id
from xuetu.core.uploads import SCAN_KINDS, XLSX, check_upload, suffixes_of
from xuetu.core.validators import EnteredDateField, LineField, TextField, date_input
from xuetu.programmes import rules, selectors
from xuetu.programmes.choices import (
    TRANSFER_TARGET_STATUSES,
    ApprenticeCategory,
    MentorKind,
    WithdrawalReason,
)
from xuetu.programmes.models import (
    MENTOR_RATIO_BOUNDS,
    Cohort,
    CooperationAgreement,
    Enrollment,
    EnrollmentEvent,
    Mentor,
)
from xuetu.programmes.rules import TRACK_GENDER
from xuetu.registry.models import Enterprise, Person, RetirementTrack

SCAN_MAX_BYTES = 10 * 1024 * 1024
ROSTER_MAX_BYTES = 5 * 1024 * 1024


def date_field(label: Any, **kwargs: Any) -> forms.DateField:
    """A date someone enters: 1900 to 2100, with the browser's date picker."""
    return EnteredDateField(label=label, **kwargs)


def one_choice_hidden(
    field: forms.ModelChoiceField, form: forms.BaseForm | None = None, name: str = ""
) -> None:
    """A choice with only one answer is not asked: it is filled in and hidden. A model
    form's own initial values (None for a new object's fields) win over the field's, so a
    model field also needs its `form` and `name` to be chosen."""
    assert field.queryset is not None  # every form sets it
    only = list(field.queryset[:2])
    if len(only) == 1:
        # Disabled: the form takes the initial value whatever is posted.
        field.initial, field.disabled = only[0].pk, True
        field.widget = forms.HiddenInput()
        if form is not None:
            form.initial[name] = only[0].pk


# Agreements ---------------------------------------------------------------------------------
class AgreementForm(forms.ModelForm):
    class Meta:
        model = CooperationAgreement
        fields = [
            "enterprise",
            "institution",
            "valid_from",
            "valid_to",
            "training_mode",
            "fee_per_apprentice",
            "duties",
            "scan",
        ]
        widgets = {
            "valid_from": date_input(),
            "valid_to": date_input(),
            "duties": forms.Textarea(attrs={"rows": 4}),
            "scan": forms.FileInput(attrs={"accept": ",".join(suffixes_of(SCAN_KINDS))}),
        }
        help_texts = {
            "scan": _("PDF or image of the signed agreement, at most 10 MB."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The parties of an agreement are what it is; a new pair is a new agreement.
            del self.fields["enterprise"], self.fields["institution"]

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if scan and "scan" in self.changed_data:
            check_upload(scan, kinds=SCAN_KINDS, max_bytes=SCAN_MAX_BYTES)
        return scan

    def service_fields(self) -> dict[str, Any]:
        """What the agreement services take: a scan only when a new one was uploaded."""
        data = dict(self.cleaned_data)
        if "scan" not in self.changed_data or not data.get("scan"):
            data.pop("scan", None)
        return data


# People by resident ID number ------------------------------------------------------------------
class PersonByIdMixin(forms.Form):
    """A person picked by ID number and name: someone already registered must match both,
    someone new is registered. Whether they match is the service's answer (counted and
    audited there, so the form tells nobody whose number it is)."""

    id_number = forms.CharField(
        label=_("resident ID number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    person_name = LineField(label=_("full name"), max_length=60)

    def clean_id_number(self) -> str:
        return parse_resident_id(self.cleaned_data["id_number"]).number


# Mentors ----------------------------------------------------------------------------------
MENTOR_FIELDS = [
    "occupation",
    "certificate_level",
    "certificate_number",
    "recognised",
    "recognition_reason",
    "recognition_approved_by",
    "years_experience",
    "capacity",
]


class MentorForm(forms.ModelForm):
    class Meta:
        model = Mentor
        fields = [*MENTOR_FIELDS, "is_active"]


class MentorCreateForm(PersonByIdMixin, forms.ModelForm):
    organisation = forms.ModelChoiceField(
        label=_("organisation"), queryset=Organisation.objects.none()
    )

    class Meta:
        model = Mentor
        fields = MENTOR_FIELDS

    field_order = ["organisation", "id_number", "person_name", *MENTOR_FIELDS]

    def for_user(self, user) -> None:
        """The organisations the user manages (the page calls this before validating)."""
        kinds = [OrganisationKind.ENTERPRISE, OrganisationKind.INSTITUTION]
        field = cast(forms.ModelChoiceField, self.fields["organisation"])
        field.queryset = Organisation.objects.manageable_by(user).filter(kind__in=kinds)
        one_choice_hidden(field)


class AppointmentForm(forms.Form):
    term_start = date_field(_("term start"))
    term_end = date_field(_("term end"))
    cohort = forms.ModelChoiceField(
        label=_("class"),
        queryset=Cohort.objects.none(),
        required=False,
        help_text=_("Optional: the class the mentor is appointed for."),
    )

    def __init__(self, *args: Any, mentor: Mentor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        runs = Q(enterprise_id=mentor.organisation_id) | Q(institution_id=mentor.organisation_id)
        field = cast(forms.ModelChoiceField, self.fields["cohort"])
        field.queryset = Cohort.objects.filter(runs).order_by("-planned_start")


# Classes (cohorts) ------------------------------------------------------------------------
class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = [
            "name",
            "enterprise",
            "institution",
            "agreement",
            "occupation",
            "target_level",
            "planned_start",
            "planned_end",
            "special_approval",
            "planned_headcount",
            "training_mode",
            "plan_summary",
        ]
        widgets = {
            "planned_start": date_input(),
            "planned_end": date_input(),
            "plan_summary": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "institution": _("Leave empty to use the agreement's institution."),
            "special_approval": _("Only for a class longer than two years."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].required = False
        if self.instance.pk:
            del self.fields["enterprise"]
        agreement = cast(forms.ModelChoiceField, self.fields["agreement"])
        agreement.queryset = CooperationAgreement.objects.select_related("institution")
        agreement.label_from_instance = agreement_label  # type: ignore[method-assign,assignment]  # a label per instance

    def for_user(self, user) -> None:
        """A new class is for an enterprise the user manages (the page calls this); with one
        enterprise it is chosen, and so is its agreement when it has only one."""
        if "enterprise" not in self.fields:
            return
        field = cast(forms.ModelChoiceField, self.fields["enterprise"])
        field.queryset = Enterprise.objects.manageable_by(user)
        one_choice_hidden(field, self, "enterprise")
        if field.disabled:
            agreements = cast(forms.ModelChoiceField, self.fields["agreement"])
            assert agreements.queryset is not None  # set in __init__
            agreements.queryset = agreements.queryset.filter(enterprise_id=field.initial)
            only = list(agreements.queryset[:2])
            if len(only) == 1 and not self.initial.get("agreement"):
                self.initial["agreement"] = only[0].pk

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("institution") and data.get("agreement"):
            data["institution"] = data["agreement"].institution
        return data

    def _post_clean(self) -> None:
        # The services check the class (they run the same checks on every path); the model's
        # own validation would complain first, and about a missing code the service assigns.
        pass


def agreement_label(agreement: CooperationAgreement) -> str:
    """ "XY-2026-01 · 重庆工贸职业技术学院 · 2026-01-01–2028-12-31": a clerk picks an agreement
    by its partner and period, not by its number alone."""
    period = "–".join(
        formats.date_format(d, "Y-m-d") for d in (agreement.valid_from, agreement.valid_to)
    )
    return f"{agreement.number} · {agreement.institution.name} · {period}"


class StartForm(forms.Form):
    on = date_field(_("actual start date"), help_text=_("The day the training really began."))


class CohortCompleteForm(forms.Form):
    on = date_field(_("actual end date"), help_text=_("The day the training really ended."))


class ReviewForm(forms.Form):
    comment = TextField(
        label=_("Review comment"),
        required=False,
        max_length=2000,
        help_text=_("Required to return or reject: say what to change, or why."),
    )


class RosterImportForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (.xlsx)"),
        widget=forms.FileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload, kinds=[XLSX], max_bytes=ROSTER_MAX_BYTES)
        return upload


def cohort_mentors(cohort: Cohort, kind: str):
    organisation = cohort.enterprise_id if kind == MentorKind.ENTERPRISE else cohort.institution_id
    return (
        Mentor.objects.filter(organisation_id=organisation, kind=kind, is_active=True)
        .select_related("person")
        .order_by("person__name")
    )


class LeftOutNote:
    """A mentor picker's help text: the mentors it leaves out, each with the reason, so a
    clerk knows why someone is missing. Rendered when shown, from the picker's candidates as
    they are then (after the page narrowed them to what the user sees)."""

    def __init__(self, field: AssignableMentorField) -> None:
        self.field = field

    def __bool__(self) -> bool:
        return bool(self.field.left_out())

    def __str__(self) -> str:
        context = {"left_out": self.field.left_out()}
        return render_to_string("programmes/_mentors_left_out.html", context)

    def __html__(self) -> str:
        return str(self)  # the template escaped what it shows


class OfferedMentors(ModelChoiceIterator):
    """The choices of an `AssignableMentorField`: its candidates who may take one more."""

    def __iter__(self) -> Iterator[Any]:
        self.queryset = cast(AssignableMentorField, self.field).offered()
        return super().__iter__()

    def __len__(self) -> int:
        self.queryset = cast(AssignableMentorField, self.field).offered()
        return super().__len__()

    def __bool__(self) -> bool:
        self.queryset = cast(AssignableMentorField, self.field).offered()
        return super().__bool__()


class AssignableMentorField(forms.ModelChoiceField):
    """A mentor picker that offers only the candidates (its queryset, narrowed by the page to
    what the user sees) who may take one more apprentice: qualified, with room
    (`rules.unassignable_reason`); `assignable_for` says for which class and which
    enrollments are leaving. The services check the same again on saving."""

    iterator = OfferedMentors

    def __init__(self, **kwargs: Any) -> None:
        self.terms: tuple[dt.date, int | None, tuple[int, ...]] | None = None
        # The candidates last judged and the verdict: new candidates (the page narrowed
        # them to what the user sees) are judged again.
        self._judgement: tuple[QuerySet, set[int], list[tuple[Mentor, Any]]] | None = None
        super().__init__(queryset=Mentor.objects.none(), **kwargs)

    def assignable_for(
        self, candidates: QuerySet, cohort: Cohort, *, leaving: Iterable[int] = ()
    ) -> None:
        """The policy of the class's start and its approved ratio, as `check_mentors` reads."""
        self.terms = (cohort.planned_start, cohort.mentor_ratio_exception, tuple(leaving))
        self.queryset = candidates
        # Shown where the generic field template shows help; a lazy text, rendered then.
        self.help_text = cast(str, LeftOutNote(self))

    def offered(self) -> QuerySet:
        assert self.queryset is not None  # set in __init__
        if self.terms is None:
            return self.queryset
        return self.queryset.filter(pk__in=self._judged()[0])

    def to_python(self, value: Any) -> Mentor | None:
        mentor = super().to_python(value)
        if mentor is not None and self.terms is not None and mentor.pk not in self._judged()[0]:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return mentor

    def left_out(self) -> list[tuple[Mentor, Any]]:
        return self._judged()[1] if self.terms is not None else []

    def _judged(self) -> tuple[set[int], list[tuple[Mentor, Any]]]:
        """Each candidate judged once, in a fixed number of queries however many there are."""
        assert self.terms is not None and self.queryset is not None
        if self._judgement is None or self._judgement[0] is not self.queryset:
            on, ratio, leaving = self.terms
            mentors = list(self.queryset.select_related("person"))
            loads = selectors.mentor_loads([m.pk for m in mentors], exclude=leaving)
            policy = selectors.current_policy(on)
            offered: set[int] = set()
            left_out: list[tuple[Mentor, Any]] = []
            for mentor in mentors:
                facts = selectors.mentor_facts(mentor, load=loads[mentor.pk])
                reason = rules.unassignable_reason(facts, policy, ratio=ratio)
                if reason is None:
                    offered.add(mentor.pk)
                else:
                    left_out.append((mentor, reason.message))
            self._judgement = (self.queryset, offered, left_out)
        return self._judgement[1], self._judgement[2]


ROLES = (
    ("enterprise_mentor", MentorKind.ENTERPRISE),
    ("institution_mentor", MentorKind.INSTITUTION),
)


class EnrollmentCreateForm(PersonByIdMixin, forms.Form):
    category = forms.ChoiceField(label=_("category"), choices=ApprenticeCategory.choices)
    contract_start = date_field(_("labour contract start"))
    contract_end = date_field(
        _("labour contract end"), required=False, help_text=_("Empty: open-ended contract.")
    )
    social_insurance = forms.BooleanField(
        label=_("social insurance paid"), required=False, initial=True
    )
    enterprise_mentor = AssignableMentorField(label=_("enterprise mentor"), required=False)
    institution_mentor = AssignableMentorField(label=_("institution teacher"), required=False)
    leaving: tuple[int, ...] = ()  # the enrollment whose place is taken (a substitution)

    def __init__(self, *args: Any, cohort: Cohort, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for role, kind in ROLES:
            field = cast(AssignableMentorField, self.fields[role])
            field.assignable_for(cohort_mentors(cohort, kind), cohort, leaving=self.leaving)


# Enrollments: changes after approval -------------------------------------------------------
class WithdrawForm(forms.Form):
    on = date_field(_("withdrawal date"))
    reason = forms.ChoiceField(label=_("reason"), choices=WithdrawalReason.choices)
    note = LineField(label=_("note"), max_length=300, required=False)


class PauseForm(forms.Form):
    on = date_field(_("paused from"))


class CompleteForm(forms.Form):
    on = date_field(_("completed on"))


class ResumeForm(forms.Form):
    on = date_field(_("resumed on"))


class ChangeMentorForm(forms.Form):
    kind = forms.ChoiceField(label=_("role"), choices=MentorKind.choices)
    mentor = AssignableMentorField(label=_("new mentor"))
    effective_date = date_field(_("effective date"))

    def __init__(self, *args: Any, enrollment: Enrollment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cohort = enrollment.cohort
        candidates = (
            Mentor.objects.filter(
                organisation_id__in=[cohort.enterprise_id, cohort.institution_id], is_active=True
            )
            .select_related("person")
            .order_by("kind", "person__name")
        )
        field = cast(AssignableMentorField, self.fields["mentor"])
        field.assignable_for(candidates, cohort, leaving=[enrollment.pk])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        mentor, kind = data.get("mentor"), data.get("kind")
        if mentor is not None and kind and mentor.kind != kind:
            self.add_error("mentor", _("This person is not appointed in that role."))
        return data


class TransferForm(forms.Form):
    to = forms.ModelChoiceField(label=_("to the class"), queryset=Cohort.objects.none())
    effective_date = date_field(_("effective date"))
    enterprise_mentor = AssignableMentorField(
        label=_("enterprise mentor in the new class"), required=False
    )
    institution_mentor = AssignableMentorField(
        label=_("institution teacher in the new class"), required=False
    )

    def __init__(self, *args: Any, enrollment: Enrollment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = enrollment.cohort
        # Only another approved or training class of the same enterprise, occupation and a
        # level not lower; the mentors of those classes (the service checks both again).
        targets = (
            Cohort.objects.filter(
                enterprise_id=source.enterprise_id,
                occupation_id=source.occupation_id,
                target_level__gte=source.target_level,
                status__in=TRANSFER_TARGET_STATUSES,
            )
            .exclude(pk=source.pk)
            .select_related("occupation")
            .order_by("-planned_start")
        )
        cast(forms.ModelChoiceField, self.fields["to"]).queryset = targets
        # Judged as for the first target class (the latest); the service judges the chosen.
        first = targets.first() or source
        for role, kind in ROLES:
            of_targets = Mentor.objects.filter(kind=kind, is_active=True).filter(
                Q(appointments__cohort__in=targets)
                | Q(pk__in=Enrollment.objects.filter(cohort__in=targets).values(f"{role}_id"))
            )
            field = cast(AssignableMentorField, self.fields[role])
            candidates = of_targets.distinct().select_related("person")
            field.assignable_for(candidates, first, leaving=[enrollment.pk])


class SubstituteForm(EnrollmentCreateForm):
    """The apprentice who takes a withdrawn one's place, from an effective date."""

    effective_date = date_field(_("effective date"))

    def __init__(self, *args: Any, enrollment: Enrollment, **kwargs: Any) -> None:
        self.leaving = (enrollment.pk,)  # the withdrawn apprentice's mentors have their place
        super().__init__(*args, cohort=enrollment.cohort, **kwargs)


ENROLLMENT_ACTION_FORMS: dict[str, type[forms.Form]] = {
    "withdraw": WithdrawForm,
    "pause": PauseForm,
    "complete": CompleteForm,
    "resume": ResumeForm,
    "change_mentor": ChangeMentorForm,
    "transfer": TransferForm,
    "substitute": SubstituteForm,
}


# Recorded exceptions (services.exceptions) and reversals (services.lifecycle) ---------------
def reason_field() -> LineField:
    return LineField(
        label=_("reason"),
        max_length=300,
        help_text=_("Kept with the decision and in the audit log."),
    )


class MentorRatioForm(forms.Form):
    ratio = forms.IntegerField(
        label=_("approved apprentices per enterprise mentor"),
        required=False,
        min_value=MENTOR_RATIO_BOUNDS[0],
        max_value=MENTOR_RATIO_BOUNDS[1],
        help_text=_("Blank: the policy's ratio applies again."),
    )
    reason = reason_field()


class EarlyConsentForm(forms.Form):
    allowed_from = date_field(
        _("allowed from"),
        required=False,
        help_text=_("The earliest date allowed. Blank: the consent is withdrawn."),
    )
    reason = reason_field()


class RetirementTrackForm(forms.Form):
    track = forms.ChoiceField(label=_("original retirement age"), required=False)
    reason = reason_field()

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        default = _("Default for the gender")
        tracks = [(k, v) for k, v in RetirementTrack.choices if TRACK_GENDER[k] == person.gender]
        cast(forms.ChoiceField, self.fields["track"]).choices = [("", default), *tracks]


class ReversalForm(forms.Form):
    event = forms.ModelChoiceField(
        queryset=EnrollmentEvent.objects.none(), widget=forms.HiddenInput
    )
    reason = reason_field()

    def __init__(self, *args: Any, enrollment: Enrollment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        events = cast(forms.ModelChoiceField, self.fields["event"])
        events.queryset = EnrollmentEvent.objects.filter(enrollment=enrollment)
