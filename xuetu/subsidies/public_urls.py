"""Public notices of subsidy claims: /public/notices/, /public/notices/<id>/ with its objection
form, and the notice as PDF and Excel (no login)."""

from django.urls import path

from xuetu.subsidies import views_public

app_name = "notices"

urlpatterns = [
    path("", views_public.notice_list, name="list"),
    path("<id:pk>/", views_public.notice_detail, name="detail"),
    path("<id:pk>/pdf/", views_public.notice_pdf, name="pdf"),
    path("<id:pk>/xlsx/", views_public.notice_xlsx, name="xlsx"),
]
