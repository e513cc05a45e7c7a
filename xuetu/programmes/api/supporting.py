"""Supporting documents and the reviewer's requests for them, read-only through the API
(the same access table as the pages; the file itself is downloaded from its page route)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from xuetu.core.api import ScopedReadOnlyViewSet
from xuetu.programmes.models import DocumentRequest, SupportingDocument


class DocumentRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentRequest
        fields = [
            "id",
            "cohort",
            "enrollment",
            "document_type",
            "description",
            "note",
            "status",
            "requested_at",
            "closed_at",
        ]
        read_only_fields = fields


class SupportingDocumentSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = SupportingDocument
        fields = [
            "id",
            "cohort",
            "enrollment",
            "request",
            "document_type",
            "description",
            "original_name",
            "size",
            "content_type",
            "uploaded_at",
            "superseded_by",
            "download",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_download(self, document: SupportingDocument) -> str:
        return reverse("programmes:supporting_document_download", args=[document.pk])


class DocumentRequestViewSet(ScopedReadOnlyViewSet):
    """The reviewer's requests for documents; `?cohort=` and `?enrollment=` filter."""

    model = DocumentRequest
    serializer_class = DocumentRequestSerializer

    def get_queryset(self) -> QuerySet:
        return self.filter_by_ids(super().get_queryset(), "cohort", "enrollment")


class SupportingDocumentViewSet(ScopedReadOnlyViewSet):
    """The documents attached to filings and enrollments; `?cohort=` and `?enrollment=`
    filter."""

    model = SupportingDocument
    serializer_class = SupportingDocumentSerializer

    def get_queryset(self) -> QuerySet:
        return self.filter_by_ids(super().get_queryset(), "cohort", "enrollment")
