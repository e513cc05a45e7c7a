"""Subsidy claims through the API (issue 10, item 12): `/api/v1/claims/` (list, read, create an
advance, settlement or supplementary claim, change its payee, and every step of the flow as a
POST action), `/api/v1/claims/{id}/lines/` (its lines, each with its checks and explanation in
the reader's language), `/api/v1/lines/{id}/decide/` (a reviewer decides a line at `review`),
`/api/v1/refunds/` (with `repay` for the city), `/api/v1/budgets/` (with what is committed, paid
and remaining; recorded and changed by the city) and `/api/v1/ledger/` (read-only, append-only).

Money is a decimal string both ways: an amount sent as a JSON number with a fraction (a float:
`100.1`) is refused with 400, never rounded into public money. The payee account number is
shown masked (`payee_account_masked`) and never read back whole. A refused step is 409 with
`problems`; a step that is not the user's is 403; another organisation's claim is 404."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from xuetu.accounts.choices import Role
from xuetu.accounts.models import District, User
from xuetu.core.access import CHANGE, VIEW, scope_for
from xuetu.core.api import (
    REFUSED,
    ScopedReadOnlyViewSet,
    ScopedRelatedField,
    ScopedViewSet,
    Service,
    read_body,
    transition_action,
)
from xuetu.core.validators import validate_entered_date, validate_line
from xuetu.programmes.models import Cohort
from xuetu.registry.choices import CertificateType, SkillLevel
from xuetu.subsidies.access import REVIEW
from xuetu.subsidies.choices import LineDecision
from xuetu.subsidies.models import (
    Budget,
    Claim,
    ClaimLine,
    LedgerEntry,
    RefundObligation,
    get_language_code,
)
from xuetu.subsidies.services import budgets, refunds
from xuetu.subsidies.services import claims as services


# Money --------------------------------------------------------------------------------------
class MoneyField(serializers.DecimalField):
    """Yuan to the fen as a decimal string ("100.10"); a JSON float is refused (400), a whole
    JSON number is exact and read as it is."""

    default_error_messages = {
        "float": _('Give an amount of money as a decimal string, such as "100.10", not a float.')
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(coerce_to_string=True, **kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, float):
            self.fail("float")
        return super().to_internal_value(data)


def read_money(**kwargs: Any) -> MoneyField:
    return MoneyField(read_only=True, **kwargs)


# Claims -------------------------------------------------------------------------------------
class SpecialApprovalSerializer(serializers.Serializer):
    by = serializers.IntegerField(help_text=_("The reviewer who recorded it."))
    at = serializers.DateTimeField()
    reason = serializers.CharField()


class ClaimSerializer(serializers.ModelSerializer):
    cohort = ScopedRelatedField(queryset=Cohort.objects.all())
    entitled = read_money()
    advanced = read_money()
    payable = read_money()
    payee_account = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=40,
        validators=[validate_line],
        help_text=_("Digits; spaces or dashes between groups are fine. Never read back whole."),
    )
    payee_account_masked = serializers.CharField(read_only=True)
    special_approval = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "kind",
            "cohort",
            "status",
            "entitled",
            "advanced",
            "payable",
            "claim_date",
            "payee_bank",
            "payee_name",
            "payee_account",
            "payee_account_masked",
            "policy",
            "district",
            "supplements",
            "special_approval",
            "comment",
            "created_at",
            "submitted_at",
            "reviewed_at",
            "approved_at",
            "paid_at",
        ]
        read_only_fields = [
            "status",
            "claim_date",
            "policy",
            "district",
            "supplements",
            "comment",
            "created_at",
            "submitted_at",
            "reviewed_at",
            "approved_at",
            "paid_at",
        ]
        # "The class already has a claim of this kind" is the service's refusal (409).
        validators: list[Any] = []

    @extend_schema_field(SpecialApprovalSerializer(allow_null=True))
    def get_special_approval(self, claim: Claim) -> dict[str, Any] | None:
        """Who recorded the longer subsidised duration, when and why (null: none)."""
        if claim.special_approval_at is None:
            return None
        return SpecialApprovalSerializer(
            {
                "by": claim.special_approval_by_id,
                "at": claim.special_approval_at,
                "reason": claim.special_approval_reason,
            }
        ).data


class ClaimReasonBody(serializers.Serializer):
    reason = serializers.CharField(max_length=300, validators=[validate_line])


def claims_for_classes(user: Any) -> bool:
    """Who may create a claim: an enterprise manager (for their classes; the table says which)
    or the city bureau."""
    scope = scope_for(user)
    return scope.city or scope.has_role(Role.ENTERPRISE_MANAGER)


class ClaimLineSerializer(serializers.ModelSerializer):
    # Blank (or null) until the line has a certificate, a level, a decision: declared so.
    kind = serializers.ChoiceField(
        choices=CertificateType.choices, read_only=True, allow_blank=True
    )
    level = serializers.ChoiceField(choices=SkillLevel.choices, read_only=True, allow_null=True)
    decision = serializers.ChoiceField(
        choices=LineDecision.choices, read_only=True, allow_blank=True
    )
    years = serializers.DecimalField(
        max_digits=7, decimal_places=4, coerce_to_string=True, read_only=True
    )
    amount_per_year = read_money()
    amount = read_money()
    due = read_money(
        help_text=_("What the line pays: its amount if it passed or was decided to pay.")
    )
    explanation = serializers.SerializerMethodField()
    checks = serializers.SerializerMethodField()

    class Meta:
        model = ClaimLine
        fields = [
            "id",
            "claim",
            "enrollment",
            "person",
            "started_on",
            "certificate",
            "level",
            "kind",
            "months",
            "years",
            "amount_per_year",
            "amount",
            "due",
            "result",
            "explanation",
            "checks",
            "decision",
            "decision_reason",
            "decided_at",
        ]
        read_only_fields = fields

    def get_explanation(self, line: ClaimLine) -> str:
        """The explanation a clerk reads, in the reader's language."""
        return line.explanation()

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "result": {"type": "string", "enum": ["pass", "fail", "review"]},
                    "message": {"type": "string"},
                },
                "required": ["code", "result", "message"],
            },
        }
    )
    def get_checks(self, line: ClaimLine) -> list[dict[str, str]]:
        language = get_language_code()
        return [
            {"code": c["code"], "result": c["result"], "message": c.get(language, "")}
            for c in line.checks
        ]


