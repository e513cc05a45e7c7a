"""The forms of the claim pages: each carries only what its service takes (payee, a reason, a
decision, a repayment, a budget); the service checks the rest and names every problem."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import District
from xuetu.core.validators import EnteredDateField, TextField, validate_line
from xuetu.subsidies.choices import ClaimKind, LineDecision
from xuetu.subsidies.payee import validate_account_number

MONEY_WIDGET = forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"})


def line_field(label: Any, max_length: int, **kwargs: Any) -> forms.CharField:
    kwargs.setdefault("validators", [validate_line])
    return forms.CharField(label=label, max_length=max_length, **kwargs)


def money_field(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("999999999999.99"),
        widget=MONEY_WIDGET,
    )


class PayeeForm(forms.Form):
    """The enterprise's payee account: bank, account name and number (spaces are fine)."""

    payee_bank = line_field(_("bank"), 100)
    payee_name = line_field(_("account name"), 100)
    payee_account = line_field(
        _("account number"),
        40,
        validators=[validate_line, validate_account_number],
        help_text=_("8 to 30 digits; spaces between groups are fine."),
    )


class ClaimCreateForm(PayeeForm):
    kind = forms.ChoiceField(label=_("kind"), choices=ClaimKind.choices)

    field_order = ["kind", "payee_bank", "payee_name", "payee_account"]

    def __init__(self, *args: Any, kinds: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kinds is not None:
            field = self.fields["kind"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(v, label) for v, label in ClaimKind.choices if v in kinds]


class ReasonForm(forms.Form):
    reason = TextField(label=_("reason"), max_length=300)


class LineDecisionForm(ReasonForm):
    decision = forms.ChoiceField(label=_("decision"), choices=LineDecision.choices)

    field_order = ["decision", "reason"]


class ObjectionResolveForm(ReasonForm):
    upheld = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("1", _("Uphold the objection")), ("0", _("Dismiss the objection"))],
        coerce=lambda value: value == "1",
    )

    field_order = ["upheld", "reason"]


class RepaymentForm(forms.Form):
    amount = money_field(_("amount (yuan)"))
    on = EnteredDateField(label=_("date of the repayment"))
    note = line_field(_("note"), 300, required=False)


class BudgetForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    district = forms.ModelChoiceField(
        label=_("district"),
        queryset=District.objects.all(),
        required=False,
        empty_label=_("The whole city"),
    )
    amount = money_field(_("budget (yuan)"))
