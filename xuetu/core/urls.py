from django.urls import path

from xuetu.core import pages

app_name = "core"

urlpatterns = [
    path("audit/", pages.AuditList.as_view(), name="audit_list"),
    path("jobs/<int:pk>/", pages.job_detail, name="job_detail"),
    path("jobs/<int:pk>/download/", pages.job_download, name="job_download"),
    path("export/<slug:kind>/", pages.export_start, name="export_start"),
]
