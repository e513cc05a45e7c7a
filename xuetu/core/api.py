"""The base API viewset: every queryset starts from `for_user`, writes go through services."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from xuetu.core.access import ScopedQuerySet, can_manage, scope_for
from xuetu.core.ids import ID_PATTERN, parse_id


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Turns a service's Django ValidationError into a 400 naming the fields."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    return drf_exception_handler(exc, context)


def as_serializer_error(error: DjangoValidationError) -> dict[str, list[str]] | list[str]:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in error.messages]}


class ScopedPermission(permissions.IsAuthenticated):
    """Reading needs a signed-in user; writing needs the view's create rule or, on an object,
    `can_manage`. An object outside the user's scope never gets here: it is a 404."""

    message = _("You do not have permission to change this.")

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method in permissions.SAFE_METHODS or view.detail:
            return True
        return view.user_can_create()

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return can_manage(request.user, obj)


class ScopedViewSet(viewsets.ModelViewSet):
    """Create and update call the viewset's service functions; no delete by default."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    permission_classes = [ScopedPermission]
    lookup_value_regex = ID_PATTERN
    model: type[models.Model]

    def get_queryset(self) -> models.QuerySet:
        # Every model served here has a ScopedQuerySet manager; the stubs only know Manager.
        return cast(ScopedQuerySet, self.model._default_manager).for_user(self.request.user)

    def user_can_create(self) -> bool:
        return scope_for(self.request.user).city

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = self.create_object(serializer.validated_data)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = self.update_object(serializer.instance, serializer.validated_data)

    def create_object(self, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def update_object(self, instance: Any, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError


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
