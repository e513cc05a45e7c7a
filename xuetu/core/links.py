"""Every object has its page: `get_absolute_url` from one named URL pattern.

A model says its page's URL name itself (`page_url_name`) when the page is its own app's;
when the page lives in a higher app (a district, kept in accounts, is shown by the
registry), that app registers it at start-up, so the lower app never names a higher URL.
"""

from __future__ import annotations

from typing import ClassVar

from django.urls import reverse

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
