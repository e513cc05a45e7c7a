"""In-app notices."""

from __future__ import annotations

from typing import Any

from xuetu.core.models import Notice
from xuetu.core.services import notices_mark_read
from xuetu.core.views import (
    ScopedListView,
)


class NoticeList(ScopedListView):
    """What changed for the user's organisations; shown notices are marked read."""

    model = Notice
    search_fields = ("params",)
    template_name = "programmes/notice_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("organisation")

    def user_can_create(self) -> bool:
        return False

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        unread = [n.pk for n in context["object_list"] if n.read_at is None]
        context["unread"] = set(unread)
        notices_mark_read(by=self.request.user, ids=unread)
        return context
