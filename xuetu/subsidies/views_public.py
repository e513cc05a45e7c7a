"""The public notices (公示) of subsidy claims: no login, masked names, no ID numbers.

Every page reads the notice's content frozen when it was published. While a notice runs,
anyone may object (a form limited per client address); an objection sends the claim back under
review and withdraws the notice."""

from __future__ import annotations

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from xuetu.core.limits import count_in_window
from xuetu.core.middleware import client_ip
from xuetu.core.problems import Refused
from xuetu.core.validators import validate_line, validate_text
from xuetu.core.views import add_problems, file_response
from xuetu.subsidies import exports
from xuetu.subsidies.models import Notice
from xuetu.subsidies.services.objections import objection_raise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 20
QUERY_MAX = 100
# Objections per client address in the window, then 429 (each one holds a claim for review).
OBJECTION_LIMIT = 5
OBJECTION_WINDOW = 60 * 60
logger = logging.getLogger(__name__)


class NoticeFilter(forms.Form):
    q = forms.CharField(
        label=_("Enterprise name or class code"),
        max_length=QUERY_MAX,
        required=False,
        validators=[validate_line],
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label=_("What is wrong"),
        max_length=2000,
        validators=[validate_text],
        help_text=_("For example: a person listed did not train in this class."),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 5}),
    )
    name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=60,
        required=False,
        validators=[validate_line],
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "name"}),
    )
    contact = forms.CharField(
        label=_("Phone or e-mail (optional)"),
        max_length=100,
        required=False,
        validators=[validate_line],
        help_text=_("Only the reviewers see your name and contact, to ask you more."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


def ordered(queryset: QuerySet[Notice]) -> QuerySet[Notice]:
    """Running first, then ended, then withdrawn; the newest first in each."""
    today = timezone.localdate()
    rank = Case(
        When(withdrawn_at__isnull=False, then=Value(2)),
        When(ends_on__gte=today, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return queryset.annotate(rank=rank).order_by("rank", "-published_on", "-pk")


@login_not_required
@require_safe
def notice_list(request: HttpRequest) -> HttpResponse:
    # Deliberately not `for_user`: a notice is public once published.
    form = NoticeFilter(request.GET or None)
    notices = Notice.objects.all()
    if form.is_valid() and form.cleaned_data["q"].strip():
        q = form.cleaned_data["q"].strip()
        notices = notices.filter(
            Q(claim__cohort__enterprise__name__icontains=q) | Q(claim__cohort__code__icontains=q)
        )
    elif form.is_bound and not form.is_valid():
        notices = notices.none()
    page = Paginator(ordered(notices), PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    views = [exports.notice_view(notice, today) for notice in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "views": views, "query": query.urlencode()}
    return render(request, "public/notice_list.html", context)


def _view(pk: int) -> exports.NoticeView:
    notice = get_object_or_404(Notice, pk=pk)
    return exports.notice_view(notice, timezone.localdate())


def _count_objection(request: HttpRequest) -> int:
    """This address's objections in the window, this one included."""
    key = f"objection-requests:{client_ip(request) or 'unknown'}"
    return count_in_window(key, OBJECTION_WINDOW)


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    view = _view(pk)
    form = ObjectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not view.running:
            messages.error(request, _("This notice is not running: objections are closed."))
            return redirect(view.notice.get_absolute_url())
        if _count_objection(request) > OBJECTION_LIMIT:
            logger.warning("objection refused (429): too many from %s", client_ip(request))
            context = {"view": view, "limited": True, "minutes": OBJECTION_WINDOW // 60}
            context["list_url"] = reverse("notices:list")
            return render(request, "public/notice_detail.html", context, status=429)
        if form.is_valid():
            try:
                objection_raise(notice=view.notice, today=timezone.localdate(), **form.cleaned_data)
            except Refused as refused:
                add_problems(form, refused)
            else:
                messages.success(
                    request,
                    _(
                        "Thank you. Your objection was received: the claim is held for review "
                        "and the bureau will look into it."
                    ),
                )
                return redirect(view.notice.get_absolute_url())
    context = {"view": view, "form": form, "list_url": reverse("notices:list")}
    return render(request, "public/notice_detail.html", context)


@login_not_required
@require_safe
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    view = _view(pk)
    name = f"{view.content.get('cohort_code', view.notice.pk)}-notice.pdf"
    return file_response(exports.notice_pdf(view), name, "application/pdf", inline=True)


@login_not_required
@require_safe
def notice_xlsx(request: HttpRequest, pk: int) -> HttpResponseBase:
    view = _view(pk)
    name = f"{view.content.get('cohort_code', view.notice.pk)}-notice.xlsx"
    return file_response(exports.notice_xlsx(view), name, XLSX)
