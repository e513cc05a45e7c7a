from django.urls import path

from xuetu.certification import views
from xuetu.core.urls import actions, crud  # and the <id:…> converter

app_name = "certification"

urlpatterns = [
    path("certificates/import/", views.CertificateImport.as_view(), name="certificate_import"),
    path(
        "certificates/import/template/",
        views.CertificateImportTemplate.as_view(),
        name="certificate_import_template",
    ),
    *crud(
        "certificates",
        "certificate",
        views.CertificateList,
        views.CertificateDetail,
        views.CertificateRecord,
        views.CertificateEdit,
    ),
    *actions(
        "certificates",
        "certificate",
        {"verify": views.CertificateVerify, "reject": views.CertificateReject},
    ),
    path("certificates/<id:pk>/scan/", views.CertificateScan.as_view(), name="certificate_scan"),
]
