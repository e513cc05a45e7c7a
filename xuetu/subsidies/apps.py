from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "xuetu.subsidies"
    label = "subsidies"
    verbose_name = _("Subsidies")

    def ready(self) -> None:
        from xuetu.core.access import register_public_urls
        from xuetu.subsidies import (
            access,
            audit_labels,
            notices,  # noqa: F401  (its notice kinds, registered)
            notices_jobs,  # noqa: F401  (the jobs' notice kinds)
            providers,
            site,
            tasks,  # noqa: F401  (the history import and settlement jobs)
        )

        access.register()
        register_public_urls("notices:list", "notices:detail", "notices:pdf", "notices:xlsx")
        audit_labels.register()
        site.register()
        providers.register()