# Approving and paying are the city bureau's alone: no row of the claims' access table gives
# them to anyone (the city reaches everything), so the lookup answers 403 to every other role
# that sees the claim, before the service's own check.
APPROVE, PAY = "approve", "pay"


class ClaimViewSet(ScopedViewSet):
    """Subsidy claims of the classes the user reaches: newest first. An enterprise creates one
    for its class (computed at once) and may change its payee while it is a draft or returned;
    the reviewers and the city take it through review, notice, approval and payment."""

    model = Claim
    serializer_class = ClaimSerializer
    ordering_fields: list[str] = []
    search_fields: list[str] = []
    may_create = claims_for_classes
    create_service = services.claim_create
    update_service = services.claim_update
    fixed_on_update = ("kind", "cohort")

    def get_queryset(self) -> QuerySet[Claim]:
        queryset = super().get_queryset().order_by("-created_at", "-pk")
        return self.filter_by_ids(queryset, "cohort")

    def update_object(self, instance: Any, data: dict[str, Any]) -> Claim:
        values = {k: v for k, v in data.items() if k not in self.fixed_on_update}
        return services.claim_update(by=cast(User, self.request.user), claim=instance, **values)

    def apply(self, service: Service, body: type[serializers.Serializer] | None) -> Response:
        """One step of the flow, answered with the claim as the step left it (a notice or a
        payment is read on the claim, its ledger and its refund)."""
        claim = self.get_object()
        values = read_body(self.request, body) if body is not None else {}
        service(by=self.request.user, claim=claim, **values)
        return Response(self.get_serializer(self.get_queryset().get(pk=claim.pk)).data)

    submit = transition_action(
        services.claim_submit, summary="Submit the claim as computed today.", access=CHANGE
    )
    recompute = transition_action(
        services.claim_recompute,
        summary="Recompute a draft or returned claim from the evidence recorded since.",
        access=CHANGE,
    )
    review = transition_action(
        services.claim_review, summary="Take a submitted claim under review.", access=REVIEW
    )
    special_approval = transition_action(
        services.claim_special_approval,
        ClaimReasonBody,
        summary="Record the special approval of a longer subsidised duration, with a reason.",
        url_path="special-approval",
        access=REVIEW,
    )
    notice = transition_action(
        services.claim_notice,
        summary="Put the claim on public notice (every line decided).",
        access=REVIEW,
    )
    approve = transition_action(
        services.claim_approve,
        summary="Approve the claim after its notice (the city bureau).",
        access=APPROVE,
    )
    pay = transition_action(
        services.claim_pay,
        summary="Pay the approved claim: one ledger payment (the city bureau).",
        access=PAY,
    )
    return_claim = transition_action(
        services.claim_return,
        ClaimReasonBody,
        summary="Return the claim to the enterprise to correct, with a reason.",
        url_path="return",
        access=REVIEW,
    )
    reject = transition_action(
        services.claim_reject,
        ClaimReasonBody,
        summary="Reject the claim, with a reason.",
        access=REVIEW,
    )

    @extend_schema(responses=ClaimLineSerializer(many=True))
    @action(detail=True, methods=["get"], access=VIEW)
    def lines(self, request: Request, pk: str | None = None) -> Response:
        """The claim's lines: one per apprentice, with the checks and the explanation in the
        reader's language."""
        claim = self.get_object()
        rows = ClaimLine.objects.for_user(request.user).filter(claim=claim).order_by("pk")
        page = self.paginate_queryset(rows)
        context = self.get_serializer_context()
        data = ClaimLineSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)


