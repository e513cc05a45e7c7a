from django.urls import path

from xuetu.core.urls import actions  # and the <id:…> converter
from xuetu.subsidies import views, views_exports, views_history

app_name = "subsidies"

urlpatterns = [
    path("claims/", views.ClaimList.as_view(), name="claim_list"),
    path("claims/<id:pk>/", views.ClaimDetail.as_view(), name="claim_detail"),
    path("claims/<id:pk>/payee/", views.ClaimPayee.as_view(), name="claim_payee"),
    *actions(
        "claims",
        "claim",
        {
            "recompute": views.ClaimRecompute,
            "submit": views.ClaimSubmit,
            "review": views.ClaimReview,
            "special_approval": views.ClaimSpecialApproval,
            "notice": views.ClaimNotice,
            "return": views.ClaimReturn,
            "reject": views.ClaimReject,
            "approve": views.ClaimApprove,
            "pay": views.ClaimPay,
        },
    ),
    path("lines/<id:pk>/decide/", views.LineDecide.as_view(), name="line_decide"),
    path("objections/<id:pk>/resolve/", views.ObjectionResolve.as_view(), name="objection_resolve"),
    path("classes/<id:pk>/claims/", views.CohortClaims.as_view(), name="cohort_claims"),
    path("classes/<id:pk>/claims/new/", views.ClaimCreate.as_view(), name="claim_create"),
    path("refunds/", views.RefundList.as_view(), name="refund_list"),
    path("refunds/<id:pk>/", views.RefundDetail.as_view(), name="refund_detail"),
    path("refunds/<id:pk>/repay/", views.RefundRepay.as_view(), name="refund_repay"),
    path("budgets/", views.BudgetList.as_view(), name="budget_list"),
    path("budgets/new/", views.BudgetSet.as_view(), name="budget_create"),
    path("budgets/<id:pk>/", views.BudgetDetail.as_view(), name="budget_detail"),
    path("ledger/", views.LedgerList.as_view(), name="ledger_list"),
    # exports
    path("claims/<id:pk>/pdf/", views_exports.ClaimPdf.as_view(), name="claim_pdf"),
    path("finance/export.xlsx", views_exports.FinanceExport.as_view(), name="finance_export"),
    # history and the yearly settlement
    path("grants/", views_history.GrantList.as_view(), name="grant_list"),
    path("grants/import/", views_history.HistoryImport.as_view(), name="history_import"),
    path(
        "grants/import/template/", views_history.HistoryTemplate.as_view(), name="history_template"
    ),
    path("settlements/year/", views_history.SettlementStart.as_view(), name="settle_year"),
]
