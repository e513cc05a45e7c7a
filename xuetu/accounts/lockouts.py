"""Sign-in locks (django-axes): which user name and address pairs are locked now, and the city
administrator lifting one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from xuetu.accounts.models import User
from xuetu.core.access import scope_for
from xuetu.core.audit import audit_record

SHOWN = 200  # pairs on the page, the latest first


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def failed_pairs(*, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Each (user name, address) with failed sign-ins still counted, and whether it is locked."""
    since = (now or timezone.now()) - settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .order_by("-last")[:SHOWN]
    )
    return [
        {
            **row,
            "locked": row["failures"] >= settings.AXES_FAILURE_LIMIT,
            "until": row["last"] + settings.AXES_COOLOFF_TIME,
        }
        for row in rows
    ]


def lockout_release(*, by: User, username: str, ip_address: str) -> int:
    """Forgets the failed sign-ins of one pair, so it may sign in again; how many records
    went. Only the city administrator may."""
    if not scope_for(by).city:
        raise PermissionDenied(_("Only the city administrator lifts a sign-in lock."))
    with transaction.atomic():
        attempt = AccessAttempt.objects.filter(username=username, ip_address=ip_address).first()
        if attempt is None:
            return 0
        audit_record(
            by=by,
            action="accessattempt.release",
            obj=attempt,
            before={"username": username, "ip_address": ip_address},
        )
        return reset(ip=ip_address, username=username)