class DecideBody(serializers.Serializer):
    decision = serializers.ChoiceField(choices=LineDecision.choices)
    reason = serializers.CharField(max_length=300, validators=[validate_line])


class ClaimLineViewSet(ScopedReadOnlyViewSet):
    """Claim lines (filter `claim`); a reviewer of the claim's district decides a line at
    `review` with `decide` (anyone else: 403)."""

    model = ClaimLine
    service_object = "line"
    serializer_class = ClaimLineSerializer
    ordering_fields: list[str] = []
    search_fields: list[str] = []
    apply = ScopedViewSet.apply

    def get_queryset(self) -> QuerySet[ClaimLine]:
        return self.filter_by_ids(super().get_queryset().order_by("claim_id", "pk"), "claim")

    # The lookup is the line's (whoever sees it); the service asks for a reviewer of the claim.
    decide = transition_action(
        services.line_decide,
        DecideBody,
        summary="Decide a line at review: pay or refuse, with a reason (a reviewer).",
        access=VIEW,
    )


# Refunds ------------------------------------------------------------------------------------
class RefundSerializer(serializers.ModelSerializer):
    amount = read_money()
    repaid = read_money()
    outstanding = read_money()

    class Meta:
        model = RefundObligation
        fields = [
            "id",
            "claim",
            "amount",
            "repaid",
            "outstanding",
            "due_on",
            "status",
            "last_reminded_on",
            "created_at",
        ]
        read_only_fields = fields


class RepayBody(serializers.Serializer):
    amount = MoneyField()
    on = serializers.DateField(
        required=False, validators=[validate_entered_date], help_text=_("Blank: today.")
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=300, validators=[validate_line]
    )


