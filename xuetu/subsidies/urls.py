from django.urls import path

from xuetu.subsidies import views, views_history

app_name = "subsidies"

urlpatterns = [
    path("claims/<id:pk>/", views.ClaimDetail.as_view(), name="claim_detail"),
    path("refunds/<id:pk>/", views.RefundDetail.as_view(), name="refund_detail"),
    # history and jobs (history helper)
    path("grants/", views_history.GrantList.as_view(), name="grant_list"),
    path("grants/import/", views_history.HistoryImport.as_view(), name="history_import"),
    path(
        "grants/import/template/", views_history.HistoryTemplate.as_view(), name="history_template"
    ),
    path("settlements/year/", views_history.SettlementStart.as_view(), name="settle_year"),
]
