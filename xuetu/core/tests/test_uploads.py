"""Uploads are checked by name, by content and by size before anything reads them."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from xuetu.core.uploads import JPEG, PDF, PNG, SCAN_KINDS, XLSX, UploadField, check_upload

MB = 1024 * 1024


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def workbook_bytes() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def code_of(name: str, content: bytes, kinds=SCAN_KINDS, max_bytes=MB) -> str:
    with pytest.raises(ValidationError) as refused:
        check_upload(upload(name, content), kinds=kinds, max_bytes=max_bytes)
    return str(refused.value.code)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("协议.pdf", b"%PDF-1.7\n...", PDF),
        ("scan.JPG", b"\xff\xd8\xff\xe0" + b"\0" * 20, JPEG),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, PNG),
    ],
)
def test_a_file_whose_content_matches_its_name_is_taken(name, content, kind):
    assert check_upload(upload(name, content), kinds=SCAN_KINDS, max_bytes=MB) is kind


def test_a_real_workbook_is_taken_as_xlsx():
    assert check_upload(upload("名册.xlsx", workbook_bytes()), kinds=[XLSX], max_bytes=MB) is XLSX


def test_a_renamed_file_is_refused_for_its_content():
    assert code_of("协议.pdf", b"MZ\x90\0 an executable") == "file_content"
    assert code_of("scan.png", b"%PDF-1.4") == "file_content"


def test_a_zip_that_is_not_a_workbook_is_not_an_xlsx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.txt", "x")
    assert code_of("名册.xlsx", out.getvalue(), kinds=[XLSX]) == "file_content"
    assert code_of("名册.xlsx", b"PK\x03\x04 broken", kinds=[XLSX]) == "file_content"


def test_a_type_not_declared_is_refused_by_name():
    assert code_of("scan.exe", b"%PDF-1.4") == "file_type"
    assert code_of("no-suffix", b"%PDF-1.4") == "file_type"


def test_a_file_over_the_limit_and_an_empty_file_are_refused():
    assert code_of("big.pdf", b"%PDF-" + b"0" * MB) == "file_size"
    assert code_of("empty.pdf", b"") == "file_empty"


def test_the_message_is_in_the_users_language():
    from django.utils import translation

    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as refused:
            check_upload(upload("协议.pdf", b"GIF89a"), kinds=SCAN_KINDS, max_bytes=MB)
        assert "PDF" in refused.value.messages[0] and "内容" in refused.value.messages[0]


def test_the_field_declares_what_it_accepts_and_checks_it():
    field = UploadField(kinds=SCAN_KINDS, max_bytes=MB, required=False)
    assert field.widget.attrs["accept"] == ".pdf,.jpg,.jpeg,.png"
    with pytest.raises(ValidationError):
        field.clean(upload("scan.pdf", b"not a pdf"))
    assert field.clean(upload("scan.pdf", b"%PDF-1.7")).name == "scan.pdf"
