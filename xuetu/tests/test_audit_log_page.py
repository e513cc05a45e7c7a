"""The audit log as a reviewer reads it: words, names and links; a chooser and a date range;
an Excel file of what was filtered; and no verification code in it."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override

from xuetu.core.audit import audit_record
from xuetu.core.excel import read_rows
from xuetu.core.models import AuditEvent, Job
from xuetu.core.verify import verify_url
from xuetu.programmes.models import Appointment, Enrollment, Mentor
from xuetu.programmes.services.mentors import appointment_issue, recode_logged_letters
from xuetu.programmes.tests.factories import build_programme, make_mentor

pytestmark = pytest.mark.django_db

AUDIT = "/audit/"


def _letter(world, mentor: Mentor) -> Appointment:
    return appointment_issue(
        by=world.users["enterprise"],
        mentor=mentor,
        term_start=dt.date(2026, 1, 1),
        term_end=dt.date(2027, 12, 31),
        issued_on=dt.date(2026, 1, 1),
        with_pdf=False,
    )


def test_the_audit_log_says_who_did_what_in_words(world):
    programme = build_programme(world)
    other = make_mentor(world)
    audit_record(
        by=world.users["mentor"],
        action="enrollment.resumed",
        obj=programme.enrollment,
        before={"enterprise_mentor_id": programme.mentor.pk},
        after={"enterprise_mentor_id": other.pk},
    )
    page = world.client("bureau").get(AUDIT).content.decode()
    with override("zh-hans"):
        from xuetu.programmes.choices import EnrollmentEventKind

        resumed = str(EnrollmentEventKind.RESUMED.label)
        field = str(Enrollment._meta.get_field("enterprise_mentor").verbose_name)
    assert resumed in page and field in page
    # The actor by the name of their person, both mentors by name, the object as a link.
    assert "王劲松" in page and str(other) in page and str(programme.mentor) in page
    assert f'href="{programme.enrollment.get_absolute_url()}"' in page
    assert str(programme.enrollment) in page
    for code in ("enterprise_mentor_id", "programmes.enrollment#", "{'"):
        assert code not in page
    # The action's code is only a detail for support, after the words.
    assert page.index(resumed) < page.index("enrollment.resumed")
    assert f"<td>{resumed}<" in page


def test_an_actor_without_a_person_is_named_by_their_full_name(world):
    programme = build_programme(world)
    user = world.users["enterprise"]
    user.first_name, user.last_name = "晓", "李"
    user.save(update_fields=["first_name", "last_name"])
    audit_record(by=user, action="cohort.approve", obj=programme.cohort)
    page = world.client("bureau").get(AUDIT).content.decode()
    assert user.get_full_name() in page
    with override("zh-hans"):
        from xuetu.core.audit_labels import action_label

        assert action_label("cohort.approve", "programmes.cohort") in page
        assert action_label("cohort.approve", "programmes.cohort") != "cohort.approve"


def test_an_object_since_deleted_is_named_as_it_was_without_a_link(world):
    AuditEvent.objects.create(
        action="mentor.delete",
        object_type="programmes.mentor",
        object_id="999999",
        object_repr="张三 (企业导师)",
    )
    response = world.client("bureau").get(AUDIT)
    assert response.status_code == 200
    assert "张三 (企业导师)" in response.content.decode()


def test_the_object_type_is_chosen_from_the_kinds_the_log_has_events_about(world):
    programme = build_programme(world)
    audit_record(by=None, action="cohort.approve", obj=programme.cohort)
    audit_record(by=None, action="enrollment.paused", obj=programme.enrollment)
    client = world.client("bureau")
    with override("zh-hans"):
        response = client.get(AUDIT)
        choices = dict(response.context["form"].fields["object_type"].choices)
    assert "programmes.cohort" in choices and "programmes.enrollment" in choices
    assert "培训班" in choices.values() or str(programme.cohort._meta.verbose_name) in str(
        choices["programmes.cohort"]
    )
    chosen = client.get(AUDIT, {"object_type": "programmes.cohort"})
    assert {e.object_type for e in chosen.context["object_list"]} == {"programmes.cohort"}
    unknown = client.get(AUDIT, {"object_type": "cohort"})
    assert unknown.status_code == 200 and unknown.context["form"].errors["object_type"]


def test_a_date_range_that_ends_before_it_starts_is_a_field_error(world):
    response = world.client("bureau").get(
        AUDIT, {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"]
    far = world.client("bureau").get(AUDIT, {"date_from": "9999-12-31"})
    assert far.status_code == 200 and far.context["form"].errors["date_from"]


def test_the_audit_page_runs_as_many_queries_for_50_events_as_for_5(
    world, django_assert_max_num_queries
):
    build_programme(world)
    client = world.client("bureau")
    for _ in range(5):
        _letter(world, make_mentor(world))
    before = AuditEvent.objects.count()
    client.get(AUDIT, {"object_type": "programmes.appointment"})
    with CaptureQueriesContext(connection) as five:
        response = client.get(AUDIT, {"object_type": "programmes.appointment"})
    assert len(response.context["entries"]) == 5
    for _ in range(45):
        _letter(world, make_mentor(world))
    assert AuditEvent.objects.count() == before + 45
    with django_assert_max_num_queries(len(five)):
        response = client.get(AUDIT, {"object_type": "programmes.appointment"})
    entries = response.context["entries"]
    assert len(entries) == 50
    # Each letter's mentor is named, not numbered, and each letter links to its mentor's page.
    assert all(e.object_url and not e.object_url.startswith("?") for e in entries)
    mentors = [c.after for e in entries for c in e.changes if c.after and " · " in c.after]
    assert len(mentors) == 50


def test_a_letters_verification_code_never_reaches_the_audit_log(world):
    letter = _letter(world, make_mentor(world))
    events = AuditEvent.objects.filter(object_type="programmes.appointment")
    assert events.exists()
    for event in events:
        assert letter.code not in json.dumps([event.before, event.after])
        assert "code" not in (event.after or {}) and "code" not in (event.before or {})
    # Not even when a caller hands the code over itself.
    audit_record(by=None, action="appointment.update", obj=letter, after={"code": letter.code})
    assert not AuditEvent.objects.filter(after__has_key="code").exists()


def test_letters_whose_code_the_log_holds_get_new_codes_and_the_old_ones_stop_working(
    world, capsys
):
    logged, kept = _letter(world, make_mentor(world)), _letter(world, make_mentor(world))
    old = logged.code
    # As the log was written before it kept codes out.
    AuditEvent.objects.create(
        action="appointment.create",
        object_type="programmes.appointment",
        object_id=str(logged.pk),
        object_repr=logged.number,
        after={"code": old},
    )
    call_command("recode_logged_letters")
    assert re.search(r"(?<!\d)1(?!\d)", capsys.readouterr().out)
    logged.refresh_from_db()
    assert logged.code != old and len(logged.code) >= 16
    assert Appointment.objects.get(pk=kept.pk).code == kept.code
    # The log is not edited: the old event still says what it said, and one more is added.
    assert AuditEvent.objects.filter(after__code=old).count() == 1
    assert AuditEvent.objects.filter(action="appointment.recode", object_id=str(logged.pk)).exists()
    # The public page refuses the old code and accepts the new one.
    assert world.client("bureau").get(verify_url(logged.number, old)).context["wrong_code"]
    assert (
        not world.client("bureau").get(verify_url(logged.number, logged.code)).context["wrong_code"]
    )
    assert Appointment.objects.filter(code=old).count() == 0
    # Again: nothing left to re-code.
    assert recode_logged_letters() == 0
    call_command("recode_logged_letters")
    assert re.search(r"(?<!\d)0(?!\d)", capsys.readouterr().out)


def test_the_filtered_log_exports_to_excel_in_words(world, django_capture_on_commit_callbacks):
    programme = build_programme(world)
    audit_record(by=world.users["mentor"], action="cohort.approve", obj=programme.cohort)
    audit_record(by=world.users["mentor"], action="enrollment.paused", obj=programme.enrollment)
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("bureau").post(f"{AUDIT}?object_type=programmes.cohort")
    assert response.status_code == 302
    job = Job.objects.latest("pk")
    assert job.state == "done", job.message
    rows = read_rows(job.result_file.read())
    assert len(rows) == 2
    assert "王劲松" in rows[1] and str(programme.cohort) in rows[1]
    assert "cohort.approve" not in rows[1]


def test_only_the_city_bureau_exports_the_audit_log(world):
    response = world.client("enterprise").post(AUDIT)
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_an_invalid_filter_exports_nothing_and_says_why(world):
    response = world.client("bureau").post(f"{AUDIT}?date_from=9999-12-31")
    assert response.status_code == 200
    assert response.context["form"].errors["date_from"]
    assert not Job.objects.exists()


def test_the_reviewer_sorts_the_audit_log_by_time_actor_and_action(world):
    programme = build_programme(world)
    for username, action in (("mentor", "enrollment.resumed"), ("enterprise", "cohort.submitted")):
        audit_record(by=world.users[username], action=action, obj=programme.cohort)
    client = world.client("bureau")
    newest = list(client.get(AUDIT).context["page_obj"].object_list)
    oldest = list(client.get(f"{AUDIT}?sort=at").context["page_obj"].object_list)
    assert [e.pk for e in oldest] == sorted(e.pk for e in newest)
    by_action = [e.action for e in client.get(f"{AUDIT}?sort=-action").context["page_obj"]]
    assert by_action == sorted(by_action, reverse=True)
    page = client.get(f"{AUDIT}?sort=actor")
    assert page.status_code == 200 and 'aria-sort="ascending"' in page.content.decode()
    assert client.get(f"{AUDIT}?sort=ip_address").status_code == 200  # not a sort key: ignored
