"""Subsidy claims' pages (issue 10): the claims list and a claim's page with its lines, checks,
notices, objections, ledger and refund; the actions of the flow (enterprise: recompute, submit,
payee; reviewer: review, decide a line, special approval, notice, return, reject, resolve an
objection; city: approve, pay); a class's claims with the forms that start one; refund
obligations with the city's repayment form; budgets; the ledger. Every write is a service of
subsidies.services; the buttons follow the access table, the service is the guard."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.core.access import CHANGE, VIEW, can, scope_for
from xuetu.core.views import (
    ActionView,
    ObjectFormView,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    city_only,
    nobody,
)
from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.models import Cohort
from xuetu.subsidies import filters, forms
from xuetu.subsidies.access import CLAIM, REVIEW
from xuetu.subsidies.choices import (
    CHECK_NAMES,
    CLAIM_FLOW,
    EDITABLE_CLAIM_STATUSES,
    CheckResult,
    ClaimKind,
    ClaimStatus,
    ObjectionStatus,
    RefundStatus,
)
from xuetu.subsidies.models import (
    Budget,
    Claim,
    ClaimLine,
    LedgerEntry,
    Notice,
    Objection,
    RefundObligation,
)
from xuetu.subsidies.models import get_language_code as language_code
from xuetu.subsidies.services import budgets, claims, objections, refunds

S = ClaimStatus
CLAIM_RELATED = ("cohort__enterprise", "policy", "district")


# Claims ---------------------------------------------------------------------------------------
class ClaimList(ScopedListView):
    model = Claim
    filterset_class = filters.ClaimFilter
    search_fields = ("cohort__code", "cohort__name", "cohort__enterprise__name")
    template_name = "subsidies/claim_list.html"
    may_create = nobody  # a claim is started from the class's page
    sort_fields = {
        "cohort": "cohort__code",
        "kind": "kind",
        "status": "status",
        "entitled": "entitled",
        "payable": "payable",
        "submitted": "submitted_at",
    }

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("cohort__enterprise").order_by("-pk")


def reviewer_may(user: Any, claim: Claim) -> bool:
    """A reviewer of the claim's district (or the city), never its submitter."""
    return claim.submitted_by_id != getattr(user, "pk", None) and can(user, REVIEW, claim)


def line_rows(lines: list[ClaimLine]) -> list[dict[str, Any]]:
    """Each line with its checks in the reader's language."""
    lang = language_code()
    rows = []
    for line in lines:
        checks = [
            {
                "code": c.get("code", ""),
                "name": CHECK_NAMES.get(c.get("code", ""), c.get("code", "")),
                "result": c.get("result", ""),
                "label": CheckResult(c["result"]).label if c.get("result") in CheckResult else "",
                "message": c.get(lang) or c.get("zh", ""),
            }
            for c in line.checks or []
        ]
        rows.append({"line": line, "checks": checks, "explanation": line.explanation()})
    return rows


