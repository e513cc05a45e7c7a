"""Sign-in pages and the home page each role lands on."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.views.generic import TemplateView

from xuetu.accounts.auth import signed_in
from xuetu.accounts.choices import Role
from xuetu.core.access import scope_for
from xuetu.core.models import Job
from xuetu.programmes.selectors import my_apprentices, my_enrollments


class HomeView(TemplateView):
    template_name = "accounts/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from xuetu.registry.models import Enterprise, Institution, Person

        context = super().get_context_data(**kwargs)
        user = signed_in(self.request)
        scope = scope_for(user)
        memberships = list(user.memberships.select_related("organisation__district"))
        context["memberships"] = memberships
        context["scope"] = scope
        context["roles"] = {m.role for m in memberships}
        context["Role"] = Role
        context["counts"] = {
            "enterprises": Enterprise.objects.for_user(user).count(),
            "institutions": Institution.objects.for_user(user).count(),
            "people": Person.objects.for_user(user).count(),
        }
        if scope.city or scope.district_ids:
            context["by_district"] = (
                Enterprise.objects.for_user(user)
                .values("district__name")
                .annotate(n=Count("pk"))
                .order_by("-n")[:10]
            )
        context["my_person"] = getattr(user, "person", None) if hasattr(user, "person") else None
        context["jobs"] = Job.objects.for_user(user)[:5]
        context["my_enrollments"] = my_enrollments(user)[:10]
        context["my_apprentices"] = my_apprentices(user)[:50]
        return context
