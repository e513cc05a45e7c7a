"""No input makes a server error (issue 6, item 9; the input half of item 7): dates past the
calendar's end, control characters in a name, relations a template reads through that are
gone. Each is refused where it is typed with a field error in the user's language, and what
is stored stays as it was. (Ids past 64 bits: `test_url_walk.py`; JSON nested too deep and
every API field: `test_api_fuzz.py`.)"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from xuetu.accounts.models import User
from xuetu.core.imports import FieldChecks
from xuetu.core.models import AuditEvent
from xuetu.core.validators import EARLIEST_DATE, LATEST_DATE
from xuetu.programmes.choices import CohortStatus, EnrollmentEventKind
from xuetu.programmes.models import Cohort, Enrollment, EnrollmentEvent
from xuetu.programmes.rules import resumed_planned_end
from xuetu.programmes.tests.factories import build_programme
from xuetu.programmes.tests.test_pages import cohort_form
from xuetu.registry.models import Person
from xuetu.testing import confirmed

DATE_ERROR_ZH = "请输入 1900-01-01 至 2100-12-31 之间的日期。"
CONTROL_ERROR_ZH = "请删除文本中不可见的控制字符 U+000B。"


def field_errors(response, name: str) -> list[str]:
    """The errors a page shows on one field of its form (or of the action's refused form)."""
    keys = ("failed_form", "review_form", "form")
    form = next(response.context[key] for key in keys if response.context.get(key))
    return [str(e) for e in form.errors.get(name, [])]


# Dates ------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_class_ending_in_9999_is_refused_on_its_form_and_keeps_its_dates(world):
    programme = build_programme(world)
    cohort = programme.cohort
    url = f"/programmes/cohorts/{cohort.pk}/edit/"
    response = world.client("enterprise").post(url, cohort_form(cohort, planned_end="9999-12-01"))
    assert response.status_code == 200
    assert field_errors(response, "planned_end") == [DATE_ERROR_ZH]
    cohort.refresh_from_db()
    assert cohort.planned_end == programme.cohort.planned_end


@pytest.mark.django_db
def test_a_class_ending_in_9999_is_refused_by_the_api_naming_the_field(world):
    cohort = build_programme(world).cohort
    api = world.api("enterprise")
    response = api.patch(
        f"/api/v1/cohorts/{cohort.pk}/",
        {"planned_end": "9999-12-01"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert response.json() == {"planned_end": [DATE_ERROR_ZH]}
    assert Cohort.objects.get(pk=cohort.pk).planned_end == cohort.planned_end


@pytest.mark.django_db
def test_a_withdrawal_dated_9999_is_refused_on_the_date_field(world):
    enrollment = build_programme(world, status=CohortStatus.IN_TRAINING).enrollment
    response = world.client("enterprise").post(
        f"/programmes/enrollments/{enrollment.pk}/withdraw/",
        {"withdraw-on": "9999-12-01", "withdraw-reason": "left"},
    )
    assert response.status_code == 200
    assert field_errors(response, "on") == [DATE_ERROR_ZH]
    assert Enrollment.objects.get(pk=enrollment.pk).withdrawn_on is None


@pytest.mark.django_db
def test_the_audit_log_refuses_a_date_past_2100_with_a_message_instead_of_failing(world):
    response = world.client("bureau").get("/audit/?date_to=9999-12-31")
    assert response.status_code == 200
    assert field_errors(response, "date_to") == [DATE_ERROR_ZH]
    assert DATE_ERROR_ZH in response.content.decode()
    # The unfiltered log is shown, as for any filter the form refuses.
    assert response.context["paginator"].count == AuditEvent.objects.count()


@pytest.mark.django_db
def test_a_class_stored_with_a_date_past_the_bound_is_checked_and_submitted_without_failing(
    world,
):
    """A row from before the bound existed: its pages answer, the check says what is wrong."""
    cohort = build_programme(world).cohort
    Cohort.objects.filter(pk=cohort.pk).update(planned_end=dt.date(9999, 12, 31))
    client = world.client("enterprise")
    base = f"/programmes/cohorts/{cohort.pk}/"
    assert client.get(base).status_code == 200
    checked = client.get(base + "?check=1")
    assert checked.status_code == 200
    assert "duration_out_of_range" in {p.code for p in checked.context["checked"]}
    assert client.get(base + "roster/template/").status_code == 200
    refused = client.post(base + "submit/", confirmed())
    assert refused.status_code == 409
    assert "duration_out_of_range" in {p.code for p in refused.context["refused"].problems}
    assert Cohort.objects.get(pk=cohort.pk).status == CohortStatus.DRAFT


DATES = st.dates(EARLIEST_DATE, LATEST_DATE)


@given(DATES, DATES, DATES)
def test_a_pause_between_any_entered_dates_moves_the_planned_end_without_overflow(
    end, paused, resumed
):
    moved = resumed_planned_end(end, paused_from=paused, resumed_on=resumed)
    assert moved == end + (resumed - paused)


# Control characters -----------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_name_with_a_control_character_is_refused_on_the_person_form(world):
    before = Person.objects.count()
    response = world.client("enterprise").post(
        "/registry/people/new/", {"name": "张\x0b三", "id_number": "11010519491231002X"}
    )
    assert response.status_code == 200
    assert field_errors(response, "name") == [CONTROL_ERROR_ZH]
    assert Person.objects.count() == before


@pytest.mark.django_db
def test_a_class_name_with_a_control_character_is_refused_and_the_name_kept(world):
    cohort = build_programme(world).cohort
    response = world.client("enterprise").post(
        f"/programmes/cohorts/{cohort.pk}/edit/", cohort_form(cohort, name="焊工\x0b班")
    )
    assert field_errors(response, "name") == [CONTROL_ERROR_ZH]
    assert Cohort.objects.get(pk=cohort.pk).name == cohort.name


@pytest.mark.django_db
def test_a_review_comment_keeps_its_line_breaks_but_not_other_control_characters(world):
    cohort = build_programme(world, status=CohortStatus.SUBMITTED).cohort
    client = world.client("district")
    url = f"/programmes/cohorts/{cohort.pk}/return/"
    refused = client.post(url, {"comment": "请补充\x0b材料"})
    assert field_errors(refused, "comment") == [CONTROL_ERROR_ZH]
    assert Cohort.objects.get(pk=cohort.pk).status == CohortStatus.SUBMITTED
    client.post(url, confirmed({"comment": "请补充：\r\n1. 培训计划\r\n2. 名册"}))
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.RETURNED
    assert cohort.review_comment == "请补充：\r\n1. 培训计划\r\n2. 名册"


def test_a_roster_rows_name_with_a_control_character_is_refused_by_the_imports_checks():
    person = Person(
        name="王\x0b小明",
        id_number="11010519491231002X",
        gender="F",
        birth_date=dt.date(1949, 12, 31),
    )
    with pytest.raises(ValidationError) as caught:
        FieldChecks(Person, ["name", "id_number", "gender", "birth_date"]).check(person)
    assert list(caught.value.message_dict) == ["name"]


# Templates and missing relations ----------------------------------------------------------------
TEMPLATES = Path(settings.BASE_DIR) / "xuetu" / "templates"
# `{{ x|default:a.b.c }}` and `{% url 'n' a.b.c %}`: a filter's argument and a URL's argument
# raise when a relation on the way is None, where a plain `{{ a.b.c }}` shows nothing.
THROUGH_A_RELATION = [
    re.compile(r"\|\w+:(?!\")(\w+\.\w+\.[\w.]+)"),
    re.compile(r"\{%\s*url\s+\S+((?:\s+(?!as\b)\w+\.\w+\.[\w.]+)+)"),
]


def test_no_template_reads_through_a_relation_in_a_filter_or_url_argument():
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(1).strip()}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for pattern in THROUGH_A_RELATION
        for match in pattern.finditer(path.read_text())
    ]
    assert found == []


@pytest.mark.django_db
def test_a_filing_whose_submitter_reviewer_and_recorder_are_gone_still_shows(world):
    programme = build_programme(world, status=CohortStatus.RETURNED)
    cohort, enrollment = programme.cohort, programme.enrollment
    Cohort.objects.filter(pk=cohort.pk).update(
        submitted_by=None, reviewed_by=None, review_comment="请补充材料"
    )
    EnrollmentEvent.objects.create(
        enrollment=enrollment,
        kind=EnrollmentEventKind.PAUSED,
        effective_date=dt.date(2026, 5, 1),
        by=None,
    )
    for username in ("district", "bureau", "enterprise"):
        client = world.client(username)
        for url in (
            f"/programmes/cohorts/{cohort.pk}/",
            f"/programmes/enrollments/{enrollment.pk}/",
        ):
            response = client.get(url)
            assert response.status_code == 200, (username, url)
    page = world.client("district").get(f"/programmes/cohorts/{cohort.pk}/").content.decode()
    assert "请补充材料" in page


@pytest.mark.django_db
def test_every_class_and_apprentice_page_of_a_fresh_demo_opens_for_its_reviewers():
    call_command("seed_demo", stdout=io.StringIO())
    urls = [c.get_absolute_url() for c in Cohort.objects.all()]
    urls += [e.get_absolute_url() for e in Enrollment.objects.all()]
    assert Cohort.objects.filter(status=CohortStatus.SUBMITTED, submitted_by=None).exists()
    for username in ("district", "bureau"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        answers = {url: client.get(url).status_code for url in urls}
        assert {url: code for url, code in answers.items() if code >= 500} == {}
        assert 200 in answers.values()
