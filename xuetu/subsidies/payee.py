"""The payee account (收款账户) of a claim: the enterprise's bank account, checked for format
and masked everywhere but the finance export (the finance bureau pays to it). Chongqing asks
no tax invoice for this subsidy (2020), so a claim carries none."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ACCOUNT_DIGITS = (8, 30)
_SEPARATORS = re.compile(r"[\s\-]")


def normalise_account(value: str) -> str:
    """Digits only: people type bank accounts in groups of four, with spaces or dashes."""
    return _SEPARATORS.sub("", value or "")


def validate_account_number(value: Any) -> None:
    """A Chinese bank account number: 8 to 30 digits (a corporate settlement account is
    usually 12 to 25; card numbers are 16 to 19)."""
    text = normalise_account(str(value))
    low, high = ACCOUNT_DIGITS
    if not text.isascii() or not text.isdigit() or not low <= len(text) <= high:
        raise ValidationError(
            _("An account number is %(low)s to %(high)s digits (spaces between groups are fine)."),
            code="account_number",
            params={"low": low, "high": high},
        )


def mask_account(number: str) -> str:
    """The last four digits alone: **** 1234."""
    text = normalise_account(number)
    if not text:
        return ""
    return f"**** {text[-4:]}" if len(text) > 4 else "****"
