"""The base of the API. A viewset declares its model, serializer and services; the kit does
the rest the same way for every app:

- one exception handler: a refused change is 409 with `detail` and every problem
  (`code`, `message`, `field`); a service's Django `ValidationError` is 400 naming the fields;
  a `PermissionDenied` is 403; an object outside the user's scope is 404 with the same body as
  one that does not exist;
- one object lookup (`ScopedAPIMixin.get_object`), asking the same two questions as the pages
  (`xuetu.core.views.visible_to` and `scoped_object`);
- `transition_action(service, Body)`: a POST action on one object in one line.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import (
    OpenApiSerializerExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from xuetu.core.access import CHANGE, VIEW, ScopedQuerySet
from xuetu.core.ids import ID_PATTERN, parse_id
from xuetu.core.problems import Refused
from xuetu.core.views import city_only, scoped_object, visible_to

Service = Callable[..., Any]


# Errors -------------------------------------------------------------------------------------
class ProblemSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField(allow_null=True)


class RefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    problems = ProblemSerializer(many=True)


REFUSED = OpenApiResponse(RefusalSerializer, description=_("The change was refused."))


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """`settings.REST_FRAMEWORK["EXCEPTION_HANDLER"]`: every API error has one shape."""
    if isinstance(exc, Refused):
        return refusal(exc)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, list):
        # A bare list (a filter refusing a query, e.g. a null character in `search`) answers
        # in the one shape of a 400: reasons by field, here none in particular.
        exc = exceptions.ValidationError({"non_field_errors": exc.detail})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()  # the same body whether it is missing or not yours
    return drf_exception_handler(exc, context)


def refusal(exc: Refused) -> Response:
    body = {"detail": str(exc.detail), "problems": [p.as_dict() for p in exc.problems]}
    return Response(body, status=status.HTTP_409_CONFLICT)


def as_serializer_error(error: DjangoValidationError) -> dict[str, list[str]] | list[str]:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in error.messages]}


def read_body(request: Request, body_class: type[serializers.Serializer]) -> dict[str, Any]:
    """A request body checked by `body_class` (400 naming the fields when it is not right)."""
    body = body_class(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


# Viewsets ---------------------------------------------------------------------------------
class ScopedPermission(permissions.IsAuthenticated):
    """Reading needs a signed-in user; creating needs the viewset's `may_create`. Whether the
    user may change one object is the lookup's question (`ScopedAPIMixin.get_object`)."""

    message = _("You do not have permission to change this.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method in permissions.SAFE_METHODS or view.detail:
            return True
        return view.user_can_create()


class ScopedAPIMixin(viewsets.GenericViewSet):
    """Declarations: `model`; `service_object`, the keyword the object goes to its services
    under (default: the model's name); `may_create`, a function of the user."""

    model: type[models.Model]
    request: Request
    kwargs: dict[str, Any]
    lookup_value_regex = ID_PATTERN
    service_object: str | None = None
    may_create: ClassVar[Callable[[Any], bool]] = city_only
    # The action of the model's access table a route takes on its object: set on the custom
    # actions (`@action(..., access="review")`, `transition_action(..., access=...)`); other
    # routes read with `view` and write with `change`.
    access: str | None = None

    def get_queryset(self) -> models.QuerySet:
        return visible_to(self.model, self.request.user)

    def get_object(self) -> models.Model:
        queryset = self.filter_queryset(self.get_queryset())
        access = self.access or (
            VIEW if self.request.method in permissions.SAFE_METHODS else CHANGE
        )
        obj = scoped_object(self.request.user, queryset, access=access, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, obj)
        return obj

    def user_can_create(self) -> bool:
        return type(self).may_create(self.request.user)

    def object_name(self) -> str:
        name = self.service_object or self.model._meta.model_name
        assert name is not None  # a model always has its name
        return name

    def filter_by_ids(self, queryset: models.QuerySet, *names: str) -> models.QuerySet:
        """`?cohort=3` style filters. An unknown or hidden id gives an empty list, never
        "no such row"; an id that cannot exist is ignored."""
        for name in names:
            value = self.request.query_params.get(name, "")
            if (pk := parse_id(value) if value.isdigit() else None) is not None:
                queryset = queryset.filter(**{f"{name}_id": pk})
        return queryset


class ScopedReadOnlyViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Lists and details of what the user may see."""


class ScopedViewSet(ScopedAPIMixin, viewsets.ModelViewSet):
    """Create and update call the viewset's service functions; no delete by default."""

    # (The docstring above is the API docs' description of viewsets that have none.)
    # Create calls `create_service(by=…, **data)`; update calls `update_service(by=…,
    # <service_object>=the object, **data)` without `fixed_on_update` (what an object is,
    # not what may change).

    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    permission_classes = [ScopedPermission]
    create_service: Service
    update_service: Service
    fixed_on_update: tuple[str, ...] = ()

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = self.create_object(serializer.validated_data)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        assert serializer.instance is not None  # an update's serializer has its object
        serializer.instance = self.update_object(serializer.instance, serializer.validated_data)

    def create_object(self, data: dict[str, Any]) -> models.Model:
        return type(self).create_service(by=self.request.user, **data)

    def update_object(self, instance: models.Model, data: dict[str, Any]) -> models.Model:
        values = {k: v for k, v in data.items() if k not in self.fixed_on_update}
        values[self.object_name()] = instance
        return type(self).update_service(by=self.request.user, **values)

    def apply(self, service: Service, body: type[serializers.Serializer] | None) -> Response:
        """One service call on the object, answered with the object as the service left it."""
        # The object first: another organisation's object is 404 whatever the body says.
        obj = self.get_object()
        values = read_body(self.request, body) if body is not None else {}
        result = service(by=self.request.user, **{self.object_name(): obj}, **values)
        return Response(self.get_serializer(result).data)


@dataclass(frozen=True)
class _TransitionAction:
    service: Service
    body: type[serializers.Serializer] | None
    summary: str
    url_path: str | None
    access: str

    def __set_name__(self, owner: type[ScopedViewSet], name: str) -> None:
        # Replaced by a DRF action named after the attribute it is assigned to.
        setattr(owner, name, self.build(owner, name))

    def build(self, owner: type[ScopedViewSet], name: str) -> Callable[..., Response]:
        service, body, access = self.service, self.body, self.access

        def handler(view: ScopedViewSet, request: Request, pk: str | None = None) -> Response:
            return view.apply(service, body)

        handler.__name__ = handler.__qualname__ = name
        handler.__doc__ = self.summary
        route = {"url_path": self.url_path, "url_name": self.url_path} if self.url_path else {}
        handler = action(
            detail=True,
            methods=["post"],
            permission_classes=[permissions.IsAuthenticated],
            access=access,
            **route,
        )(handler)
        schema = extend_schema(
            request=body,
            responses={200: owner.serializer_class, 409: REFUSED},
            summary=self.summary,
            description=self.summary,
        )
        return schema(handler)


def transition_action(
    service: Service,
    body: type[serializers.Serializer] | None = None,
    *,
    summary: str,
    url_path: str | None = None,
    access: str = CHANGE,
) -> Any:
    """A POST action on one object: `approve = transition_action(services.cohort_approve,
    CommentSerializer, summary="Approve the filing", access="review")`. The lookup asks the
    model's access table for `access` (403 when the user sees the object but may not); then
    it calls `service(by=the user, <service_object>=the object, **the checked body)` and
    answers with the object; the service checks its own rules (409 with every problem)."""
    return _TransitionAction(service, body, summary, url_path, access)


# Fields -----------------------------------------------------------------------------------
class SafeRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key given by id; an id that cannot exist is 'not found', as any other."""

    def to_internal_value(self, data: Any):
        if parse_id(data) is None and not isinstance(data, bool | list | dict):
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class ScopedRelatedField(SafeRelatedField):
    """A foreign key the user may only point at rows they can see; others are 'not found'."""

    def get_queryset(self) -> models.QuerySet:
        queryset = cast(ScopedQuerySet, super().get_queryset())  # always given a scoped one
        return queryset.for_user(self.context["request"].user)


# Schema -------------------------------------------------------------------------------------
# A serializer whose answer leaves out some fields, or sends them as null, for a reader who may
# not see them says so in the schema, so that a generated client expects it:
# `Meta.withheld_fields` are left out for some readers (not required in the answer),
# `Meta.nulled_fields` are sent as null for some readers (nullable in the answer). What a
# request may send is unchanged. (Comments, not a docstring: a serializer's docstring is its
# description in the API docs.)
NULLED = "_nulled_for_some_readers"


class WithholdingSerializer(serializers.ModelSerializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for name in getattr(self.Meta, "nulled_fields", ()):
            setattr(fields[name], NULLED, True)
        return fields


class WithholdingSerializerSchema(OpenApiSerializerExtension):
    target_class = WithholdingSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction == "response":
            withheld = set(getattr(self.target.Meta, "withheld_fields", ()))
            required = [name for name in schema.get("required", []) if name not in withheld]
            schema["required"] = required
            if not required:
                del schema["required"]
        return schema


class NulledFieldSchema(OpenApiSerializerFieldExtension):
    target_class = serializers.Field
    match_subclasses = True

    @classmethod
    def _matches(cls, target: Any) -> bool:
        return getattr(target, NULLED, False)

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        field = self.target
        if direction == "response":
            field = copy.copy(field)
            field.allow_null = True  # a choice gets NullEnum, any other field `nullable`
        return auto_schema._map_serializer_field(field, direction, bypass_extensions=True)


# The error answers every route may give, in the shapes `exception_handler` gives them
# (`SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]`): a client knows a 404 from a 400 and reads
# both. A route's own declaration (a transition's 409) stays.
DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}


def error_components() -> dict[str, Any]:
    fields = _("Each field named with what is wrong with it (`non_field_errors` for the whole).")
    return {
        "ErrorDetail": DETAIL,
        "FieldErrors": {
            "type": "object",
            "description": str(fields),
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    }


def error_answers(path: str, method: str, operation: dict[str, Any]) -> dict[str, Any]:
    detail = {"$ref": "#/components/schemas/ErrorDetail"}
    fields = {"$ref": "#/components/schemas/FieldErrors"}
    answers: dict[str, tuple[Any, dict[str, Any]]] = {
        "401": (_("Not signed in, or the token is not valid."), detail)
    }
    if method != "get" or operation.get("parameters"):
        answers["400"] = (
            _("The request is not right: what is wrong with it."),
            {"oneOf": [fields, detail]},
        )
    if method != "get":
        answers["403"] = (_("You do not have permission to change this."), detail)
    if "{" in path or any(p["name"] == "page" for p in operation.get("parameters", [])):
        answers["404"] = (_("No such object or page, or not one you may see."), detail)
    return {
        code: {"description": str(text), "content": {"application/json": {"schema": body}}}
        for code, (text, body) in answers.items()
    }


def document_error_answers(result: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {}).update(error_components())
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            responses = operation.setdefault("responses", {})
            for code, answer in error_answers(path, method, operation).items():
                responses.setdefault(code, answer)
    return result
