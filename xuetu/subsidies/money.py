"""Money is a `Decimal` of yuan with two places (fen), end to end: a float never reaches a
money field (a binary float cannot hold 0.1 yuan, and public money is counted to the fen)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def to_fen(value: Decimal) -> Decimal:
    """Rounded to the fen, half up (0.005 yuan is 0.01)."""
    if not isinstance(value, Decimal):
        raise TypeError(f"money must be a Decimal, not {type(value).__name__}")
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def refuse_float(value: Any) -> None:
    if isinstance(value, float):
        raise ValidationError(
            _("An amount of money must be given as a decimal number, not a float."),
            code="float_money",
        )


class MoneyField(models.DecimalField):
    """Yuan with two places (max_digits=12). A float is refused when validated, and a float
    that reaches the database anyway is a TypeError: it is a programming error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        refuse_float(value)
        return super().to_python(value)

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        if isinstance(value, float):
            raise TypeError(f"{self.name}: money must be a Decimal, not a float")
        return super().get_db_prep_save(value, connection)
