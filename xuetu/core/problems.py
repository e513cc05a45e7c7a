"""Refusals with reasons: the vocabulary every app's rules and services speak.

Pure: no database, no clock. A check returns a list of `Problem`s (empty when all is well), so
a request can be refused with every reason at once; a service raises `Refused` with them and
the API answers 409 with the list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise, lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise  # the stubs' name for a lazy str


@dataclass(frozen=True)
class Problem:
    """One reason a check fails: a stable code for programs, a message for people."""

    code: str
    message: str | StrPromise
    field: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": str(self.message), "field": self.field}

    def about(self, subject: str, prefix: str) -> Problem:
        """The same problem, said of one row of a list (e.g. an apprentice on the roster)."""
        where = f"{prefix}.{self.field}" if self.field else prefix
        return Problem(self.code, format_lazy("{}: {}", subject, self.message), where)

    def on(self, field: str | None) -> Problem:
        """The same problem, said of another field."""
        return Problem(self.code, self.message, field)


_interpolate = lazy(lambda message, params: str(message) % params, str)


def say(message: str | Promise, **params: object) -> StrPromise:
    """A translated message with `%(name)s` placeholders, still lazy: it is rendered in the
    language active when it is shown, not when the check ran."""
    return _interpolate(message, params)


class Refused(Exception):
    """A change the rules refuse, with every reason (the API answers 409)."""

    def __init__(self, problems: Iterable[Problem], detail: str | Promise | None = None) -> None:
        self.problems = list(problems)
        self.detail = detail or _("The change was refused.")
        super().__init__("; ".join(f"{p.code}: {p.message}" for p in self.problems))

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]


def refuse_if(problems: Iterable[Problem], detail: str | Promise | None = None) -> None:
    """Raises `Refused` with every problem, if there is any."""
    found = list(problems)
    if found:
        raise Refused(found, detail)


CONFLICT = Problem(
    "changed_meanwhile",
    _("Someone else changed this first. Reload the page and try again."),
    "status",
)
