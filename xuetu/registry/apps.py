from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "xuetu.registry"
    label = "registry"
    verbose_name = _("Registries")

    def ready(self) -> None:
        from xuetu.registry import access, exports, site  # noqa: F401 - exports registers its job

        access.register()

        site.register()
