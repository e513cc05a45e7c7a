from typing import Any

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "xuetu.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from xuetu.core import site
        from xuetu.core.access import register_public_urls

        # The public verification pages of every registered kind of document (core.verify).
        register_public_urls("public:verify", "public:verify_number")
        site.register_menu(_("Audit log"), "core:audit_list", order=90, visible=site.city)
        site.register_home_panel("core/_home_jobs.html", order=90, context=recent_jobs)


def recent_jobs(request: HttpRequest) -> dict[str, Any]:
    from xuetu.core.models import Job

    return {"jobs": Job.objects.for_user(request.user)[:5]}
