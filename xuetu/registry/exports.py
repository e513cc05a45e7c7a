"""Excel exports of the registry lists, run as background jobs. Rows come from `for_user`,
and resident ID numbers are masked for roles that do not need them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from xuetu.core.excel import write_xlsx
from xuetu.core.identifiers import mask_id_number
from xuetu.core.jobs import JobProgress, job_handler
from xuetu.core.models import Job
from xuetu.registry.masking import shows_full_id
from xuetu.registry.models import District, Enterprise, Institution, Occupation, Person

Column = tuple[str, Callable[[Any], Any]]


def _columns(kind: str, user) -> tuple[Any, list[Column]]:
    if kind == "enterprise":
        return Enterprise.objects.for_user(user).select_related("district"), [
            (_("name"), lambda e: e.name),
            (_("unified social credit code"), lambda e: e.uscc),
            (_("district"), lambda e: e.district.name if e.district else ""),
            (_("size"), lambda e: e.get_size_display()),
            (_("skilled-worker share (%)"), lambda e: e.skilled_worker_share),
            (_("contact person"), lambda e: e.contact_name),
            (_("contact phone"), lambda e: e.contact_phone),
        ]
    if kind == "institution":
        return Institution.objects.for_user(user).select_related("district"), [
            (_("name"), lambda i: i.name),
            (_("unified social credit code"), lambda i: i.uscc or ""),
            (_("institution type"), lambda i: i.get_institution_type_display()),
            (_("district"), lambda i: i.district.name if i.district else ""),
        ]
    if kind == "person":
        return Person.objects.for_user(user).select_related("registered_by"), [
            (_("name"), lambda p: p.name),
            (
                _("resident ID number"),
                lambda p: p.id_number if shows_full_id(user, p) else mask_id_number(p.id_number),
            ),
            (_("gender"), lambda p: p.get_gender_display()),
            (_("birth date"), lambda p: p.birth_date),
            (_("mobile phone"), lambda p: p.phone),
            (_("registered by"), lambda p: p.registered_by.name if p.registered_by else ""),
        ]
    if kind == "occupation":
        return Occupation.objects.for_user(user), [
            (_("code"), lambda o: o.code),
            (_("name"), lambda o: o.name),
            (_("levels offered"), lambda o: " ".join(o.level_labels)),
        ]
    if kind == "district":
        return District.objects.for_user(user), [
            (_("code"), lambda d: d.code),
            (_("name"), lambda d: d.name),
        ]
    raise ValueError(f"no export for {kind}")


EXPORT_KINDS = ("enterprise", "institution", "person", "occupation", "district")


@job_handler("registry.export")
def export_list(job: Job, progress: JobProgress) -> None:
    user = get_user_model().objects.get(pk=job.owner_id)
    kind = job.params["list"]
    with override(job.params.get("language", "zh-hans")):
        queryset, columns = _columns(kind, user)
        progress.start(queryset.count())
        rows = []
        for obj in queryset.iterator(chunk_size=500):
            rows.append([column[1](obj) for column in columns])
            progress.advance()
        data = write_xlsx([column[0] for column in columns], rows, title=kind)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    progress.finish(
        _("%(count)d rows exported.") % {"count": len(rows)},
        file=(f"{kind}-{stamp}.xlsx", data),
    )
