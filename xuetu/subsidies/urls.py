from django.urls import path

from xuetu.subsidies import views

app_name = "subsidies"

urlpatterns = [
    path("claims/<id:pk>/", views.ClaimDetail.as_view(), name="claim_detail"),
    path("refunds/<id:pk>/", views.RefundDetail.as_view(), name="refund_detail"),
]
