"""In-app notices."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from xuetu.core.ids import parse_id
from xuetu.core.models import Notice
from xuetu.core.services import notices_mark_read
from xuetu.core.views import ScopedListView, nobody


class NoticeList(ScopedListView):
    """What changed for the user's organisations. Reading the page changes nothing; the
    reader marks the notices shown as read with the page's button (a POST)."""

    model = Notice
    may_create = nobody
    search_fields = ("params",)
    template_name = "programmes/notice_list.html"

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("organisation")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["unread"] = {n.pk for n in context["object_list"] if n.read_at is None}
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ids = [parse_id(value) for value in request.POST.getlist("read")]
        notices_mark_read(by=request.user, ids=[pk for pk in ids if pk is not None])
        return redirect(request.get_full_path())
