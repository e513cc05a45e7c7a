"""Every object has its page: `get_absolute_url` from one named URL pattern."""

from __future__ import annotations

from typing import ClassVar

from django.urls import reverse


class HasPage:
    """A model whose page is the named pattern `page_url_name`, taking the object's id."""

    page_url_name: ClassVar[str]
    pk: int | None

    def get_absolute_url(self) -> str:
        return reverse(self.page_url_name, args=[self.pk])
