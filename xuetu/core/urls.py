"""Core's own pages (audit log, jobs, exports), and the route helpers every app's URLs use:
`crud()` for a model's list, new, detail and edit pages, `actions()` for its action buttons.
Importing this module registers the `<id:pk>` converter (`core.converters`) that every page
route takes an object's id with."""

from __future__ import annotations

from django.urls import URLPattern, path
from django.views import View

from xuetu.core import converters as converters  # registers <id:…>
from xuetu.core import pages

app_name = "core"


def crud(
    prefix: str,
    name: str,
    list_view: type[View],
    detail: type[View],
    create: type[View],
    edit: type[View],
) -> list[URLPattern]:
    """`<prefix>/`, `new/`, `<pk>/` and `<pk>/edit/`, named `<name>_list`, `_create`…"""
    return [
        path(f"{prefix}/", list_view.as_view(), name=f"{name}_list"),
        path(f"{prefix}/new/", create.as_view(), name=f"{name}_create"),
        path(f"{prefix}/<id:pk>/", detail.as_view(), name=f"{name}_detail"),
        path(f"{prefix}/<id:pk>/edit/", edit.as_view(), name=f"{name}_edit"),
    ]


def actions(prefix: str, name: str, views_by_action: dict[str, type[View]]) -> list[URLPattern]:
    """`<prefix>/<pk>/<action>/` (underscores become hyphens), named `<name>_<action>`."""
    return [
        path(
            f"{prefix}/<id:pk>/{action.replace('_', '-')}/",
            view.as_view(),
            name=f"{name}_{action}",
        )
        for action, view in views_by_action.items()
    ]


urlpatterns = [
    path("audit/", pages.AuditList.as_view(), name="audit_list"),
    path("jobs/<id:pk>/", pages.job_detail, name="job_detail"),
    path("jobs/<id:pk>/download/", pages.job_download, name="job_download"),
    path("export/<slug:kind>/", pages.export_start, name="export_start"),
]
