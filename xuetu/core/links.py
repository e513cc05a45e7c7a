"""Every object has its page: `get_absolute_url` from one named URL pattern.

A model says its page's URL name itself (`page_url_name`) when the page is its own app's;
when the page lives in a higher app (a district, kept in accounts, is shown by the
registry), that app registers it at start-up, so the lower app never names a higher URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django.urls import reverse

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_pages: dict[str, str] = {}


def register_page(model_label: str, url_name: str) -> None:
    """`accounts.district` is shown at `registry:district_detail`."""
    _pages[model_label.lower()] = url_name


def page_url_name(model_label: str) -> str | None:
    return _pages.get(model_label.lower())


class HasPage:
    """A model whose page is the named pattern `page_url_name` (or the one a higher app
    registered for it), taking the object's id."""

    page_url_name: ClassVar[str | None] = None
    pk: int | None

    def get_absolute_url(self) -> str:
        name = self.page_url_name or page_url_name(self._meta.label_lower)  # type: ignore[attr-defined]
        if name is None:
            raise LookupError(f"{self._meta.label} has no page registered")  # type: ignore[attr-defined]
        return reverse(name, args=[self.pk])


# ---- links a higher app adds to a lower app's page ------------------------------------------
# A person's page (registry) offers "Original retirement age" (programmes) to those who may
# change the person: the higher app registers the link, the page lists what is registered
# for its model and shown to its reader, and names no higher app.
@dataclass(frozen=True)
class ObjectLink:
    label: StrOrPromise
    url_name: str  # takes the object's id
    action: str  # the access table's action the reader needs on the object
    testid: str = ""


_object_links: dict[str, list[ObjectLink]] = {}


def register_object_link(model_label: str, link: ObjectLink) -> None:
    _object_links.setdefault(model_label.lower(), []).append(link)


def object_links(user: Any, obj: Any) -> list[tuple[ObjectLink, str]]:
    """The registered links of `obj`'s page that `user` may follow, with their URLs."""
    from xuetu.core.access import can

    links = _object_links.get(obj._meta.label_lower, [])
    return [
        (link, reverse(link.url_name, args=[obj.pk]))
        for link in links
        if can(user, link.action, obj)
    ]
