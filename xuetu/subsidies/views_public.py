"""The public notices (公示) of subsidy claims: no login, masked names, no ID numbers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from xuetu.subsidies.models import Notice


@login_not_required
@require_safe
def notice_list(request: HttpRequest) -> HttpResponse:
    notices = Notice.objects.select_related("claim").order_by("-published_on", "-pk")[:200]
    return render(request, "public/notice_list.html", {"notices": notices})


@login_not_required
@require_safe
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=pk)
    return render(request, "public/notice_detail.html", {"notice": notice})
