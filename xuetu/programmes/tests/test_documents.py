"""The appointment letter (聘书) and the filing form (开班申请表) as PDFs: real Chinese glyphs
from an embedded Noto CJK font, the QR code's payload, and masked ID numbers."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from django.utils import timezone

from xuetu.core.identifiers import make_resident_id
from xuetu.core.pdf import absolute_url, qr_svg
from xuetu.programmes import documents, services
from xuetu.programmes.choices import (
    ApprenticeCategory,
    CohortStatus,
    EnrollmentStatus,
    MentorKind,
)
from xuetu.programmes.documents import (
    appointment_pdf,
    appointment_verify_url,
    chinese_date,
    filing_form_pdf,
    months_between,
)
from xuetu.programmes.models import (
    Appointment,
    Cohort,
    CooperationAgreement,
    Enrollment,
    Mentor,
)
from xuetu.registry.choices import SkillLevel
from xuetu.registry.models import Occupation, Person
from xuetu.testing import World, make_person

START = dt.date(2026, 3, 1)
END = dt.date(2028, 2, 29)

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed"
)


# Builders: rows written directly, independent of the services under construction. --------


def make_mentor(world: World, name: str, *, seq: int, kind: str = MentorKind.ENTERPRISE):
    organisation = world.enterprise if kind == MentorKind.ENTERPRISE else world.institution
    person = make_person(name, organisation, seq=seq)
    return Mentor.objects.create(
        person=person,
        organisation=organisation,
        kind=kind,
        certificate_level=SkillLevel.TECHNICIAN,
        years_experience=12,
    )


def master(world: World) -> Mentor:
    """The enterprise mentor 王建松, created on first use."""
    existing = Mentor.objects.filter(person__name="王建松").first()
    return existing or make_mentor(world, "王建松", seq=30)


def make_cohort(world: World, *, apprentices: int = 3) -> Cohort:
    welder, _ = Occupation.objects.get_or_create(code="6-18-02-04", defaults={"name": "焊工"})
    agreement = CooperationAgreement.objects.create(
        number="XY-2025-0007",
        enterprise=world.enterprise,
        institution=world.institution,
        drafted_by="enterprise",
        valid_from=dt.date(2025, 9, 1),
        valid_to=dt.date(2029, 8, 31),
    )
    cohort = Cohort.objects.create(
        code="CQ-2026-0001",
        name="2026级焊工学徒班",
        enterprise=world.enterprise,
        institution=world.institution,
        agreement=agreement,
        occupation=welder,
        target_level=SkillLevel.SENIOR,
        planned_start=START,
        planned_end=END,
        planned_headcount=apprentices,
        plan_summary="理论教学 320 学时（院校）；岗位实践 960 学时（企业）。\n每月工学交替。",
        status=CohortStatus.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=world.users["enterprise"],
    )
    add_apprentices(world, cohort, apprentices)
    return cohort


def add_apprentices(world: World, cohort: Cohort, count: int, *, first_seq: int = 40) -> None:
    mentor = master(world)
    for i in range(count):
        person = Person.objects.create(
            name=f"学徒{first_seq + i}",
            id_number=make_resident_id("500105", dt.date(2003, 4, 9), first_seq + i, gender="M"),
            gender="M",
            birth_date=dt.date(2003, 4, 9),
            registered_by=world.enterprise,
        )
        Enrollment.objects.create(
            cohort=cohort,
            person=person,
            category=ApprenticeCategory.NEW_HIRE,
            contract_start=dt.date(2026, 1, 1),
            contract_end=dt.date(2028, 12, 31),
            enterprise_mentor=mentor,
        )


def make_appointment(world: World, *, mentor: Mentor | None = None, **values) -> Appointment:
    mentor = mentor or master(world)
    values.setdefault("number", "CQPS-2026-000123")
    values.setdefault("term_start", dt.date(2026, 3, 1))
    values.setdefault("term_end", dt.date(2028, 2, 29))
    values.setdefault("issued_on", dt.date(2026, 3, 1))
    return Appointment.objects.create(mentor=mentor, **values)


# Helpers around poppler. ---------------------------------------------------------------------


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_fonts(pdf: bytes, tmp_path: Path) -> dict[str, dict[str, str]]:
    """pdffonts' table: font name (subset prefix dropped) → its emb/sub/uni columns."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    fonts = {}
    for line in out.stdout.splitlines()[2:]:
        parts = line.split()
        emb, sub, uni = parts[-5:-2]
        fonts[parts[0].split("+")[-1]] = {"emb": emb, "sub": sub, "uni": uni}
    return fonts


