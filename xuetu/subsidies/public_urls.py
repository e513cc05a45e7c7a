"""Public notices of subsidy claims: /public/notices/ and /public/notices/<id>/ (no login)."""

from django.urls import path

from xuetu.subsidies import views_public

app_name = "notices"

urlpatterns = [
    path("", views_public.notice_list, name="list"),
    path("<id:pk>/", views_public.notice_detail, name="detail"),
]
