"""Certificates for tests, recorded through the service as the teaching institution."""

from __future__ import annotations

import datetime as dt
from itertools import count
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from xuetu.certification.models import Certificate
from xuetu.certification.services import certificate_record
from xuetu.registry.choices import CertificateType

_serial = count(45)
ISSUED_ON = dt.date(2024, 6, 28)


def skill_number(level: int = 3, year: int = 24) -> str:
    """A skill level certificate number in the published layout (Chongqing, serial next)."""
    return f"S000150000123{year:02d}{level}{next(_serial):06d}"


def pdf_scan() -> SimpleUploadedFile:
    return SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def make_certificate(
    world: Any, programme: Any, *, scan: Any = False, **values: Any
) -> Certificate:
    values.setdefault("by", world.users["school"])
    values.setdefault("person", world.people["apprentice"])
    values.setdefault("kind", CertificateType.SKILL_LEVEL)
    values.setdefault("occupation", programme.occupation)
    values.setdefault("level", 3)
    values.setdefault("number", skill_number(values["level"]))
    values.setdefault("issuer", "重庆市职业技能鉴定指导中心")
    values.setdefault("issued_on", ISSUED_ON)
    if scan:
        values["scan"] = pdf_scan() if scan is True else scan
    return certificate_record(**values)
