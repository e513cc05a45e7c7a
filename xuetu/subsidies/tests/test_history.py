"""The subsidy history import (issue 10, item 8): the city bureau's past payments become
grants the rules and a filing's roster check see from the first day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from xuetu.core.identifiers import make_resident_id
from xuetu.core.imports import ImportFileError
from xuetu.core.models import AuditEvent, JobState
from xuetu.programmes import rules as programme_rules
from xuetu.programmes import selectors
from xuetu.programmes.tests.factories import make_occupation
from xuetu.programmes.tests.test_roster import empty_workbook
from xuetu.programmes.tests.test_roster import xlsx as workbook
from xuetu.subsidies.choices import ClaimKind, GrantSource
from xuetu.subsidies.imports import COLUMNS, history_import, history_template
from xuetu.subsidies.models import SubsidyGrant
from xuetu.subsidies.services import claims as svc
from xuetu.subsidies.tasks import history_import_start
from xuetu.subsidies.tests.factories import TODAY, claimable_class

pytestmark = pytest.mark.django_db

HEADERS = [column.header for column in COLUMNS]
STRANGER = make_resident_id("500112", dt.date(1990, 2, 2), 7, gender="M")


@pytest.fixture
def occupation(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return make_occupation()


def row(id_number: str, code: str, **values: Any) -> dict[str, Any]:
    base = {
        "身份证号": id_number,
        "职业编码": code,
        "等级": "三级/高级工",
        "补贴年度": "2021",
        "补贴金额": "6000.00",
        "来源": "2021年发放名册",
    }
    return base | values


def xlsx(rows: list[dict[str, Any]]) -> bytes:
    return workbook(rows, HEADERS)


def codes(result) -> list[tuple[int, str, str]]:
    return [(p["row"], p["field"], p["code"]) for p in result.report()]


def test_a_good_file_becomes_grants_with_slots_and_audit_events(world, occupation):
    data = xlsx(
        [
            row(STRANGER, occupation.code),
            row(STRANGER, occupation.code, 等级="4", 补贴年度="2021", 补贴金额="5000"),
        ]
    )
    result = history_import(by=world.users["bureau"], data=data)
    assert result.ok, result.report()
    grants = list(SubsidyGrant.objects.filter(id_number=STRANGER).order_by("slot"))
    assert [(g.level, g.year, g.slot, g.amount) for g in grants] == [
        (3, 2021, 1, Decimal("6000.00")),
        (4, 2021, 2, Decimal("5000.00")),
    ]
    assert {g.source for g in grants} == {GrantSource.HISTORY}
    assert grants[0].source_text == "2021年发放名册"
    assert grants[0].recorded_by == world.users["bureau"]
    events = AuditEvent.objects.filter(action="subsidygrant.import")
    assert events.count() == 2


def test_every_bad_row_is_named_and_nothing_is_imported(world, occupation):
    SubsidyGrant.objects.create(
        id_number=STRANGER,
        occupation_code=occupation.code,
        level=3,
        year=2019,
        slot=1,
        source=GrantSource.HISTORY,
    )
    other = make_resident_id("500112", dt.date(1991, 3, 3), 8, gender="F")
    data = xlsx(
        [
            row(STRANGER, occupation.code),  # 2: already granted
            row(other, "9-99-99-99"),  # 3: unknown occupation
            row(other, occupation.code, 等级="六级"),  # 4: level
            row(other, occupation.code, 补贴年度="1999"),  # 5: year
            row(other, occupation.code, 补贴年度="9999"),  # 6: year
            row(other, occupation.code, 补贴金额="-1"),  # 7: amount
            row(other, occupation.code, 补贴金额="12.345"),  # 8: amount
            row("110101199003070000", occupation.code),  # 9: checksum
            row(other, occupation.code, 等级="2"),  # 10: fine
            row(other, occupation.code, 等级="二级"),  # 11: same as row 10
            row(other, occupation.code, 来源="第一行\u2028第二行"),  # 12: control character
        ]
    )
    result = history_import(by=world.users["bureau"], data=data)
    assert not result.ok
    found = codes(result)
    assert (2, "id_number", "already_granted") in found
    assert (3, "occupation", "occupation_unknown") in found
    assert any(r == 4 and f == "level" for r, f, _ in found)
    assert any(r == 5 and f == "year" for r, f, _ in found)
    assert (6, "year", "year_ahead") in found
    assert (7, "amount", "amount_invalid") in found
    assert (8, "amount", "amount_invalid") in found
    assert any(r == 9 and f == "id_number" for r, f, _ in found)
    assert (11, "id_number", "duplicate_in_file") in found
    assert any(r == 12 for r, _, _ in found)
    assert not any(r == 10 for r, _, _ in found)
    messages = " ".join(str(p["message"]) for p in result.report())
    assert "2019" in messages  # the earlier record is named
    assert SubsidyGrant.objects.count() == 1


def test_a_legacy_id_number_is_accepted_with_a_warning(world, occupation):
    legacy = "500112900202071"
    result = history_import(by=world.users["bureau"], data=xlsx([row(legacy, occupation.code)]))
    assert result.ok, result.report()
    assert [p["code"] for p in result.report()] == ["legacy_id"]
    stored = SubsidyGrant.objects.get().id_number
    assert len(stored) == 18 and stored.startswith("50011219900202071")


def test_only_the_city_imports_and_hostile_files_are_refused(world, occupation):
    data = xlsx([row(STRANGER, occupation.code)])
    for role in ("enterprise", "district", "school"):
        with pytest.raises(PermissionDenied):
            history_import(by=world.users[role], data=data)
    for hostile in (b"", b"PK\x03\x04 not really a zip", empty_workbook()):
        with pytest.raises(ImportFileError):
            history_import(by=world.users["bureau"], data=hostile)


def test_the_template_imports_once_its_example_is_replaced(world, occupation):
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(history_template())).active
    assert [c.value for c in sheet[1]] == HEADERS
    assert history_template(language="en")


def test_the_job_imports_and_reports(world, occupation, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = history_import_start(
            by=world.users["bureau"],
            filename="历史.xlsx",
            data=xlsx([row(STRANGER, occupation.code)]),
        )
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.message
    assert SubsidyGrant.objects.filter(id_number=STRANGER).count() == 1
    page = world.client("bureau").get(f"/jobs/{job.pk}/")
    assert page.status_code == 200


def test_imported_history_reaches_the_roster_check_and_the_claim_rules(world):
    c = claimable_class(world, levels=(3,), withdrawn=0)
    person = c.enrollments[0].person
    code = c.cohort.occupation.code
    assert selectors.prior_subsidies(person) == []
    result = history_import(by=world.users["bureau"], data=xlsx([row(person.id_number, code)]))
    assert result.ok, result.report()
    assert selectors.prior_subsidies(person) == [(code, 3)]
    facts = selectors.apprentice_facts(
        person, contract_start=person.birth_date, contract_end=None, social_insurance=True
    )
    found = programme_rules.subsidy_problems(facts.prior_subsidies, code, 3)
    assert [p.code for p in found] == ["already_subsidised"]
    claim = svc.claim_create(
        by=world.users["enterprise"], cohort=c.cohort, kind=ClaimKind.SETTLEMENT, today=TODAY
    )
    line = claim.lines.get()
    checks = {check["code"]: check["result"] for check in line.checks}
    assert checks["not_subsidised_before"] == "fail"
    assert line.amount == Decimal("0.00") or line.due == Decimal("0.00")


def test_the_pages_are_the_citys_and_the_register_is_masked(world, occupation):
    history_import(by=world.users["bureau"], data=xlsx([row(STRANGER, occupation.code)]))
    city = world.client("bureau")
    page = city.get("/subsidies/grants/").content.decode()
    assert STRANGER not in page and occupation.code in page
    found = city.get("/subsidies/grants/", {"q": STRANGER}).content.decode()
    assert "2021年发放名册" in found
    assert f'id-number text-nowrap">{STRANGER}' not in found  # the row shows it masked
    partial = city.get("/subsidies/grants/", {"q": STRANGER[:10]}).content.decode()
    assert "2021年发放名册" not in partial
    for url in ("/subsidies/grants/import/", "/subsidies/settlements/year/"):
        assert city.get(url).status_code == 200
    template = city.get("/subsidies/grants/import/template/")
    assert template.status_code == 200
    for role in ("enterprise", "district", "school"):
        for url in (
            "/subsidies/grants/",
            "/subsidies/grants/import/",
            "/subsidies/grants/import/template/",
            "/subsidies/settlements/year/",
        ):
            assert world.client(role).get(url).status_code == 403, (role, url)


@pytest.mark.parametrize("year", ["1999", "9999", "abc", str(2**63), "2026\x00"])
def test_a_bad_year_is_a_clear_error(world, year):
    response = world.client("bureau").post("/subsidies/settlements/year/", {"year": year})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode() or "invalid" in response.content.decode()


def test_an_upload_that_is_not_a_workbook_is_refused_on_the_form(world, occupation):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("history.xlsx", b"not a workbook", content_type="text/plain")
    response = world.client("bureau").post("/subsidies/grants/import/", {"file": upload})
    assert response.status_code == 200
