"""In-app notices."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from xuetu.core.models import Notice
from xuetu.core.views import (
    ScopedListView,
)


class NoticeList(ScopedListView):
    """What changed for the user's organisations; shown notices are marked read."""

    model = Notice
    search_fields = ("text",)
    template_name = "programmes/notice_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("organisation")

    def user_can_create(self) -> bool:
        return False

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        unread = [n.pk for n in context["object_list"] if n.read_at is None]
        context["unread"] = set(unread)
        mark_read(self.request.user, unread)
        return context


def mark_read(user, ids: list[int]) -> None:
    # A read mark is the reader's bookkeeping, not a change to audit.
    if ids:
        Notice.objects.for_user(user).filter(pk__in=ids, read_at__isnull=True).update(
            read_at=timezone.now()
        )