class RefundViewSet(ScopedReadOnlyViewSet):
    """Refund obligations (a settlement whose advance exceeded what it earned): due dates and
    repayments; the city records each repayment with `repay`."""

    model = RefundObligation
    serializer_class = RefundSerializer
    ordering_fields: list[str] = []
    search_fields: list[str] = []

    def get_queryset(self) -> QuerySet[RefundObligation]:
        return self.filter_by_ids(super().get_queryset().order_by("due_on", "pk"), "claim")

    @extend_schema(request=RepayBody, responses={200: RefundSerializer, 409: REFUSED})
    @action(detail=True, methods=["post"], access=CHANGE)
    def repay(self, request: Request, pk: str | None = None) -> Response:
        """Record a repayment (the city bureau, from the treasury's statement)."""
        refund = cast(RefundObligation, self.get_object())
        values = read_body(request, RepayBody)
        refunds.refund_repay(by=cast(User, request.user), refund=refund, **values)
        return Response(self.get_serializer(self.get_queryset().get(pk=refund.pk)).data)


# Budgets ------------------------------------------------------------------------------------
class BudgetSerializer(serializers.ModelSerializer):
    district = ScopedRelatedField(
        queryset=District.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Empty: the city's budget for the year."),
    )
    amount = MoneyField(min_value=Decimal("0.00"))
    committed = read_money(help_text=_("The payables of the year's approved and paid claims."))
    paid = read_money(help_text=_("The year's payments."))
    remaining = read_money(help_text=_("The budget less what is committed."))

    class Meta:
        model = Budget
        fields = ["id", "year", "district", "amount", "committed", "paid", "remaining"]
        fields += ["updated_at"]
        read_only_fields = ["updated_at"]
        # A second budget for the same year and district changes the first (budget_set).
        validators: list[Any] = []

    def to_representation(self, instance: Budget) -> dict[str, Any]:
        # A page's figures come read at once (BudgetViewSet.list); one budget's, here.
        figures = self.context.get("figures", {}).get(instance.pk) or budgets.figures(instance)
        instance.committed = figures.committed  # type: ignore[attr-defined]
        instance.paid = figures.paid  # type: ignore[attr-defined]
        instance.remaining = figures.remaining  # type: ignore[attr-defined]
        return super().to_representation(instance)


class BudgetViewSet(ScopedViewSet):
    """The budgets per year (the city's and the districts'), with what approvals commit and
    payments spend; the city records and changes them (a second budget for the same year and
    district changes the first)."""

    model = Budget
    serializer_class = BudgetSerializer
    ordering_fields: list[str] = []
    search_fields: list[str] = []
    fixed_on_update = ("year", "district")

    def get_queryset(self) -> QuerySet[Budget]:
        return super().get_queryset().order_by("-year", "district_id", "pk")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset())) or []
        context = {**self.get_serializer_context(), "figures": budgets.figures_of(page)}
        data = BudgetSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)

    def create_object(self, data: dict[str, Any]) -> Budget:
        return budgets.budget_set(by=cast(User, self.request.user), **data)

    def update_object(self, instance: Any, data: dict[str, Any]) -> Budget:
        amount = data.get("amount", instance.amount)
        return budgets.budget_set(
            by=cast(User, self.request.user),
            year=instance.year,
            district=instance.district,
            amount=amount,
        )


# The ledger ---------------------------------------------------------------------------------
class LedgerEntrySerializer(serializers.ModelSerializer):
    amount = read_money()

    class Meta:
        model = LedgerEntry
        fields = ["id", "kind", "claim", "refund", "amount", "on", "reverses", "note", "at"]
        read_only_fields = fields


class LedgerViewSet(ScopedReadOnlyViewSet):
    """Movements of public money, newest first (filter `claim`): append-only, never changed."""

    model = LedgerEntry
    serializer_class = LedgerEntrySerializer
    ordering_fields: list[str] = []
    search_fields: list[str] = []

    def get_queryset(self) -> QuerySet[LedgerEntry]:
        return self.filter_by_ids(super().get_queryset().order_by("-at", "-pk"), "claim")


def register(router: BaseRouter) -> None:
    router.register("claims", ClaimViewSet, basename="claim")
    router.register("lines", ClaimLineViewSet, basename="claimline")
    router.register("refunds", RefundViewSet, basename="refund")
    router.register("budgets", BudgetViewSet, basename="budget")
    router.register("ledger", LedgerViewSet, basename="ledgerentry")
