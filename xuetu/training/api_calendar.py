"""The work–study calendar and the three-party reviews through the API: `/api/v1/blocks/`
(list, filter `cohort`; create, update; action `remove`) and `/api/v1/reviews/` (filters
`enrollment`, `cohort`; created by the enterprise mentor; action `sign`). 400 for malformed
input, 409 with `problems` for a refusal by a rule."""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from xuetu.accounts.models import User
from xuetu.core.access import CHANGE
from xuetu.core.api import REFUSED, ScopedRelatedField, ScopedViewSet
from xuetu.core.validators import validate_line, validate_text
from xuetu.programmes.models import Cohort, Enrollment
from xuetu.training.access import SIGN
from xuetu.training.models import Block, Review
from xuetu.training.services import calendar, reviews


def anyone(user: Any) -> bool:
    return True  # the services say who may (CALENDAR on the class; the enrollment's mentor)


class BlockSerializer(serializers.ModelSerializer):
    cohort = ScopedRelatedField(queryset=Cohort.objects.all())

    class Meta:
        model = Block
        fields = ["id", "cohort", "place", "starts_on", "ends_on", "note"]
        extra_kwargs = {"note": {"validators": [validate_line]}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        starts = attrs.get("starts_on", getattr(self.instance, "starts_on", None))
        ends = attrs.get("ends_on", getattr(self.instance, "ends_on", None))
        if starts and ends and ends < starts:
            raise serializers.ValidationError(
                {"ends_on": [_("The block cannot end before it starts.")]}
            )
        return attrs


class BlockViewSet(ScopedViewSet):
    """The work–study blocks of the classes the user sees."""

    model = Block
    serializer_class = BlockSerializer
    may_create = anyone
    fixed_on_update = ("cohort",)
    create_service = calendar.block_add
    update_service = calendar.block_update

    def get_queryset(self):
        queryset = super().get_queryset().order_by("cohort", "starts_on", "pk")
        return self.filter_by_ids(queryset, "cohort")

    @extend_schema(request=None, responses={200: BlockSerializer(many=True), 409: REFUSED})
    @action(detail=True, methods=["post"], access=CHANGE)
    def remove(self, request: Request, pk: str | None = None) -> Response:
        """Takes the block out of its class's calendar; answers the class's blocks left."""
        block = cast(Block, self.get_object())
        cohort = calendar.block_remove(by=cast(User, request.user), block=block)
        left = calendar.calendar_blocks(cohort)
        return Response(
            BlockSerializer(left, many=True, context=self.get_serializer_context()).data
        )


class ReviewSerializer(serializers.ModelSerializer):
    enrollment = ScopedRelatedField(queryset=Enrollment.objects.all())
    number = serializers.IntegerField(min_value=1, max_value=1200, required=False)
    cohort = serializers.IntegerField(source="enrollment.cohort_id", read_only=True)
    signed = serializers.BooleanField(read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "enrollment",
            "cohort",
            "number",
            "period_start",
            "due_on",
            "progress",
            "next_goals",
            "mentor_signed_at",
            "teacher_signed_at",
            "apprentice_signed_at",
            "signed",
        ]
        read_only_fields = [
            "period_start",
            "due_on",
            "mentor_signed_at",
            "teacher_signed_at",
            "apprentice_signed_at",
        ]
        validators: list = []  # the period's uniqueness is the service's (review_exists)
        extra_kwargs = {
            "progress": {"validators": [validate_text]},
            "next_goals": {"validators": [validate_text]},
        }


class ReviewViewSet(ScopedViewSet):
    """The progress reviews of the apprentices the user sees."""

    model = Review
    serializer_class = ReviewSerializer
    may_create = anyone
    fixed_on_update = ("enrollment", "number")
    update_service = reviews.review_update

    def get_queryset(self):
        queryset = super().get_queryset().select_related("enrollment").order_by("pk")
        queryset = self.filter_by_ids(queryset, "enrollment")
        value = self.request.query_params.get("cohort", "")
        if value.isdigit() and len(value) < 19:
            queryset = queryset.filter(enrollment__cohort_id=int(value))
        return queryset

    def create_object(self, data: dict[str, Any]) -> Review:
        return reviews.review_start(by=cast(User, self.request.user), **data)

    @extend_schema(request=None, responses={200: ReviewSerializer, 409: REFUSED})
    @action(detail=True, methods=["post"], access=SIGN)
    def sign(self, request: Request, pk: str | None = None) -> Response:
        """Signs the review in the user's turn: mentor, teacher, apprentice."""
        return self.apply(reviews.review_sign, None)


def register(router: BaseRouter) -> None:
    router.register("blocks", BlockViewSet, basename="block")
    router.register("reviews", ReviewViewSet, basename="review")
