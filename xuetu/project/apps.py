from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectConfig(AppConfig):
    """Project wiring that needs an app: the home page and its place in the navigation, the
    public routes the project itself serves, and the commands that span every app."""

    name = "xuetu.project"
    label = "project"
    verbose_name = _("Site")

    def ready(self) -> None:
        from xuetu.core import site
        from xuetu.core.access import register_public_urls

        site.register_menu(_("Home"), "home", order=0)
        register_public_urls("set_language", "javascript-catalog", "api-schema", "api-docs")
        register_public_urls("healthz")
