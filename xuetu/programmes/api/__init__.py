"""Programmes API: agreements, mentors, classes (cohorts) with their filing actions, and the
roster, one module each. Every list starts from `for_user` (another organisation's object is
404), every write calls a service, and a refused change is 409 with the list of problems (the
core API kit does all three; these modules declare serializers, services and actions)."""

from __future__ import annotations

from rest_framework.routers import BaseRouter

from xuetu.programmes.api.agreements import AgreementSerializer, AgreementViewSet
from xuetu.programmes.api.cohorts import CohortSerializer, CohortViewSet
from xuetu.programmes.api.enrollments import EnrollmentSerializer, EnrollmentViewSet
from xuetu.programmes.api.mentors import MentorSerializer, MentorViewSet
from xuetu.programmes.api.supporting import DocumentRequestViewSet, SupportingDocumentViewSet

__all__ = [
    "AgreementSerializer",
    "AgreementViewSet",
    "CohortSerializer",
    "CohortViewSet",
    "DocumentRequestViewSet",
    "EnrollmentSerializer",
    "EnrollmentViewSet",
    "MentorSerializer",
    "MentorViewSet",
    "SupportingDocumentViewSet",
    "register",
]


def register(router: BaseRouter) -> None:
    """Adds the programmes routes to the API router."""
    router.register("agreements", AgreementViewSet, basename="cooperationagreement")
    router.register("mentors", MentorViewSet, basename="mentor")
    router.register("cohorts", CohortViewSet, basename="cohort")
    router.register("enrollments", EnrollmentViewSet, basename="enrollment")
    router.register("document-requests", DocumentRequestViewSet, basename="documentrequest")
    router.register(
        "supporting-documents", SupportingDocumentViewSet, basename="supportingdocument"
    )
