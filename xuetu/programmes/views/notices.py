"""In-app notices."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xuetu.core.models import Notice
from xuetu.core.services import notices_mark_read
from xuetu.core.views import ScopedListView, nobody


class NoticeList(ScopedListView):
    """What changed for the user's organisations; shown notices are marked read."""

    model = Notice
    may_create = nobody
    search_fields = ("text",)
    template_name = "programmes/notice_list.html"

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("organisation")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        unread = [n.pk for n in context["object_list"] if n.read_at is None]
        context["unread"] = set(unread)
        notices_mark_read(by=self.request.user, ids=unread)
        return context