class ClaimDetail(ScopedDetailView):
    model = Claim
    template_name = "subsidies/claim_detail.html"

    def get_queryset(self) -> models.QuerySet:
        return (
            super()
            .get_queryset()
            .select_related(*CLAIM_RELATED, "special_approval_by", "supplements")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        claim, user = self.object, self.request.user
        lines = list(
            ClaimLine.objects.for_user(user)
            .filter(claim=claim)
            .select_related("person", "certificate")
            .order_by("person__name", "pk")
        )
        context["lines"] = line_rows(lines)
        context["notices"] = list(Notice.objects.for_user(user).filter(claim=claim))
        context["objections"] = list(
            Objection.objects.for_user(user)
            .filter(notice__claim=claim)
            .select_related("notice", "resolved_by")
        )
        context["ledger"] = list(LedgerEntry.objects.for_user(user).filter(claim=claim))
        context["refund"] = RefundObligation.objects.for_user(user).filter(claim=claim).first()
        context["decide_form"] = forms.LineDecisionForm()
        context["reason_form"] = forms.ReasonForm()
        context["resolve_form"] = forms.ObjectionResolveForm()
        context["may"] = self.buttons(claim, user)
        return context

    def buttons(self, claim: Claim, user: Any) -> dict[str, bool]:
        change = claim.status in EDITABLE_CLAIM_STATUSES and can(user, CHANGE, claim)
        review = reviewer_may(user, claim)
        city = scope_for(user).city and claim.submitted_by_id != getattr(user, "pk", None)
        return {
            "change": change,
            "review": review and claim.status == S.SUBMITTED,
            "decide": review and claim.status == S.UNDER_REVIEW,
            "notice": review and claim.status == S.UNDER_REVIEW,
            "return": review and CLAIM_FLOW.allows(claim.status, S.RETURNED),
            "reject": review and CLAIM_FLOW.allows(claim.status, S.REJECTED),
            "objections": review,
            "approve": city and claim.status == S.ON_NOTICE,
            "pay": city and claim.status == S.APPROVED and claim.payable > 0,
        }


class ClaimAction(ActionView, ClaimDetail):
    """A step of the claim's flow; `statuses` are those the page offers it in."""

    statuses: frozenset[str] = frozenset()

    def available(self) -> bool:
        return self.object.status in self.statuses

    def perform(self, data: dict[str, Any]) -> Any:
        return self.call_service(claim=self.object, **data)


class EnterpriseAction(ClaimAction):
    access = CHANGE
    statuses = EDITABLE_CLAIM_STATUSES

    def perform(self, data: dict[str, Any]) -> Any:
        return self.call_service(claim=self.object, today=timezone.localdate(), **data)


class ClaimRecompute(EnterpriseAction):
    service = claims.claim_recompute
    title = _("Recompute the claim")
    done = _("The claim is recomputed from the evidence stored today.")

    def consequence(self, data: dict[str, Any]) -> str:
        return str(_("Every line is checked again and the totals recomputed."))

    def told(self, data: dict[str, Any]) -> list[str]:
        return []


class ClaimSubmit(EnterpriseAction):
    service = claims.claim_submit
    title = _("Submit the claim")
    done = _("The claim is submitted to the district's reviewers.")

    def consequence(self, data: dict[str, Any]) -> str:
        return str(
            _("The claim (payable %(amount)s yuan) goes to the reviewers; it cannot be changed.")
            % {"amount": f"{self.object.payable:,.2f}"}
        )

    def told(self, data: dict[str, Any]) -> list[str]:
        return [str(_("The reviewers of the enterprise's district"))]


class ClaimPayee(ObjectFormView):
    """The payee account of a draft or returned claim (the enterprise)."""

    model = Claim
    form_class = forms.PayeeForm
    service = claims.claim_update
    title = _("Payee account")
    done = _("The payee account is saved.")

    def get_initial(self) -> dict[str, Any]:
        # The number is not shown back whole: the enterprise types it again.
        return {"payee_bank": self.object.payee_bank, "payee_name": self.object.payee_name}


class ReviewerAction(ClaimAction):
    access = REVIEW


class ClaimReview(ReviewerAction):
    service = claims.claim_review
    statuses = frozenset({S.SUBMITTED})
    title = _("Start the review")
    done = _("The claim is under review.")

    def told(self, data: dict[str, Any]) -> list[str]:
        return []


class ClaimSpecialApproval(ReviewerAction):
    service = claims.claim_special_approval
    form_class = forms.ReasonForm
    statuses = frozenset({S.UNDER_REVIEW})
    title = _("Record the special approval of a longer duration")
    done = _("The special approval is recorded and the lines recomputed.")

    def consequence(self, data: dict[str, Any]) -> str:
        return str(_("The lines are recomputed with the longer maximum of years, in your name."))


class ClaimNotice(ReviewerAction):
    service = claims.claim_notice
    statuses = frozenset({S.UNDER_REVIEW})
    title = _("Put the claim on public notice")
    done = _("The claim is on public notice.")

    def consequence(self, data: dict[str, Any]) -> str:
        return str(
            _(
                "The public notice is published today for %(days)s working days: enterprise, "
                "class, headcount and amounts, apprentices' names masked."
            )
            % {"days": self.object.policy.notice_working_days}
        )

    def told(self, data: dict[str, Any]) -> list[str]:
        return [str(_("Each apprentice named on the claim"))]


class ClosingAction(ReviewerAction):
    """Return or reject, with a reason the enterprise's managers are told."""

    form_class = forms.ReasonForm
    # Where the flow allows it: on notice too (the running notice is withdrawn).
    statuses = frozenset(s for s in ClaimStatus.values if CLAIM_FLOW.allows(s, S.RETURNED))

    def told(self, data: dict[str, Any]) -> list[str]:
        return [str(_("The enterprise's managers"))]


class ClaimReturn(ClosingAction):
    service = claims.claim_return
    title = _("Return the claim to the enterprise")
    done = _("The claim is returned to the enterprise.")


class ClaimReject(ClosingAction):
    service = claims.claim_reject
    title = _("Reject the claim")
    done = _("The claim is rejected.")

    def consequence(self, data: dict[str, Any]) -> str:
        return str(_("The claim is closed for good; the class may claim again."))


class CityAction(ClaimAction):
    """The city administrator's (a reviewer sees the confirmation say it is not theirs)."""

    access = REVIEW

    def available(self) -> bool:
        return scope_for(self.request.user).city and super().available()

    def perform(self, data: dict[str, Any]) -> Any:
        return self.call_service(claim=self.object, today=timezone.localdate())


class ClaimApprove(CityAction):
    service = claims.claim_approve
    statuses = frozenset({S.ON_NOTICE})
    title = _("Approve the claim")
    done = _("The claim is approved.")

    def consequence(self, data: dict[str, Any]) -> str:
        payable = self.object.payable
        if payable < 0:
            return str(
                _("A refund obligation of %(amount)s yuan is recorded against the enterprise.")
                % {"amount": f"{-payable:,.2f}"}
            )
        return str(
            _("%(amount)s yuan is committed from this year's budget.")
            % {"amount": f"{payable:,.2f}"}
        )


class ClaimPay(CityAction):
    service = claims.claim_pay
    statuses = frozenset({S.APPROVED})
    title = _("Pay the claim")
    done = _("The payment is recorded in the ledger.")

    def consequence(self, data: dict[str, Any]) -> str:
        return str(
            _("%(amount)s yuan is paid to the account %(account)s, once.")
            % {"amount": f"{self.object.payable:,.2f}", "account": self.object.payee_account_masked}
        )

    def told(self, data: dict[str, Any]) -> list[str]:
        return [str(_("Each apprentice paid on the claim"))]


class LineDecide(ActionView, ScopedDetailView):
    """A reviewer decides a line at `review` (pay or refuse) with a reason; a reader of the
    line who may not review it is told it is not theirs (the service is the guard)."""

    model = ClaimLine
    access = VIEW
    template_name = "subsidies/line_detail.html"
    form_class = forms.LineDecisionForm
    service = claims.line_decide
    title = _("Decide the line")
    done = _("The line is decided.")

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("claim", "person")

    def available(self) -> bool:
        line = self.object
        return (
            line.result == CheckResult.REVIEW
            and line.claim.status == S.UNDER_REVIEW
            and reviewer_may(self.request.user, line.claim)
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["row"] = line_rows([self.object])[0]
        return context

    def perform(self, data: dict[str, Any]) -> Any:
        return self.call_service(line=self.object, **data)

    def object_url(self, obj: models.Model) -> str:
        return self.object.claim.get_absolute_url()


class ObjectionResolve(ActionView, ScopedDetailView):
    model = Objection
    access = VIEW
    template_name = "subsidies/objection_detail.html"
    form_class = forms.ObjectionResolveForm
    service = objections.objection_resolve
    title = _("Resolve the objection")
    done = _("The objection is resolved.")

    def available(self) -> bool:
        objection = self.object
        return objection.status == ObjectionStatus.OPEN and reviewer_may(
            self.request.user, objection.notice.claim
        )

    def perform(self, data: dict[str, Any]) -> Any:
        return self.call_service(objection=self.object, **data)

    def object_url(self, obj: models.Model) -> str:
        return self.object.notice.claim.get_absolute_url()


# A class's claims -----------------------------------------------------------------------------
def claimable_kinds(cohort: Cohort) -> list[str]:
    """The kinds the class's state may offer (the service refuses with every reason)."""
    if cohort.status in (CohortStatus.APPROVED, CohortStatus.IN_TRAINING):
        return [ClaimKind.ADVANCE]
    if cohort.status == CohortStatus.COMPLETED:
        return [ClaimKind.SETTLEMENT, ClaimKind.SUPPLEMENTARY]
    return []


def last_payee(user: Any, cohort: Cohort) -> dict[str, str]:
    """The enterprise's last claim's payee (bank and name; the number is typed again), of
    the claims the user reaches."""
    last = (
        Claim.objects.for_user(user)
        .filter(cohort__enterprise_id=cohort.enterprise_id)
        .exclude(payee_bank="")
        .order_by("-pk")
        .first()
    )
    return {"payee_bank": last.payee_bank, "payee_name": last.payee_name} if last else {}


class CohortClaims(ScopedDetailView):
    model = Cohort
    template_name = "subsidies/cohort_claims.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cohort, user = self.object, self.request.user
        context["claims"] = list(Claim.objects.for_user(user).filter(cohort=cohort).order_by("pk"))
        kinds = claimable_kinds(cohort) if can(user, CLAIM, cohort) else []
        context["create_form"] = (
            forms.ClaimCreateForm(kinds=kinds, initial=last_payee(user, cohort)) if kinds else None
        )
        return context


class ClaimCreate(ObjectFormView):
    """Starts a claim of the class (its enterprise's manager): a draft, computed at once."""

    model = Cohort
    access = CLAIM
    form_class = forms.ClaimCreateForm
    service = claims.claim_create
    title = _("Start a subsidy claim")
    done = _("The claim is drafted and computed: check it, then submit it.")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["kinds"] = claimable_kinds(self.object)
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        return last_payee(self.request.user, self.object)

    def perform(self, form: django_forms.BaseForm) -> Any:
        return self.call_service(
            cohort=self.object, today=timezone.localdate(), **form.cleaned_data
        )

    def success_url(self, result: Any) -> str:  # type: ignore[override]  # the kit's: a method
        return result.get_absolute_url()


# Refund obligations ---------------------------------------------------------------------------
class RefundList(ScopedListView):
    model = RefundObligation
    url_name = "refund"
    filterset_class = filters.RefundFilter
    search_fields = ("claim__cohort__code", "claim__cohort__enterprise__name")
    template_name = "subsidies/refund_list.html"
    may_create = nobody
    sort_fields = {"due": "due_on", "amount": "amount"}

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("claim__cohort__enterprise")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context


class RefundDetail(ScopedDetailView):
    model = RefundObligation
    url_name = "refund"
    template_name = "subsidies/refund_detail.html"

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("claim__cohort__enterprise")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        refund, user = self.object, self.request.user
        context["entries"] = list(
            LedgerEntry.objects.for_user(user).filter(claim=refund.claim).order_by("on", "pk")
        )
        context["today"] = timezone.localdate()
        context["may_repay"] = scope_for(user).city and refund.status == RefundStatus.OPEN
        context["repay_form"] = forms.RepaymentForm(initial={"on": timezone.localdate()})
        return context


class RefundRepay(ActionView, RefundDetail):
    access = VIEW  # the city alone records it (the service checks); others read the page
    form_class = forms.RepaymentForm
    service = refunds.refund_repay
    title = _("Record a repayment")
    done = _("The repayment is recorded.")

    def available(self) -> bool:
        return scope_for(self.request.user).city and self.object.status == RefundStatus.OPEN

    def perform(self, data: dict[str, Any]) -> Any:
        return self.call_service(refund=self.object, **data)

    def consequence(self, data: dict[str, Any]) -> str:
        return str(
            _("A repayment of %(amount)s yuan on %(on)s is written to the ledger.")
            % {"amount": f"{data['amount']:,.2f}", "on": data["on"].isoformat()}
        )


# Budgets and ledger ---------------------------------------------------------------------------
class BudgetList(ScopedListView):
    model = Budget
    filterset_class = filters.BudgetFilter
    template_name = "subsidies/budget_list.html"
    may_create = city_only
    sort_fields = {"year": ("year", "district__code"), "amount": "amount"}

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("district").order_by("-year", "district_id")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = list(context["object_list"])
        found = budgets.figures_of(page)
        context["rows"] = [(b, found[b.pk]) for b in page]
        return context


class BudgetDetail(ScopedDetailView):
    model = Budget
    template_name = "subsidies/budget_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["figures"] = budgets.figures(self.object)
        context["can_edit"] = scope_for(self.request.user).city
        return context


class BudgetSet(ScopedCreateView):
    """The city sets or raises a year's budget (the service audits it)."""

    model = Budget
    form_class = forms.BudgetForm
    service = budgets.budget_set
    template_name = "core/form.html"
    title = _("Set a budget")
    done = _("The budget is recorded.")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def success_url(self, result: Any) -> str:  # type: ignore[override]  # the kit's: a method
        return reverse("subsidies:budget_list")


class LedgerList(ScopedListView):
    model = LedgerEntry
    url_name = "claim"  # an entry's page is its claim's
    filterset_class = filters.LedgerFilter
    search_fields = ("claim__cohort__code",)
    template_name = "subsidies/ledger_list.html"
    may_create = nobody
    sort_fields = {"on": "on", "amount": "amount", "kind": "kind"}

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("claim__cohort").order_by("-on", "-pk")
