"""A manager's page of accounts for the organisation's mentors and apprentices, and its
buttons: each one that issues a code answers with the letters to print (the code exists in
clear only in that answer)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xuetu.accounts.auth import signed_in
from xuetu.accounts.letters import letters_pdf
from xuetu.accounts.models import Organisation
from xuetu.accounts.services.activation import Issued
from xuetu.core.access import CHANGE, scope_for
from xuetu.core.problems import Refused
from xuetu.core.views import ScopedDetailView
from xuetu.programmes.models import Cohort
from xuetu.programmes.services import people_accounts as service

ACTIONS: dict[str, Callable[..., Any]] = {
    "create": service.person_account_create,
    "reissue": service.person_code_reissue,
    "deactivate": service.person_account_deactivate,
}


class AccountActionForm(forms.Form):
    person = forms.IntegerField(label=gettext_lazy("person"), min_value=1)
    action = forms.ChoiceField(
        label=gettext_lazy("action"), choices=[(name, name) for name in ACTIONS]
    )


def letters(issued: list[Issued], organisation: Organisation, name: str) -> HttpResponse:
    response = HttpResponse(letters_pdf(issued, organisation=organisation), "application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def accounts_home(request: HttpRequest) -> HttpResponse:
    """The accounts page of the organisation the user manages (the first, if several)."""
    managed = sorted(scope_for(request.user).managed_org_ids)
    if not managed:
        raise PermissionDenied(_("Only a manager of an enterprise or institution opens this page."))
    return redirect("programmes:account_list", pk=managed[0])


class AccountList(ScopedDetailView):
    """GET: the people and their accounts; POST `person` and `action`: the action, with the
    letter to print for a new account or code."""

    model = Organisation
    access = CHANGE
    template_name = "programmes/people_accounts.html"
    url_name = "account_list"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        by = signed_in(self.request)
        context["rows"] = service.account_rows(by=by, organisation=self.object)
        context["organisation"] = self.object
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        organisation = self.object = cast(Organisation, self.get_object())
        form = AccountActionForm(request.POST)
        if not form.is_valid():
            return TemplateResponse(
                request, self.template_name, self.get_context_data(form=form), status=400
            )
        by = signed_in(request)
        rows = {
            row.person.pk: row for row in service.account_rows(by=by, organisation=organisation)
        }
        row = rows.get(form.cleaned_data["person"])
        if row is None:
            raise Http404
        action = form.cleaned_data["action"]
        try:
            done = ACTIONS[action](by=by, person=row.person, organisation=organisation)
        except Refused as refused:
            for problem in refused.problems:
                messages.error(request, str(problem.message))
            return redirect(request.path)
        if isinstance(done, Issued):
            return letters([done], organisation, f"activation-{done.user.username}")
        if action == "create":
            message = _("%(name)s already had an account; it now has the role here too.")
            messages.success(request, message % {"name": row.person.name})
            return redirect(request.path)
        messages.success(
            request, _("The account of %(name)s is closed.") % {"name": row.person.name}
        )
        return redirect(request.path)


class CohortAccounts(ScopedDetailView):
    """POST: accounts for the class's roster, answered with the letters of those who had none;
    GET leads back to the class."""

    model = Cohort
    access = CHANGE
    url_name = "cohort_accounts"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect(cast(Cohort, self.get_object()).get_absolute_url())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        cohort = cast(Cohort, self.get_object())
        try:
            issued = service.cohort_accounts_create(by=signed_in(request), cohort=cohort)
        except Refused as refused:
            for problem in refused.problems:
                messages.error(request, str(problem.message))
            return redirect(cohort.get_absolute_url())
        if not issued:
            messages.info(request, _("Everyone on this class's roster already has an account."))
            return redirect(cohort.get_absolute_url())
        return letters(issued, cohort.enterprise, f"activation-{cohort.code}")
