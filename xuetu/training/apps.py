from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "xuetu.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from xuetu.training import (
            access,
            audit_labels,
            notices,  # noqa: F401  (its notice kinds, registered)
            providers,
            site,
        )

        access.register()
        audit_labels.register()
        providers.register()
        site.register()
