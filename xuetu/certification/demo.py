"""Demo certificates for the demo classes' apprentices: some accepted, one verified, two in
the bureau's review queue (old layouts), one special ability certificate. Idempotent."""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.db import transaction

from xuetu.certification.models import Certificate
from xuetu.certification.services import certificate_record, certificate_verify
from xuetu.programmes.demo import occupation
from xuetu.registry.choices import CertificateType
from xuetu.registry.demo import demo_organisations, demo_people

D = dt.date
SL, QU, SA = (
    CertificateType.SKILL_LEVEL,
    CertificateType.QUALIFICATION,
    CertificateType.SPECIAL_ABILITY,
)
CENTRE = "重庆市职业技能鉴定指导中心"
CHANGAN = "重庆长安汽车股份有限公司职业技能等级认定中心"

# holder, kind, occupation key or None, level, number, issuer, issued on, project, verified
CERTIFICATES = [
    ("钟海波", SL, "welder", 3, "S000150000123243000101", CENTRE, D(2024, 3, 15), "", True),
    ("肖帆", SL, "welder", 3, "Y010250000456243000102", CHANGAN, D(2024, 3, 15), "", False),
    ("程明", QU, "assembler", 4, "2550012003400017", CENTRE, D(2025, 9, 10), "", False),
    # Old provincial layouts: recorded into the bureau's review queue.
    ("舒晓超", SL, "welder", 4, "CQ2019-0321", CENTRE, D(2019, 11, 20), "", False),
    ("严雪", QU, "welder", 5, "GZ20180047", CENTRE, D(2018, 6, 30), "", False),
    (
        "周光明",
        SA,
        None,
        None,
        "ZX-2025-0088",
        CENTRE,
        D(2025, 7, 4),
        "焊接安全操作专项能力",
        False,
    ),
]


def seed(out: TextIO) -> None:
    seed_certificates()


def seed_certificates() -> None:
    organisations, people = demo_organisations(), demo_people()
    recorder = organisations.get("wuyi") or organisations["city"]
    with transaction.atomic():
        for holder, kind, job, level, number, issuer, issued, project, verified in CERTIFICATES:
            if holder not in people or Certificate.objects.by_number(kind, number).exists():
                continue
            certificate = certificate_record(
                by=None,
                person=people[holder],
                kind=kind,
                occupation=occupation(job) if job else None,
                level=level,
                number=number,
                issuer=issuer,
                issued_on=issued,
                project=project,
                organisation=recorder,
            )
            if verified:
                certificate_verify(by=None, certificate=certificate, comment="已与鉴定机构核对。")
