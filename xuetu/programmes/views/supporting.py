"""Supporting documents on a filing: the reviewer's request form, the enterprise's upload
form, withdrawing a request, and the download (services.supporting). The panel on a class's
or an apprentice's page is `supporting_panel` (templatetags.programmes_supporting)."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from xuetu.core.access import CHANGE
from xuetu.core.problems import Refused
from xuetu.core.uploads import SCAN_KINDS, suffixes_of
from xuetu.core.validators import LineField, TextField
from xuetu.core.views import ActionView, ObjectFormView, ScopedDetailView, ScopedDownloadView
from xuetu.programmes import services
from xuetu.programmes.access import REVIEW
from xuetu.programmes.choices import (
    OPEN_ENROLLMENT_STATUSES,
    DocumentRequestStatus,
    DocumentType,
)
from xuetu.programmes.models import Cohort, DocumentRequest, Enrollment, SupportingDocument

__all__ = [
    "DocumentRequestCreate",
    "DocumentRequestWithdraw",
    "SupportingDocumentAttach",
    "SupportingDocumentDownload",
]


def picked(request: HttpRequest, *names: str) -> dict[str, int]:
    """Choices a link on the panel preset (`?request=3`); the form's querysets still decide
    what may be chosen."""
    values = {name: request.GET.get(name, "") for name in names}
    return {name: int(value) for name, value in values.items() if value.isdigit()}


def _roster(cohort: Cohort) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(cohort=cohort, status__in=OPEN_ENROLLMENT_STATUSES)
        .select_related("person")
        .order_by("person__name", "pk")
    )


class _Apprentice(django_forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.person.name


class _Request(django_forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        about = obj.enrollment.person.name if obj.enrollment else obj.description
        return " · ".join(str(part) for part in (obj.get_document_type_display(), about) if part)


class DocumentRequestForm(django_forms.Form):
    document_type = django_forms.ChoiceField(label=_("document type"), choices=DocumentType)
    enrollment = _Apprentice(
        label=_("apprentice"),
        queryset=Enrollment.objects.none(),
        required=False,
        empty_label=_("The whole filing"),
    )
    description = LineField(label=_("document asked for"), max_length=200, required=False)
    note = TextField(
        label=_("reviewer's note"),
        required=False,
        widget=django_forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, cohort: Cohort, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["enrollment"]
        assert isinstance(field, django_forms.ModelChoiceField)
        field.queryset = _roster(cohort)


class DocumentRequestCreate(ObjectFormView):
    """The reviewer asks the enterprise for a document (403 for anyone else who sees it)."""

    model = Cohort
    access = REVIEW
    form_class = DocumentRequestForm
    form_object = "cohort"
    service = services.document_request_create
    title = _("Ask for a document")
    done = _("The enterprise is asked for the document.")

    def get_initial(self) -> dict[str, Any]:
        return {**super().get_initial(), **picked(self.request, "enrollment")}


class AttachForm(django_forms.Form):
    upload = django_forms.FileField(
        label=_("file"),
        help_text=_("PDF, JPEG or PNG."),
        widget=django_forms.ClearableFileInput(attrs={"accept": ",".join(suffixes_of(SCAN_KINDS))}),
    )
    request = _Request(
        label=_("answers the request"),
        queryset=DocumentRequest.objects.none(),
        required=False,
        empty_label=_("No request (attached unasked)"),
    )
    document_type = django_forms.ChoiceField(
        label=_("document type"),
        choices=[("", "---------"), *DocumentType.choices],
        required=False,
        help_text=_("Taken from the request when the document answers one."),
    )
    enrollment = _Apprentice(
        label=_("apprentice"),
        queryset=Enrollment.objects.none(),
        required=False,
        empty_label=_("The whole filing"),
    )
    replaces = django_forms.ModelChoiceField(
        label=_("replaces"),
        queryset=SupportingDocument.objects.none(),
        required=False,
        empty_label=_("Nothing (a new document)"),
        help_text=_("A wrong document stays on file, marked as replaced."),
    )
    description = LineField(label=_("description"), max_length=200, required=False)

    def __init__(self, *args: Any, cohort: Cohort, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set("enrollment", _roster(cohort))
        self._set(
            "request",
            cohort.document_requests.filter(status=DocumentRequestStatus.OPEN).select_related(
                "cohort", "enrollment__person"
            ),
        )
        self._set(
            "replaces",
            cohort.supporting_documents.filter(superseded_by__isnull=True).order_by("-pk"),
        )
        if self.initial.get("request"):
            # Answering a request: its type and apprentice are the request's.
            for name in ("document_type", "enrollment", "replaces"):
                self.fields[name].widget = django_forms.HiddenInput()

    def _set(self, name: str, queryset: QuerySet) -> None:
        field = self.fields[name]
        assert isinstance(field, django_forms.ModelChoiceField)
        field.queryset = queryset

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        request = data.get("request")
        if request is not None:
            data["enrollment"] = request.enrollment
            data["document_type"] = request.document_type
        elif not data.get("document_type"):
            self.add_error("document_type", _("Choose the type of document."))
        return data


class SupportingDocumentAttach(ObjectFormView):
    """The enterprise attaches a document to its filing or to an apprentice on its roster."""

    model = Cohort
    access = CHANGE
    form_class = AttachForm
    form_object = "cohort"
    service = services.supporting_document_attach
    title = _("Attach a document")
    done = _("The document is attached.")

    def get_initial(self) -> dict[str, Any]:
        initial = {**super().get_initial(), **picked(self.request, "request", "enrollment")}
        replaced = picked(self.request, "replaces").get("replaces")
        old = self.object.supporting_documents.filter(pk=replaced).first() if replaced else None
        if old is not None:
            initial.update(replaces=old.pk, document_type=old.document_type)
        return initial

    def success_url(self, result: Any) -> str:  # type: ignore[override]  # the kit's: a method
        return result.get_absolute_url()


class DocumentRequestWithdraw(ActionView, ScopedDetailView):
    """The reviewer no longer needs a document it asked for."""

    model = DocumentRequest
    access = REVIEW
    service = services.document_request_withdraw
    service_object = "request"
    title = _("Withdraw the document request")
    done = _("The request is withdrawn.")

    def available(self) -> bool:
        return self.object.status == DocumentRequestStatus.OPEN

    def again(
        self,
        *,
        form: django_forms.BaseForm | None = None,
        refused: Refused | None = None,
        status: int = 200,
    ) -> HttpResponse:
        """A request has no page of its own: the refusal is told on its class's page."""
        for problem in refused.problems if refused else []:
            messages.error(self.request, str(problem.message))
        return redirect(self.object_url(self.object))


class SupportingDocumentDownload(ScopedDownloadView):
    """The file, for whoever sees the document (404 for anyone else), as an attachment of
    the type sniffed at upload."""

    model = SupportingDocument
    file_field = "file"

    def download_name(self, document: SupportingDocument) -> str:
        return document.original_name or super().download_name(document)

    def download_type(self, document: SupportingDocument) -> str | None:
        return document.content_type
