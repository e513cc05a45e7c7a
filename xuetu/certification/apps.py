from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "xuetu.certification"
    label = "certification"
    verbose_name = _("Certification")

    def ready(self) -> None:
        from xuetu.certification import access, site, tasks  # noqa: F401 - the import job

        access.register()
        site.register()