def first_page_png(pdf: bytes, tmp_path: Path) -> bytes:
    path = tmp_path / "page.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", str(path),
         str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    return (tmp_path / "page.png").read_bytes()


def png_dark_pixel_share(png: bytes) -> float:
    """The share of pixels darker than light grey, read with zlib alone (8-bit RGB/RGBA)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, channels = 8, b"", 0, 0, 3
    while pos < len(png):
        length = int.from_bytes(png[pos : pos + 4], "big")
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height = int.from_bytes(data[:4], "big"), int.from_bytes(data[4:8], "big")
            assert data[8] == 8, "expects 8-bit samples"
            channels = {0: 1, 2: 3, 6: 4}[data[9]]
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    rows = _unfilter(zlib.decompress(idat), width, height, channels)
    dark = sum(1 for row in rows for x in range(0, len(row), channels) if row[x] < 200)
    return dark / (width * height)


def _unfilter(raw: bytes, width: int, height: int, bpp: int) -> list[bytearray]:
    stride, rows, prev, pos = width * bpp, [], bytearray(width * bpp), 0
    for _ in range(height):
        kind, line = raw[pos], bytearray(raw[pos + 1 : pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(line)
        prev = line
    return rows


def squash(text: str) -> str:
    return "".join(text.split())


# The appointment letter. ---------------------------------------------------------------------


@needs_poppler
@pytest.mark.django_db
def test_the_appointment_letter_shows_the_chinese_text_in_an_embedded_cjk_font(world, tmp_path):
    appointment = make_appointment(world)

    pdf = appointment_pdf(appointment)

    assert pdf.startswith(b"%PDF")
    text = squash(pdf_text(pdf, tmp_path))
    assert "聘书" in text
    assert "王建松" in text
    assert "长安汽车" in text and "企业导师" in text
    assert "CQPS-2026-000123" in text
    assert "2026年3月1日" in text and "2028年2月29日" in text
    fonts = pdf_fonts(pdf, tmp_path)
    assert any("Noto-Serif-CJK-SC" in name for name in fonts), fonts
    # Every font embedded with a ToUnicode map: no missing glyphs, text can be copied.
    assert all(f["emb"] == f["uni"] == "yes" for f in fonts.values()), fonts


@needs_poppler
@pytest.mark.django_db
def test_the_appointment_letter_page_is_not_blank(world, tmp_path):
    pdf = appointment_pdf(make_appointment(world))

    share = png_dark_pixel_share(first_page_png(pdf, tmp_path))

    # Text, frame and QR code: a few percent of the page, far from empty or solid.
    assert 0.01 < share < 0.5


@needs_poppler
@pytest.mark.django_db
def test_the_qr_code_encodes_the_letters_verification_url(world, tmp_path, monkeypatch):
    appointment = make_appointment(world)
    encoded = []

    def recording_qr_svg(data: str) -> str:
        encoded.append(data)
        return qr_svg(data)

    monkeypatch.setattr(documents, "qr_svg", recording_qr_svg)

    pdf = appointment_pdf(appointment)

    url = appointment_verify_url(appointment)
    assert encoded == [url]
    assert url == f"http://testserver.example/verify/CQPS-2026-000123/?code={appointment.code}"
    assert url in squash(pdf_text(pdf, tmp_path))


@pytest.mark.django_db
def test_the_qr_url_opens_a_valid_verification_for_an_anonymous_visitor(world, client):
    appointment = make_appointment(
        world,
        term_start=timezone.localdate() - dt.timedelta(days=30),
        term_end=timezone.localdate() + dt.timedelta(days=300),
    )
    url = appointment_verify_url(appointment)

    response = client.get(url.removeprefix("http://testserver.example"))

    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-status="valid"' in body
    assert "王*松" in body


@pytest.mark.django_db
def test_an_institution_teachers_letter_names_the_institution_and_the_class(world, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    cohort = make_cohort(world, apprentices=1)
    teacher = make_mentor(world, "欧阳晓红", seq=31, kind=MentorKind.INSTITUTION)

    pdf = appointment_pdf(make_appointment(world, mentor=teacher, cohort=cohort))

    text = squash(pdf_text(pdf, tmp_path))
    assert "兹聘请欧阳晓红同志为重庆五一技师学院企业新型学徒制院校导师" in text
    assert "承担2026级焊工学徒班学徒的理论教学与技能训练指导工作" in text
    assert "6-18-02-04焊工" in text


@pytest.mark.django_db
def test_storing_the_letter_keeps_the_pdf_on_the_appointment(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    appointment = make_appointment(world)

    services.appointment_store_pdf(appointment=appointment)
    services.appointment_store_pdf(appointment=appointment)  # a reissue replaces the earlier copy

    appointment.refresh_from_db()
    assert appointment.pdf.name.endswith(".pdf")
    assert appointment.pdf.read().startswith(b"%PDF")
    assert len(list(tmp_path.rglob("*.pdf"))) == 1


# The filing form. ----------------------------------------------------------------------------


@needs_poppler
@pytest.mark.django_db
def test_the_filing_form_lists_the_roster_with_masked_id_numbers(world, tmp_path):
    cohort = make_cohort(world, apprentices=3)
    withdrawn = Enrollment.objects.filter(cohort=cohort).first()
    assert withdrawn is not None
    withdrawn.status = EnrollmentStatus.WITHDRAWN
    withdrawn.save()
    people = [e.person for e in Enrollment.objects.filter(cohort=cohort).select_related("person")]

    pdf = filing_form_pdf(cohort)

    assert pdf.startswith(b"%PDF")
    text = squash(pdf_text(pdf, tmp_path))
    assert "开班申请表" in text and "学徒花名册" in text
    assert world.enterprise.uscc in text and "江北区" in text
    assert "6-18-02-04" in text and "三级／高级工" in text and "XY-2025-0007" in text
    assert "已退出" in text
    for person in people:
        assert person.name in text
        assert person.id_number not in text
        assert f"{person.id_number[:4]}**********{person.id_number[-4:]}" in text


@pytest.mark.django_db
def test_the_filing_form_runs_the_same_queries_for_any_roster_size(
    world, django_assert_num_queries
):
    cohort = make_cohort(world, apprentices=1)
    with django_assert_num_queries(2):
        filing_form_pdf(cohort)
    add_apprentices(world, cohort, 25, first_seq=60)
    with django_assert_num_queries(2):
        filing_form_pdf(cohort)


# Small helpers. ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "written"),
    [
        (dt.date(2026, 3, 1), "二〇二六年三月一日"),
        (dt.date(2025, 10, 20), "二〇二五年十月二十日"),
        (dt.date(2030, 12, 31), "二〇三〇年十二月三十一日"),
        (dt.date(2024, 11, 15), "二〇二四年十一月十五日"),
    ],
)
def test_seal_dates_are_written_in_chinese_numerals(day, written):
    assert chinese_date(day) == written


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (dt.date(2026, 3, 1), dt.date(2028, 2, 29), 24),
        (dt.date(2026, 3, 15), dt.date(2027, 3, 14), 12),
        (dt.date(2026, 3, 15), dt.date(2027, 3, 10), 11),
    ],
)
def test_a_class_duration_counts_whole_months(start, end, months):
    assert months_between(start, end) == months


def test_absolute_urls_start_at_the_site_url(settings):
    settings.SITE_URL = "https://xuetu.cq.gov.cn"
    assert absolute_url("/verify/") == "https://xuetu.cq.gov.cn/verify/"
    assert absolute_url("verify/") == "https://xuetu.cq.gov.cn/verify/"


def test_the_qr_code_is_inline_svg_that_a_stylesheet_can_resize():
    svg = qr_svg("https://xuetu.cq.gov.cn/verify/X/?code=abc")
    assert svg.startswith("<svg") and "viewBox" in svg and "http" not in svg


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver.example"
