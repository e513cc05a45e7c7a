from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "xuetu.programmes"
    label = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from xuetu.programmes import access, exports, site, tasks  # noqa: F401 - exports, jobs

        access.register()

        site.register()
