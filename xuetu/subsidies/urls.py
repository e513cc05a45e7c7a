from django.urls import path

from xuetu.subsidies import views, views_exports

app_name = "subsidies"

urlpatterns = [
    path("claims/<id:pk>/", views.ClaimDetail.as_view(), name="claim_detail"),
    path("refunds/<id:pk>/", views.RefundDetail.as_view(), name="refund_detail"),
    # exports (notices helper)
    path("claims/<id:pk>/pdf/", views_exports.ClaimPdf.as_view(), name="claim_pdf"),
    path("finance/export.xlsx", views_exports.FinanceExport.as_view(), name="finance_export"),
]
