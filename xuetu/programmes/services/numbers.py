"""Document numbers never change once issued: an agreement's number, a class's code, an
appointment letter's number are what the public verification, the filing forms and the
bureau's records cite. An edit may carry the same number back (a full PUT does); a different
one is refused, naming the field."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

NUMBER_FIXED = _("A document number never changes once it is issued.")


def keep_number(instance: models.Model, fields: dict[str, Any], field: str) -> None:
    """Takes `field` out of an edit's `fields`; refuses it if it differs from the issued one."""
    if field not in fields:
        return
    value = fields.pop(field)
    if str(value or "").strip() != getattr(instance, field):
        raise ValidationError({field: NUMBER_FIXED})
