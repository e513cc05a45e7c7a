from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xuetu.core.validators import validate_text
from xuetu.programmes.models import Cohort, Mentor
from xuetu.training import selectors
from xuetu.training.models import Module, PlanTemplate, TrainingPlan


class PlanStartForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("start from the occupation's template"),
        queryset=PlanTemplate.objects.none(),
        required=False,
        empty_label=_("(an empty plan)"),
    )
    note = forms.CharField(
        label=_("note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_text],
    )

    def __init__(self, *args: Any, cohort: Cohort, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        template = self.fields["template"]
        assert isinstance(template, forms.ModelChoiceField)
        template.queryset = selectors.templates_for(cohort)
        template.initial = template.queryset.first()  # the occupation's template, offered first


def mentor_label(mentor: Mentor) -> str:
    return f"{mentor.person.name} · {mentor.get_kind_display()}"


class ModuleForm(forms.ModelForm):
    class Meta:
        model = Module
        fields = ["title", "kind", "hours", "place", "responsible"]

    def __init__(self, *args: Any, plan: TrainingPlan | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if plan is not None:
            self.instance.plan = plan
        responsible = self.fields["responsible"]
        assert isinstance(responsible, forms.ModelChoiceField)
        responsible.queryset = selectors.responsible_choices(self.instance.plan)
        responsible.label_from_instance = mentor_label  # type: ignore[assignment,method-assign]  # a label per row
