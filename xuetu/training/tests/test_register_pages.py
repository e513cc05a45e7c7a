"""The register pages: today's register for the mentor (defaults, one tap per absent
apprentice, refusals with the apprentice's row), a register's page, the class's hours and
progress, the apprentice's own hours with confirm and dispute, the disputes to resolve; access
per role and a fixed number of queries whatever the size."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from xuetu.core.ids import MAX_ID
from xuetu.testing import confirmed
from xuetu.training.choices import HoursStatus
from xuetu.training.models import Evidence, Hours, Session
from xuetu.training.services.registers import hours_dispute
from xuetu.training.tests.factories_registers import DAY, running_class
from xuetu.training.tests.factories_regpages import PNG, class_running_today, recorded

pytestmark = pytest.mark.django_db


def register_url(klass) -> str:
    return reverse("training:register", args=[klass.cohort.pk])


def posted(klass, *, absent=(), date=DAY, module=None, **extra) -> dict:
    return {
        "module": module or klass.workplace.pk,
        "date": date.isoformat() if isinstance(date, dt.date) else date,
        "start_time": "08:00",
        "end_time": "12:00",
        "enrollment": [e.pk for e in klass.enrollments],
        "present": [e.pk for i, e in enumerate(klass.enrollments) if i not in absent],
        **extra,
    }


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


# ---- Access ----------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_sign_in(world):
    klass = running_class(world)
    response = Client().get(register_url(klass))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_apprentice_may_not_open_the_register(world):
    klass = running_class(world)
    assert world.client("apprentice").get(register_url(klass)).status_code == 403
    assert world.client("apprentice").post(register_url(klass), posted(klass)).status_code == 403
    assert not Session.objects.exists()


def test_another_enterprise_gets_404_on_every_register_page(world):
    klass = running_class(world)
    session = recorded(klass)
    hours = session.hours.get(enrollment=klass.enrollments[0])
    client = world.client("enterprise2")
    for url in (
        register_url(klass),
        reverse("training:cohort_hours", args=[klass.cohort.pk]),
        reverse("training:progress", args=[klass.cohort.pk]),
        reverse("training:disputes", args=[klass.cohort.pk]),
        session.get_absolute_url(),
        hours.get_absolute_url(),
        reverse("training:hours_confirm", args=[hours.pk]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, confirmed()).status_code in (404, 405), url


def test_ids_past_two_to_the_63_are_404(world):
    client = world.client("mentor")
    for name in ("register", "session_detail", "hours_detail", "hours_confirm"):
        url = reverse(f"training:{name}", args=[1]).replace("/1/", f"/{MAX_ID + 1}/")
        assert client.get(url).status_code == 404, url


def test_the_apprentice_sees_only_their_own_line_of_a_register(world):
    klass = running_class(world, size=3)
    session = recorded(klass)
    body = world.client("apprentice").get(session.get_absolute_url()).content.decode()
    assert body.count('data-testid="session-line"') == 1
    assert klass.enrollments[0].person.name in body
    assert klass.enrollments[1].person.name not in body
    assert 'data-testid="evidence-form"' not in body


# ---- Today's register ------------------------------------------------------------------------


def test_the_register_opens_with_the_mentors_module_today_and_every_apprentice_present(world):
    klass = class_running_today(world, size=4)
    body = english(world.client("mentor")).get(register_url(klass)).content.decode()
    assert body.count('data-testid="register-row"') == 4
    assert body.count("checked>") >= 4  # every toggle: present
    assert 'value="08:30"' in body and 'value="12:00"' in body
    assert f'value="{klass.workplace.pk}" selected' in body


def test_the_times_are_those_of_the_users_last_register_of_the_class(world):
    klass = running_class(world)
    recorded(klass)
    body = world.client("mentor").get(register_url(klass)).content.decode()
    assert 'value="08:00"' in body


def test_recording_stores_one_line_per_apprentice_and_says_how_many(world):
    klass = running_class(world, size=5)
    client = english(world.client("mentor"))
    response = client.post(register_url(klass), posted(klass, absent={2}), follow=True)
    assert response.status_code == 200
    session = Session.objects.get()
    assert session.hours.count() == 5
    assert session.hours.filter(present=False).get().enrollment == klass.enrollments[2]
    assert "4 present, 1 absent" in response.content.decode()


def test_changing_the_date_lists_the_roster_of_that_date(world):
    klass = running_class(world, size=3)
    last = klass.enrollments[-1]
    last.withdrawn_on = DAY
    last.save(update_fields=["withdrawn_on"])
    client = world.client("mentor")
    before = client.get(register_url(klass), {"date": "2026-09-14"}).content.decode()
    on = client.get(register_url(klass), {"date": DAY.isoformat()}).content.decode()
    assert before.count('data-testid="register-row"') == 3
    assert on.count('data-testid="register-row"') == 2


def test_a_refusal_is_shown_with_the_apprentices_row_and_nothing_is_stored(world):
    klass = running_class(world, size=3)
    recorded(klass)  # the same hours already: every line overlaps
    response = english(world.client("mentor")).post(register_url(klass), posted(klass))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-code="overlap"' in body
    assert body.count('data-flagged="1"') == 3
    assert Session.objects.count() == 1


def test_the_refusal_speaks_chinese_on_a_chinese_page(world):
    klass = running_class(world, size=2)
    client = world.client("mentor")
    client.cookies["django_language"] = "zh-hans"
    body = client.post(register_url(klass), posted(klass, date="2026-01-05")).content.decode()
    assert 'data-code="outside_cohort_dates"' in body
    assert "日期不在班级的培训期内" in body
    assert "The date" not in body


@pytest.mark.parametrize(
    "change",
    [
        {"date": "9999-12-31"},
        {"date": "not a date"},
        {"note": "line\x00break\x07"},
        {"enrollment": [str(MAX_ID + 1)]},
        {"enrollment": ["-3"]},
        {"enrollment": []},
        {"module": str(MAX_ID + 1)},
        {"start_time": "25:99"},
        {"start_time": "12:00", "end_time": "08:00"},
    ],
)
def test_bad_input_is_a_form_error_never_a_500(world, change):
    klass = running_class(world, size=2)
    response = english(world.client("mentor")).post(register_url(klass), posted(klass, **change))
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode() or "alert-danger" in (
        response.content.decode()
    )
    assert not Session.objects.exists()


def test_a_get_with_a_date_in_year_9999_shows_today(world):
    klass = running_class(world)
    response = world.client("mentor").get(register_url(klass), {"date": "9999-12-31"})
    assert response.status_code == 200


def test_the_register_page_reads_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    small = running_class(world, size=3)
    client = world.client("mentor")
    with django_assert_max_num_queries(30) as few:
        client.get(register_url(small), {"date": DAY.isoformat()})
    for n in range(27):
        from xuetu.programmes.tests.factories import make_enrollment, make_person

        make_enrollment(
            world,
            small.cohort,
            person=make_person(f"加人{n:03d}", organisation=world.enterprise),
            enterprise_mentor=small.programme.mentor,
            institution_mentor=small.programme.teacher,
            status="active",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(register_url(small), {"date": DAY.isoformat()}).content.decode()
    assert body.count('data-testid="register-row"') == 30


# ---- A register's page: evidence and corrections ---------------------------------------------


def test_the_mentor_adds_a_photo_and_downloads_it(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    klass = running_class(world)
    session = recorded(klass)
    client = world.client("mentor")
    upload = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    response = client.post(
        reverse("training:evidence_add", args=[session.pk]), {"kind": "photo", "upload": upload}
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    download = client.get(reverse("training:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert (
        world.client("apprentice")
        .get(reverse("training:evidence_download", args=[evidence.pk]))
        .status_code
        == 404
    )


def test_a_text_file_is_no_photo(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    klass = running_class(world)
    session = recorded(klass)
    upload = SimpleUploadedFile("photo.png", b"hello", content_type="image/png")
    response = world.client("mentor").post(
        reverse("training:evidence_add", args=[session.pk]), {"kind": "photo", "upload": upload}
    )
    assert response.status_code == 200
    assert not Evidence.objects.exists()


def test_the_apprentice_may_not_add_evidence(world):
    klass = running_class(world)
    session = recorded(klass)
    url = reverse("training:evidence_add", args=[session.pk])
    assert world.client("apprentice").get(url).status_code == 403


def test_the_mentor_corrects_a_line_with_a_reason(world):
    klass = running_class(world)
    session = recorded(klass)
    line = session.hours.get(enrollment=klass.enrollments[1])
    response = world.client("mentor").post(
        reverse("training:hours_correct", args=[line.pk]),
        confirmed({"present": "0", "minutes": "", "reason": "记错了"}),
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.status == HoursStatus.CANCELLED
    assert Hours.objects.get(cancels=line).present is False


def test_a_correction_without_a_reason_is_a_form_error(world):
    klass = running_class(world)
    line = recorded(klass).hours.get(enrollment=klass.enrollments[0])
    response = world.client("mentor").post(
        reverse("training:hours_correct", args=[line.pk]), confirmed({"present": "1"})
    )
    assert response.status_code == 200
    assert not Hours.objects.filter(cancels=line).exists()


# ---- Hours, progress, the apprentice's own ---------------------------------------------------


def test_the_class_hours_list_reads_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    klass = running_class(world, size=3)
    recorded(klass)
    client = world.client("enterprise")
    url = reverse("training:cohort_hours", args=[klass.cohort.pk])
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for day in range(1, 12):
        recorded(klass, date=DAY + dt.timedelta(days=day))
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(url).content.decode()
    assert body.count('data-testid="hours-line"') == 36


def test_the_hours_list_filters_by_status_apprentice_and_date(world):
    klass = running_class(world, size=3)
    recorded(klass)
    recorded(klass, date=DAY + dt.timedelta(days=1))
    client = world.client("enterprise")
    url = reverse("training:cohort_hours", args=[klass.cohort.pk])
    body = client.get(url, {"apprentice": klass.enrollments[0].pk}).content.decode()
    assert body.count('data-testid="hours-line"') == 2
    body = client.get(url, {"date": DAY.isoformat()}).content.decode()
    assert body.count('data-testid="hours-line"') == 3
    body = client.get(url, {"status": "confirmed"}).content.decode()
    assert body.count('data-testid="hours-line"') == 0
    assert client.get(url, {"date": "9999-12-31", "apprentice": "x"}).status_code == 200


def test_progress_shows_each_apprentices_hours_against_the_plan(world):
    klass = running_class(world, size=2)
    recorded(klass)
    body = (
        world.client("enterprise")
        .get(reverse("training:progress", args=[klass.cohort.pk]))
        .content.decode()
    )
    assert body.count('data-testid="progress-row"') == 2
    assert "0 + 4 / 800" in body


def test_the_apprentice_confirms_one_entry_and_then_all(world):
    klass = running_class(world)
    recorded(klass)
    recorded(klass, date=DAY + dt.timedelta(days=1))
    recorded(klass, date=DAY + dt.timedelta(days=2))
    client = world.client("apprentice")
    page = client.get(reverse("training:my_hours")).content.decode()
    assert page.count('data-testid="my-hours-line"') == 3
    own = Hours.objects.filter(enrollment=klass.enrollments[0]).order_by("date")
    response = client.post(
        reverse("training:hours_confirm", args=[own[0].pk]),
        confirmed({"next": reverse("training:my_hours")}),
    )
    assert response["Location"] == reverse("training:my_hours")
    assert own[0].status == HoursStatus.CONFIRMED
    client.post(reverse("training:confirm_all"), confirmed())
    assert set(own.values_list("status", flat=True)) == {HoursStatus.CONFIRMED}
    assert (
        Hours.objects.exclude(enrollment=klass.enrollments[0])
        .filter(status=HoursStatus.CONFIRMED)
        .count()
        == 0
    )


def test_the_next_address_must_be_on_this_site(world):
    klass = running_class(world)
    line = recorded(klass).hours.get(enrollment=klass.enrollments[0])
    response = world.client("apprentice").post(
        reverse("training:hours_confirm", args=[line.pk]),
        confirmed({"next": "https://evil.example/"}),
    )
    assert response["Location"] == line.get_absolute_url()


def test_the_teacher_confirms_the_mentors_register_for_their_apprentices(world):
    klass = running_class(world, size=3)
    recorded(klass)
    client = Client()
    client.force_login(klass.teacher_user)
    page = client.get(reverse("training:my_hours")).content.decode()
    assert 'data-testid="to-confirm"' in page
    client.post(reverse("training:confirm_all"), confirmed({"whose": "apprentices"}))
    assert Hours.objects.filter(status=HoursStatus.CONFIRMED).count() == 3


def test_the_apprentice_disputes_and_the_mentor_resolves(world):
    klass = running_class(world)
    line = recorded(klass).hours.get(enrollment=klass.enrollments[0])
    response = world.client("apprentice").post(
        reverse("training:hours_dispute", args=[line.pk]), confirmed({"reason": "我请假了"})
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.status == HoursStatus.DISPUTED
    client = world.client("mentor")
    disputes = reverse("training:disputes", args=[klass.cohort.pk])
    assert 'data-testid="dispute"' in client.get(disputes).content.decode()
    client.post(
        reverse("training:hours_resolve", args=[line.pk]),
        confirmed({"outcome": "cancelled", "reason": "确认请假", "next": disputes}),
    )
    line.refresh_from_db()
    assert line.status == HoursStatus.CANCELLED


def test_confirming_twice_is_refused_with_the_code(world):
    klass = running_class(world)
    line = recorded(klass).hours.get(enrollment=klass.enrollments[0])
    hours_dispute(by=world.users["apprentice"], hours=line, reason="不对")
    response = english(world.client("apprentice")).post(
        reverse("training:hours_confirm", args=[line.pk]), confirmed()
    )
    assert response.status_code == 409
    assert 'data-code="not_pending"' in response.content.decode()


# ---- The class page and home ----------------------------------------------------------------


def test_the_class_page_links_the_register_for_the_mentor_only(world):
    klass = running_class(world)
    url = reverse("programmes:cohort_detail", args=[klass.cohort.pk])
    mentor = world.client("mentor").get(url).content.decode()
    apprentice = world.client("apprentice").get(url).content.decode()
    assert register_url(klass) in mentor
    assert register_url(klass) not in apprentice
    assert reverse("training:cohort_hours", args=[klass.cohort.pk]) in apprentice


def test_home_shows_the_hours_to_confirm_and_the_register_to_record(world):
    klass = running_class(world)
    recorded(klass)
    apprentice = english(world.client("apprentice")).get("/").content.decode()
    assert "1 hours entry to confirm" in apprentice
    mentor = world.client("mentor").get("/").content.decode()
    assert register_url(klass) in mentor
