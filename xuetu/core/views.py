"""Base pages. An app's lists, detail pages, forms, actions and downloads are declarations on
these classes (a model, a form, a service, a message), not copies of their machinery.

Access is asked in two places, shared with the API (`xuetu.core.api`): `visible_to()` says
which rows a user reaches, so another organisation's object is a 404; `scoped_object()` looks
one up and, for a page that changes it, also asks `can_manage` (a 403 when the user sees the
object but may not change it). Writes go through services: a form's valid data goes to a
service; the service's `ValidationError` lands on the form's fields, a `Refused` shows every
problem, and a `PermissionDenied` is a 403.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views import generic
from django.views.generic.detail import SingleObjectMixin

from xuetu.core.access import (
    CHANGE,
    VIEW,
    ScopedQuerySet,
    can,
    can_manage,
    restrict_choices,
    scope_for,
)
from xuetu.core.problems import Refused

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise  # the stubs' name for a lazy str

Service = Callable[..., Any]
M = TypeVar("M", bound=models.Model)


# Access: the two questions every page and API route asks --------------------------------------
def visible_to(model: type[M], user) -> models.QuerySet[M]:
    """The rows of `model` that `user` reaches; any other row does not exist for them."""
    # Every model served here has a ScopedQuerySet manager; the stubs only know Manager.
    return cast(ScopedQuerySet, model._default_manager).for_user(user)


def scoped_object(user, queryset: models.QuerySet[M], *, access: str = VIEW, **lookup: Any) -> M:
    """One object from `queryset` (already `visible_to` the user): 404 when it is not there,
    whether it does not exist or belongs to someone else; for any other `access` than view
    (change, review…: an action of the model's access table), a 403 unless the table lets
    the user take it."""
    obj = get_object_or_404(queryset, **lookup)
    if access != VIEW and not can(user, access, obj):
        raise PermissionDenied(_("You may see this but not do this."))
    return obj


def city_only(user) -> bool:
    """Who may create by default: the city bureau."""
    return scope_for(user).city


def any_manager(user) -> bool:
    """The city bureau or a manager of any organisation."""
    scope = scope_for(user)
    return scope.city or bool(scope.managed_org_ids)


def nobody(user) -> bool:
    return False


def passes(check: Callable[..., None], *args: Any) -> bool:
    """Whether a service's permission check lets the user through (buttons follow it)."""
    try:
        check(*args)
    except PermissionDenied:
        return False
    return True


def detail_url(obj: models.Model, namespace: str = "", url_name: str | None = None) -> str:
    """The object's page: its `get_absolute_url()`, else `<namespace>:<url_name>_detail`."""
    if hasattr(obj, "get_absolute_url"):
        return obj.get_absolute_url()
    name = f"{url_name or obj._meta.model_name}_detail"
    return reverse(f"{namespace}:{name}" if namespace else name, args=[obj.pk])


def file_response(
    data: bytes, filename: str, content_type: str, *, inline: bool = False
) -> FileResponse:
    return FileResponse(
        io.BytesIO(data), as_attachment=not inline, filename=filename, content_type=content_type
    )


# Errors onto forms ------------------------------------------------------------------------
def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Puts a service's ValidationError onto the form, field by field where it can."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def add_problems(form: forms.BaseForm, refused: Refused) -> None:
    """Every reason of a refusal, in the reader's language, above the form."""
    for problem in refused.problems:
        form.add_error(None, problem.message)


def label_empty_choices(form: forms.BaseForm) -> None:
    """A filter's empty choice says what it filters ("District: all"), not "---------"."""
    field: Any  # any field; the branches ask for what they change
    for field in form.fields.values():
        label = _("%(label)s: all") % {"label": capfirst(field.label)}
        if hasattr(field, "empty_label"):
            field.empty_label = label
            field.widget.choices = field.choices  # a plain choice widget keeps its own copy
        elif getattr(field, "choices", None) and next(iter(field.choices))[0] == "":
            field.choices = [("", label), *list(field.choices)[1:]]


# The base of every page ---------------------------------------------------------------------
class ScopedMixin(generic.View):
    """Declarations: `model`; `access`, the action of the model's access table the page
    takes on its object (`view`; `change` for an edit; `review`…: a 403 unless the user may);
    `may_create` (a function of the user); `url_name` when the URL names are not the model's
    name; `service_object`, the keyword the object goes to its services under (default: the
    URL name). Functions declared here are read from the class, so they are not bound."""

    model: type[models.Model]
    request: HttpRequest
    kwargs: dict[str, Any]
    access = VIEW
    may_create: ClassVar[Callable[[Any], bool]] = city_only
    service: ClassVar[Service]  # on the pages that call one
    url_name: str | None = None
    service_object: str | None = None
    entry_denied: str | StrPromise = _("You may not do this.")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not self.user_may_enter():
            raise PermissionDenied(self.entry_denied)
        return super().dispatch(request, *args, **kwargs)

    def user_may_enter(self) -> bool:
        """Whether the user may open this page at all (before any object is read)."""
        return True

    def get_queryset(self) -> models.QuerySet:
        return visible_to(self.model, self.request.user)

    def get_object(self, queryset: models.QuerySet | None = None) -> models.Model:
        queryset = self.get_queryset() if queryset is None else queryset
        return scoped_object(self.request.user, queryset, access=self.access, pk=self.kwargs["pk"])

    def user_can_create(self) -> bool:
        return type(self).may_create(self.request.user)

    def object_name(self) -> str:
        name = self.service_object or self.url_name or self.model._meta.model_name
        assert name is not None  # a model always has its name
        return name

    def object_url(self, obj: models.Model) -> str:
        namespace = getattr(self.request.resolver_match, "namespace", "")
        url_name = self.url_name if isinstance(obj, self.model) else None
        return detail_url(obj, namespace, url_name)

    def call_service(self, **values: Any) -> Any:
        return type(self).service(by=self.request.user, **values)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Every page but a download (which renders no context) has Django's ContextMixin.
        context = cast(generic.base.ContextMixin, super()).get_context_data(**kwargs)
        context["opts"] = self.model._meta
        context["can_create"] = self.user_can_create()
        return context


class SortColumn:
    """One sortable column header: the link that sorts by it (the other way round when it
    is the current order), the arrow and the `aria-sort` value of the current order."""

    ARROWS: ClassVar[dict[str, str]] = {"ascending": "▲", "descending": "▼", "none": ""}

    def __init__(self, key: str, current: str, params: Any) -> None:
        self.key = key
        self.aria = {key: "ascending", f"-{key}": "descending"}.get(current, "none")
        params = params.copy()
        params["sort"] = f"-{key}" if self.aria == "ascending" else key
        self.url = f"?{params.urlencode()}"
        self.arrow = self.ARROWS[self.aria]


class Sorting:
    """The sort links of a list page, by key (`sort.code` in a template); a key the list
    does not allow has none (its header stays plain text); `sort.current`, the order shown."""

    def __init__(self, keys: Iterable[str], current: str, params: Any) -> None:
        self.current = current
        self._columns = {key: SortColumn(key, current, params) for key in keys}

    def __getitem__(self, key: str) -> SortColumn:
        return self._columns[key]  # a KeyError lets a template try the attributes

    def __contains__(self, key: str) -> bool:
        return key in self._columns


class ScopedListView(ScopedMixin, generic.ListView):
    """A searchable, filterable, paginated list of what the user may see, sortable by the
    keys it allows: `sort_fields` maps `?sort=<key>` (or `-<key>`) to the field paths it
    orders by, declared on the page or, failing that, on its filterset; any other key is
    ignored (never an arbitrary field: a masked ID number is no sort key). The pk breaks
    ties, so paging through a sorted list shows each row once."""

    model: type[models.Model]  # required here, as on a detail page
    paginate_by = 25
    search_fields: tuple[str, ...] = ()
    filterset_class: type[Any] | None = None  # a django-filter FilterSet
    sort_fields: Mapping[str, str | tuple[str, ...]] = {}

    def get_sort_fields(self) -> Mapping[str, str | tuple[str, ...]]:
        return self.sort_fields or getattr(self.filterset_class, "sort_fields", {})

    def sort_key(self) -> str:
        """The requested order when the list allows it, else "" (the list's own order)."""
        key = self.request.GET.get("sort", "").strip()
        return key if key.removeprefix("-") in self.get_sort_fields() else ""

    def sorted(self, queryset: models.QuerySet) -> models.QuerySet:
        key = self.sort_key()
        if not key:
            return queryset
        paths = self.get_sort_fields()[key.removeprefix("-")]
        paths = (paths,) if isinstance(paths, str) else paths
        sign = "-" if key.startswith("-") else ""
        return queryset.order_by(*(f"{sign}{path}" for path in paths), "pk")

    def paginate_queryset(self, queryset: Any, page_size: int) -> Any:
        # Sorted here, after a page's own get_queryset (which may order_by for its annotations).
        return super().paginate_queryset(self.sorted(queryset), page_size)

    def get_queryset(self) -> models.QuerySet:
        queryset = super().get_queryset()
        query = self.request.GET.get("q", "").strip()
        if query and self.search_fields:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": query})
            queryset = queryset.filter(condition)
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(
                self.request.GET, queryset=queryset, request=self.request
            )
            restrict_choices(self.filterset.form.fields.values(), self.request.user)
            label_empty_choices(self.filterset.form)
            queryset = self.filterset.qs
        return queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filterset"] = getattr(self, "filterset", None)
        context["query"] = self.request.GET.get("q", "")
        params = self.request.GET.copy()
        context["sort"] = Sorting(self.get_sort_fields(), self.sort_key(), params)
        params.pop("page", None)
        context["querystring"] = params.urlencode()
        return context


class ScopedDetailView(ScopedMixin, generic.DetailView):
    """One object's page. An action refused on it re-renders it with `refused` (the
    problems) and `failed_form` (the action's form with its errors) in the context."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_edit"] = can_manage(self.request.user, self.object)
        return context


class ScopedDownloadView(ScopedMixin, generic.View):
    """A file about one object, for whoever sees the object (never a public URL). A stored
    file is served by naming its field (`file_field`); a file made on request overrides
    `download`."""

    file_field: str | None = None

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.object = self.get_object()
        return self.download(self.object)

    def download(self, obj: Any) -> HttpResponseBase:  # obj: an instance of the page's model
        if self.file_field is None:
            raise NotImplementedError
        stored = getattr(obj, self.file_field)
        if not stored:
            raise Http404
        response = FileResponse(
            stored.open("rb"),
            as_attachment=True,
            filename=self.download_name(obj),
            content_type=self.download_type(obj),
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    def download_name(self, obj: Any) -> str:
        return getattr(obj, self.file_field or "").name.rsplit("/", 1)[-1]

    def download_type(self, obj: Any) -> str | None:
        return None  # guessed from the name


# Forms whose valid data goes to a service ---------------------------------------------------
class ServiceFormMixin(generic.edit.FormMixin):
    """Declarations: `form_class`, `service` (called with `by=` the user and the form's data:
    its `service_fields()` if it has them, else its cleaned data), `done` (the success
    message), `title`. A form that needs the user narrows itself in `for_user(user)`; every
    model choice is narrowed to what the user sees unless `restrict` is False."""

    template_name: str | None = "core/form.html"
    service: ClassVar[Service]
    restrict = True
    done: str | StrPromise | None = None
    title: str | StrPromise | None = None
    object: models.Model | None
    # ScopedMixin's, which comes after this in every service form's bases.
    request: HttpRequest
    model: type[models.Model]
    call_service: Callable[..., Any]
    object_url: Callable[[models.Model], str]

    def get_form(self, form_class: type[forms.BaseForm] | None = None) -> forms.BaseForm:
        form = super().get_form(form_class)
        if self.restrict:
            restrict_choices(form.fields.values(), self.request.user)
        if hasattr(form, "for_user"):
            form.for_user(self.request.user)
        return form

    def form_valid(self, form: forms.BaseForm) -> HttpResponse:
        try:
            result = self.perform(form)
        except ValidationError as error:
            apply_errors(form, error)
        except Refused as refused:
            add_problems(form, refused)
        else:
            return result if isinstance(result, HttpResponse) else self.succeeded(result)
        return self.form_invalid(form)

    def service_kwargs(self, form: forms.BaseForm) -> dict[str, Any]:
        if hasattr(form, "service_fields"):
            return form.service_fields()
        return dict(form.cleaned_data)

    def perform(self, form: forms.BaseForm) -> Any:
        """The write: one service call. Returns what the service returns, or a response."""
        return self.call_service(**self.service_kwargs(form))

    def succeeded(self, result: Any) -> HttpResponse:
        message = self.done_message(result)
        if message:
            messages.success(self.request, message)
        return redirect(self.success_url(result))

    def done_message(self, result: Any) -> str | StrPromise | None:
        return self.done

    # Django's FormMixin has a success_url attribute, read only by its get_success_url, which
    # form_valid above never calls; the kit's success_url is this method.
    def success_url(self, result: Any) -> str:  # type: ignore[override]  # Django's: a str
        """The page of what was created or changed, else of the form's object."""
        obj = result if isinstance(result, self.model) else self.object
        assert obj is not None  # what the form created, or the object it is about
        return self.object_url(obj)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.title:
            context.setdefault("title", self.title)
        if (obj := getattr(self, "object", None)) is not None:
            context.setdefault("cancel_url", self.object_url(obj))
        return context


class ScopedCreateView(ServiceFormMixin, ScopedMixin, generic.CreateView):
    """A new object: `service(by=…, **data)`, for those `may_create` lets in (else 403)."""

    entry_denied = _("You may not create this.")

    def user_may_enter(self) -> bool:
        return self.user_can_create()

    def perform(self, form: forms.BaseForm) -> Any:
        self.object = self.call_service(**self.service_kwargs(form))
        return self.object


class ScopedUpdateView(ServiceFormMixin, ScopedMixin, generic.UpdateView):
    """An edit: `service(by=…, <service_object>=the object, **data)`; 403 for those who see
    the object but may not change it."""

    access = CHANGE

    def perform(self, form: forms.BaseForm) -> Any:
        instance = cast(forms.BaseModelForm, form).instance  # an edit page's form is a model's
        values = {self.object_name(): instance, **self.service_kwargs(form)}
        self.object = self.call_service(**values)
        return self.object


class ObjectFormView(ServiceFormMixin, ScopedMixin, SingleObjectMixin, generic.FormView):
    """A form about one object the user must manage (issue a letter, import a roster…):
    `service(by=…, <service_object>=the object, **data)`. `form_object` names the keyword
    the form gets the object under, if it needs it."""

    access = CHANGE
    form_object: str | None = None
    object: Any  # the page's object, always there (as a detail page's)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if self.form_object:
            kwargs[self.form_object] = self.object
        return kwargs

    def perform(self, form: forms.BaseForm) -> Any:
        return self.call_service(**{self.object_name(): self.object, **self.service_kwargs(form)})


# Actions: a state change on one object ------------------------------------------------------
# A POST that carries this performs the action; any other shows what will happen first.
CONFIRMED = "confirmed"
# Not carried to the confirmation as hidden fields (the page writes its own).
NOT_CARRIED = frozenset({"csrfmiddlewaretoken", CONFIRMED})


class ActionView(ScopedDetailView):
    """A button on an object's page, mixed in front of that page's detail view:
    `class CohortApprove(ActionView, CohortDetail)`. Declarations: `service` (called with
    `by=` the user, `<service_object>=` the object and the form's data), `form_class` if
    the action asks for something, `title` (the action's name) and `done`; `consequence()`
    and `told()` say in words what will happen and who is notified (an irreversible action
    declares both: the fallback only names the action).

    A POST from the object's page checks the form (its errors show on the object's page) and
    then asks for confirmation on `core/confirm.html`, naming the consequence and who is told,
    with what was posted carried as hidden fields. Only a POST carrying `confirmed=1` applies
    it: success redirects to the object's page (or to the object the service returned, such
    as the new record of a transfer) with `done`; a refusal re-renders the object's page with
    every problem (409); a form error re-renders it with the form's errors; a PermissionDenied
    is a 403. A GET shows the same confirmation (with the form, if the action asks for
    something), so the step works without JavaScript."""

    http_method_names = ["get", "post", "head", "options"]
    access = CHANGE  # an action changes its object; a review declares `review`, and so on
    service: ClassVar[Service]
    form_class: type[forms.BaseForm] | None = None
    title: str | StrPromise = _("Confirm")
    done: str | StrPromise = _("Done.")
    confirm_template = "core/confirm.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        self.check_allowed()
        form = self.action_form(None)
        # Without a form there is nothing more to ask: this page is the confirmation.
        return self.confirmation(form=form, data={} if form is None else None)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        self.check_allowed()
        form = self.form = self.action_form(request.POST)
        if form is not None and not form.is_valid():
            return self.again(form=form)
        data = form.cleaned_data if form is not None else {}
        if request.POST.get(CONFIRMED) != "1":
            return self.confirmation(form=None, data=data)
        try:
            result = self.perform(data)
        except Refused as refused:
            return self.again(form=form, refused=refused, status=409)
        except ValidationError as error:
            return self.again(form=self.show_errors(form, error))
        messages.success(request, self.done)
        return redirect(self.object_url(result if isinstance(result, self.model) else self.object))

    def confirmation(
        self, *, form: forms.BaseForm | None, data: dict[str, Any] | None
    ) -> HttpResponse:
        """The confirmation page: with `data` (the form's valid values, or {} for an action
        that asks nothing) it names what will happen and asks for the confirming POST;
        without, it shows the action's form, whose POST comes back here confirmed."""
        available = self.available()
        context = {
            "object": self.object,
            "opts": self.model._meta,
            "title": self.title,
            "form": form,
            "available": available,
            "cancel_url": self.object_url(self.object),
            "confirming": data is not None,
        }
        if data is not None and available:
            context.update(
                consequence=self.consequence(data),
                told=self.told(data),
                carried=[
                    (name, value)
                    for name in self.request.POST
                    if name not in NOT_CARRIED
                    for value in self.request.POST.getlist(name)
                ],
            )
        # A POST for what is not open now is refused as the service would; a GET only tells.
        status = 409 if not available and self.request.method == "POST" else 200
        return TemplateResponse(self.request, self.confirm_template, context, status=status)

    def consequence(self, data: dict[str, Any]) -> str | StrPromise:
        """What will happen, in words, from the object's facts and the form's `data`."""
        return _("“%(action)s” will be applied to %(object)s.") % {
            "action": self.title,
            "object": self.object,
        }

    def told(self, data: dict[str, Any]) -> list[str] | None:
        """Who is notified (people or the managers of organisations, named); [] for nobody,
        None when the action does not say."""
        return None

    def check_allowed(self) -> None:
        """Refuse (403) before reading the form; the service checks again."""

    def available(self) -> bool:
        """Whether the object's page offers the action now (the confirmation says if not)."""
        return True

    def make_form(self, data: Any) -> forms.BaseForm | None:
        return self.form_class(data) if self.form_class is not None else None

    def action_form(self, data: Any) -> forms.BaseForm | None:
        """The action's form, its model choices narrowed to the rows the user sees (as every
        service form's are): a picker never offers what the access table hides."""
        form = self.make_form(data)
        if form is not None:
            restrict_choices(form.fields.values(), self.request.user)
        return form

    def perform(self, data: dict[str, Any]) -> Any:
        return self.call_service(**{self.object_name(): self.object, **data})

    def show_errors(
        self, form: forms.BaseForm | None, error: ValidationError
    ) -> forms.BaseForm | None:
        if form is None:
            for message in error.messages:
                messages.error(self.request, message)
        else:
            apply_errors(form, error)
        return form

    def again(
        self,
        *,
        form: forms.BaseForm | None = None,
        refused: Refused | None = None,
        status: int = 200,
    ) -> HttpResponse:
        self.object = self.get_object()  # what is stored, not what the service half-set
        context = self.get_context_data(failed_form=form, refused=refused)
        return self.render_to_response(context, status=status)
