"""Working days for public notices (issue 10, item 5): the package's holidays and make-up
days, the bureau's changes and complete years, and a year nobody knows refused. The rules in
words: docs/rules/workdays.md."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from xuetu.core.access import VIEW
from xuetu.core.models import AuditEvent, WorkdayOverride, WorkdayYear
from xuetu.core.problems import Refused
from xuetu.core.workdays import (
    Calendar,
    CalendarUnknown,
    add_working_days,
    first_working_day_after,
    is_workday,
    notice_end,
    package,
    working_days,
)

D = dt.date


# The example and the package's own holidays ----------------------------------------
@pytest.mark.django_db
def test_a_notice_published_before_national_day_ends_on_13_october():
    # 1–7 October 2026 are holidays; Saturday 10 October is a make-up working day.
    assert first_working_day_after(D(2026, 9, 30)) == D(2026, 10, 8)
    assert notice_end(D(2026, 9, 30), 5) == D(2026, 10, 13)
    assert working_days(D(2026, 10, 1), D(2026, 10, 13)) == [
        D(2026, 10, 8),
        D(2026, 10, 9),
        D(2026, 10, 10),
        D(2026, 10, 12),
        D(2026, 10, 13),
    ]


@pytest.mark.django_db
def test_spring_festival_2026_is_nine_days_off_with_two_make_up_saturdays():
    # The State Council's 2026 table (as the package has it): 15–23 February off, Saturdays
    # 14 and 28 February worked.
    assert [is_workday(D(2026, 2, day)) for day in range(14, 25)] == [
        True,  # Sat 14: make-up
        *[False] * 9,  # 15–23
        True,  # Tue 24
    ]
    assert is_workday(D(2026, 2, 28))  # a make-up Saturday
    assert not is_workday(D(2026, 3, 1))  # an ordinary Sunday
    # Published on Friday 13 February for 5 working days: 14, 24, 25, 26, 27 February.
    assert notice_end(D(2026, 2, 13), 5) == D(2026, 2, 27)


@pytest.mark.django_db
def test_a_make_up_saturday_counts_and_an_ordinary_saturday_does_not():
    assert is_workday(D(2026, 10, 10))
    assert not is_workday(D(2026, 10, 17))
    # Friday 9 October + 1 working day is the make-up Saturday, not Monday.
    assert add_working_days(D(2026, 10, 9), 1) == D(2026, 10, 10)
    assert add_working_days(D(2026, 10, 16), 1) == D(2026, 10, 19)


@pytest.mark.django_db
def test_nought_working_days_is_the_start_and_a_notice_runs_at_least_one():
    assert add_working_days(D(2026, 10, 3), 0) == D(2026, 10, 3)
    with pytest.raises(ValueError):
        notice_end(D(2026, 10, 3), 0)
    with pytest.raises(ValueError):
        add_working_days(D(2026, 10, 3), -1)


# The bureau's changes -------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_bureaus_change_wins_over_the_package_both_ways():
    # A local holiday on a package working day, and a working day on a package holiday.
    WorkdayOverride.objects.create(date=D(2026, 10, 12), is_workday=False, note="local")
    WorkdayOverride.objects.create(date=D(2026, 10, 7), is_workday=True, note="local")
    assert not is_workday(D(2026, 10, 12))
    assert is_workday(D(2026, 10, 7))
    # 7, 8, 9, 10 and 13 October.
    assert notice_end(D(2026, 9, 30), 5) == D(2026, 10, 13)
    assert notice_end(D(2026, 10, 8), 3) == D(2026, 10, 13)


@pytest.mark.django_db
def test_a_year_nobody_knows_is_refused_in_both_languages():
    with pytest.raises(CalendarUnknown) as refused:
        is_workday(D(2031, 3, 3))
    assert isinstance(refused.value, Refused)
    assert refused.value.codes == ["calendar_unknown"]
    assert refused.value.year == 2031
    (problem,) = refused.value.problems
    with translation.override("en"):
        assert str(problem.message) == (
            "The working-day calendar for 2031 is not known yet: the bureau enters it once "
            "the State Council publishes it."
        )
    with translation.override("zh-hans"):
        message = str(problem.message)
        assert "2031" in message and "国务院" in message
        assert not any("a" <= c.lower() <= "z" for c in message)


@pytest.mark.django_db
def test_a_notice_running_into_an_unknown_year_is_refused_not_counted_on_weekdays():
    last = package().last_year
    with pytest.raises(CalendarUnknown) as refused:
        notice_end(D(last, 12, 29), 5)
    assert refused.value.year == last + 1


@pytest.mark.django_db
def test_a_year_the_bureau_marks_complete_is_weekdays_less_its_holidays():
    WorkdayYear.objects.create(year=2031, complete=False, note="not yet")
    with pytest.raises(CalendarUnknown):
        is_workday(D(2031, 1, 6))
    WorkdayYear.objects.filter(year=2031).update(complete=True)
    WorkdayOverride.objects.create(date=D(2031, 1, 1), is_workday=False, note="New Year")
    WorkdayOverride.objects.create(date=D(2031, 1, 4), is_workday=True, note="make-up Saturday")
    assert not is_workday(D(2031, 1, 1))  # a Wednesday, the bureau's holiday
    assert is_workday(D(2031, 1, 2))
    assert not is_workday(D(2031, 1, 5))  # a Sunday
    assert is_workday(D(2031, 1, 4))  # a Saturday, the bureau's make-up day
    # Published on 31 December 2030 (unknown year, but not counted): 2, 3, 4, 6, 7 January.
    assert notice_end(D(2030, 12, 31), 5) == D(2031, 1, 7)
    # An override alone, in a year not complete, answers for its own day only.
    WorkdayOverride.objects.create(date=D(2032, 1, 1), is_workday=False)
    assert not is_workday(D(2032, 1, 1))
    with pytest.raises(CalendarUnknown):
        is_workday(D(2032, 1, 2))


@pytest.mark.django_db
def test_the_last_day_of_the_calendar_refuses_instead_of_failing():
    WorkdayYear.objects.create(year=9999, complete=True)
    with pytest.raises(CalendarUnknown):
        notice_end(D(9999, 12, 30), 5)


# Queries -------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_notice_end_reads_the_bureaus_tables_in_a_fixed_number_of_queries(
    django_assert_num_queries,
):
    WorkdayOverride.objects.bulk_create(
        WorkdayOverride(date=D(2026, 11, 2) + dt.timedelta(days=i), is_workday=i % 2 == 0)
        for i in range(40)
    )
    with django_assert_num_queries(2):
        assert notice_end(D(2026, 9, 30), 5) == D(2026, 10, 13)
    with django_assert_num_queries(2):
        notice_end(D(2026, 9, 30), 40)


# Pure rules ----------------------------------------------------------------------------------
days_2004_2026 = st.dates(min_value=D(2004, 1, 1), max_value=D(2026, 10, 31))
bureau_changes = st.dictionaries(
    st.dates(min_value=D(2026, 1, 1), max_value=D(2026, 12, 31)), st.booleans(), max_size=30
)


@settings(max_examples=150, deadline=None)
@given(start=days_2004_2026, n=st.integers(0, 40), overrides=bureau_changes)
def test_each_result_is_a_working_day_and_more_days_never_end_earlier(start, n, overrides):
    cal = Calendar(overrides=overrides, complete_years=frozenset())
    end = cal.add_working_days(start, n)
    later = cal.add_working_days(start, n + 1)
    assert later > end >= start
    assert cal.is_workday(later)
    if n:
        assert cal.is_workday(end)
        # Exactly n working days after start, up to and including the end.
        between = [start + dt.timedelta(days=i) for i in range(1, (end - start).days + 1)]
        assert sum(cal.is_workday(day) for day in between) == n


@settings(max_examples=100, deadline=None)
@given(day=st.dates(min_value=D(2027, 1, 1), max_value=D(2100, 12, 31)), value=st.booleans())
def test_beyond_the_package_only_the_bureau_answers(day, value):
    if day.year <= package().last_year:
        return
    with pytest.raises(CalendarUnknown):
        Calendar().is_workday(day)
    assert Calendar(overrides={day: value}).is_workday(day) is value
    assert Calendar(complete_years=frozenset({day.year})).is_workday(day) is (day.weekday() < 5)


# Reference data and the admin ----------------------------------------------------------------
@pytest.mark.django_db
def test_everyone_signed_in_reads_the_tables_and_only_the_city_bureau_changes_them(world):
    WorkdayOverride.objects.create(date=D(2026, 11, 2), is_workday=False)
    WorkdayYear.objects.create(year=2027, complete=False)
    for name in ("enterprise", "apprentice", "district", "school", "bureau"):
        user = world.users[name]
        assert WorkdayOverride.objects.for_user(user, VIEW).count() == 1
        assert WorkdayYear.objects.for_user(user, VIEW).count() == 1
        city = name == "bureau"
        assert WorkdayOverride.objects.manageable_by(user).exists() is city
        assert WorkdayYear.objects.manageable_by(user).exists() is city


def staff(world, name):
    user = world.users[name]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.mark.django_db
def test_the_admin_pages_are_the_city_bureaus_alone(world, client):
    WorkdayOverride.objects.create(date=D(2026, 11, 2), is_workday=False)
    for name in ("district", "enterprise"):
        client.force_login(staff(world, name))
        for url in ("/admin/core/workdayoverride/", "/admin/core/workdayyear/add/"):
            assert client.get(url).status_code == 403, (name, url)
        assert b"workdayoverride" not in client.get("/admin/").content
    client.force_login(staff(world, "bureau"))
    assert b"workdayoverride" in client.get("/admin/").content
    assert client.get("/admin/core/workdayoverride/").status_code == 200
    assert client.get("/admin/core/workdayyear/add/").status_code == 200


@pytest.mark.django_db
def test_the_bureaus_admin_writes_are_audited(world, client):
    client.force_login(staff(world, "bureau"))
    response = client.post(
        "/admin/core/workdayyear/add/", {"year": "2027", "complete": "on", "note": ""}
    )
    assert response.status_code == 302, response.content
    year = WorkdayYear.objects.get(year=2027)
    response = client.post(
        "/admin/core/workdayoverride/add/",
        {"date": "2027-02-06", "is_workday": "on", "note": "make-up Saturday"},
    )
    assert response.status_code == 302, response.content
    change = WorkdayOverride.objects.get()
    response = client.post(
        f"/admin/core/workdayoverride/{change.pk}/change/",
        {"date": "2027-02-06", "note": "a holiday after all"},
    )
    assert response.status_code == 302, response.content
    response = client.post(f"/admin/core/workdayyear/{year.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302, response.content
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", "actor__username"))
    assert actions == [
        ("workdayyear.create", "bureau"),
        ("workdayoverride.create", "bureau"),
        ("workdayoverride.update", "bureau"),
        ("workdayyear.delete", "bureau"),
    ]
    assert not WorkdayOverride.objects.get().is_workday


@pytest.mark.django_db
def test_a_note_with_a_control_character_or_a_date_past_2100_is_refused(world, client):
    client.force_login(staff(world, "bureau"))
    response = client.post(
        "/admin/core/workdayoverride/add/", {"date": "9999-12-31", "note": "x\x00y"}
    )
    assert response.status_code == 200
    assert not WorkdayOverride.objects.exists()
    response = client.post("/admin/core/workdayyear/add/", {"year": "99999", "note": ""})
    assert response.status_code == 200
    assert not WorkdayYear.objects.exists()


@pytest.mark.django_db
def test_each_row_links_to_its_admin_page(world, client):
    client.force_login(staff(world, "bureau"))
    year = WorkdayYear.objects.create(year=2027)
    change = WorkdayOverride.objects.create(date=D(2027, 2, 6), is_workday=True)
    for obj in (year, change):
        assert client.get(obj.get_absolute_url()).status_code == 200
