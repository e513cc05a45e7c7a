"""Class registers and hours (issue 9 item 3): every refusal by its code, in both languages;
confirmation, disputes and corrections; a register of any size in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from xuetu.core.problems import Refused
from xuetu.programmes.choices import EnrollmentEventKind, EnrollmentStatus
from xuetu.programmes.models import EnrollmentEvent, ProgrammePolicy
from xuetu.testing import build_world
from xuetu.training import register_rules as rules
from xuetu.training.choices import HoursStatus
from xuetu.training.models import Hours, Session
from xuetu.training.services.registers import (
    Mark,
    hours_confirm,
    hours_confirm_many,
    hours_correct,
    hours_dispute,
    hours_resolve,
    register_roster,
    session_record,
)
from xuetu.training.tests.factories_registers import DAY, TODAY, running_class

pytestmark = pytest.mark.django_db

T = dt.time
EIGHT, NOON = T(8, 0), T(12, 0)


def record(k, by=None, module=None, date=DAY, start=EIGHT, end=NOON, marks=None, **kw):
    world = k.programme.world
    return session_record(
        by=by or world.users["mentor"],
        cohort=k.cohort,
        module=module or k.workplace,
        date=date,
        start_time=start,
        end_time=end,
        attendance=k.marks() if marks is None else marks,
        today=kw.pop("today", TODAY),
        **kw,
    )


def refused(k, **kw) -> Refused:
    with pytest.raises(Refused) as caught:
        record(k, **kw)
    return caught.value


def both_languages(problem) -> tuple[str, str]:
    with translation.override("en"):
        english = str(problem.message)
    with translation.override("zh-hans"):
        chinese = str(problem.message)
    assert english != chinese, english
    words = english.split(": ", 1)[-1]  # a line's message starts with the apprentice's name
    assert not any("\u4e00" <= c <= "\u9fff" for c in words), english
    return english, chinese


@pytest.fixture
def k():
    return running_class(build_world(), size=3)


def test_a_register_records_one_entry_per_apprentice(k):
    session = record(k, marks=k.marks(absent=1))
    rows = list(session.hours.order_by("pk").values_list("present", "minutes", "status"))
    assert rows == [(False, 0, "pending"), (True, 240, "pending"), (True, 240, "pending")]
    assert session.mentor == k.programme.mentor
    assert session.place == "workplace"


def test_the_codes_are_exactly_those_of_the_issue():
    assert set(rules.CODES) == {
        "outside_cohort_dates",
        "future_date",
        "during_pause",
        "after_withdrawal",
        "overlap",
        "over_daily_limit",
        "not_responsible",
    }


def test_future_date(k):
    error = refused(k, date=TODAY + dt.timedelta(days=1))
    assert error.codes == ["future_date"]
    english, chinese = both_languages(error.problems[0])
    assert "future" in english and "未来" in chinese


def test_outside_cohort_dates(k):
    error = refused(k, date=k.cohort.planned_start - dt.timedelta(days=1))
    assert error.codes == ["outside_cohort_dates"]
    english, chinese = both_languages(error.problems[0])
    assert "2026-03-01" in english and "2026-03-01" in chinese


def test_outside_an_apprentices_own_dates(k):
    late = k.enrollments[1]
    EnrollmentEvent.objects.filter(enrollment=late).update(effective_date=DAY + dt.timedelta(1))
    error = refused(k)
    assert error.codes == ["outside_cohort_dates"]
    assert error.problems[0].field == "attendance.1"
    both_languages(error.problems[0])


def test_during_pause(k):
    paused = k.enrollments[2]
    EnrollmentEvent.objects.create(
        enrollment=paused, kind=EnrollmentEventKind.PAUSED, effective_date=DAY - dt.timedelta(5)
    )
    error = refused(k)
    assert error.codes == ["during_pause"]
    english, chinese = both_languages(error.problems[0])
    assert paused.person.name in english and "暂停" in chinese
    # after the resumption the same day is recorded
    EnrollmentEvent.objects.create(
        enrollment=paused, kind=EnrollmentEventKind.RESUMED, effective_date=DAY
    )
    assert record(k).hours.count() == 3


def test_after_withdrawal(k):
    gone = k.enrollments[1]
    gone.status = EnrollmentStatus.WITHDRAWN
    gone.withdrawn_on = DAY
    gone.save()
    error = refused(k)
    assert error.codes == ["after_withdrawal"]
    english, chinese = both_languages(error.problems[0])
    assert "withdrawn" in english and "退出" in chinese


def test_overlap_with_another_register_of_the_same_apprentice(k):
    record(k, start=T(8, 0), end=T(12, 0))
    error = refused(k, module=k.theory, by=k.teacher_user, start=T(11, 30), end=T(13, 0))
    assert set(error.codes) == {"overlap"}
    assert len(error.problems) == 3  # every apprentice, each named
    english, chinese = both_languages(error.problems[0])
    assert "08:00" in english and "12:00" in chinese
    # back to back is not an overlap
    assert record(k, module=k.theory, by=k.teacher_user, start=T(12, 0), end=T(13, 0))


def test_over_daily_limit_default_ten_hours(k):
    record(k, start=T(7, 0), end=T(12, 0))
    error = refused(k, start=T(12, 0), end=T(18, 30))
    assert set(error.codes) == {"over_daily_limit"}
    english, chinese = both_languages(error.problems[0])
    assert "11.5" in english and "10" in chinese
    assert record(k, start=T(12, 0), end=T(17, 0))  # exactly ten


def test_the_daily_limit_is_the_policys(k):
    ProgrammePolicy.objects.update(max_hours_per_day=8)
    assert refused(k, start=T(8, 0), end=T(17, 0)).codes == ["over_daily_limit"] * 3


def test_not_responsible(k, settings):
    world = k.programme.world
    # the teacher is responsible for the theory module, not for the workplace module, and is
    # the institution teacher of every apprentice: allowed as their own mentor
    assert record(k, by=k.teacher_user, module=k.workplace)
    other = running_class_mentor_without_apprentices(k)
    error = refused(k, by=other, module=k.theory, start=T(14, 0), end=T(15, 0))
    assert error.codes == ["not_responsible"]
    english, _ = both_languages(error.problems[0])
    assert "module" in english
    assert world.users["enterprise"]  # managers are refused by access (below)
    with pytest.raises(PermissionDenied):
        record(k, by=world.users["enterprise"])


def running_class_mentor_without_apprentices(k):
    """Another mentor of the enterprise who holds a letter for the class but neither teaches
    the module nor mentors anyone in it."""
    from xuetu.accounts.choices import Role
    from xuetu.programmes.models import Appointment
    from xuetu.programmes.tests.factories import make_mentor, make_person
    from xuetu.testing import make_user

    world = k.programme.world
    user = make_user("mentor2", world.enterprise, Role.MENTOR)
    mentor = make_mentor(
        world, person=make_person("刘洋", organisation=world.enterprise, user=user)
    )
    Appointment.objects.create(
        mentor=mentor,
        cohort=k.cohort,
        number="PS-TEST-R1",
        term_start=k.cohort.planned_start,
        term_end=k.cohort.planned_end,
        issued_on=k.cohort.planned_start,
    )
    return user


def test_one_apprentices_hours_by_their_own_mentor(k):
    other = running_class_mentor_without_apprentices(k)
    mine = k.enrollments[1]
    from xuetu.programmes.models import Mentor

    mine.enterprise_mentor = Mentor.objects.get(person__user=other)
    mine.save()
    session = record(k, by=other, module=k.theory, marks=[Mark(mine.pk, True)])
    assert session.mentor.person.user == other
    error = refused(k, by=other, module=k.theory, start=T(13, 0), end=T(14, 0))
    assert error.codes == ["not_responsible", "not_responsible"]  # the two others


def test_malformed_registers_are_field_errors(k):
    with pytest.raises(ValidationError) as caught:
        record(k, start=T(12, 0), end=T(8, 0))
    assert "end_time" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        record(k, marks=[])
    assert "attendance" in caught.value.message_dict
    with pytest.raises(ValidationError):
        record(k, marks=[Mark(k.enrollments[0].pk, True)] * 2)
    assert Session.objects.count() == 0


def test_confirm_by_the_apprentice_not_by_the_recorder(k):
    world = k.programme.world
    session = record(k)
    own = session.hours.get(enrollment=k.programme.enrollment)
    with pytest.raises(Refused) as caught:
        hours_confirm(by=world.users["mentor"], hours=own)
    assert caught.value.codes == ["own_register"]
    confirmed = hours_confirm(by=world.users["apprentice"], hours=own)
    assert confirmed.status == HoursStatus.CONFIRMED
    with pytest.raises(Refused):
        hours_confirm(by=world.users["apprentice"], hours=own)
    # the other mentor (the teacher) confirms the others'
    other = session.hours.exclude(pk=own.pk).first()
    assert hours_confirm(by=k.teacher_user, hours=other).confirmed_by == k.teacher_user
    # another apprentice's hours are not the apprentice's to confirm
    third = session.hours.exclude(pk__in=[own.pk, other.pk]).get()
    with pytest.raises(PermissionDenied):
        hours_confirm(by=world.users["apprentice"], hours=third)


def test_confirm_all(k):
    world = k.programme.world
    record(k)
    record(k, module=k.theory, by=k.teacher_user, start=T(13, 0), end=T(15, 0))
    mine = Hours.objects.filter(enrollment=k.programme.enrollment)
    assert hours_confirm_many(by=world.users["apprentice"], hours=Hours.objects.all()) == 2
    assert set(mine.values_list("status", flat=True)) == {"confirmed"}
    assert Hours.objects.filter(status="pending").count() == 4


def test_dispute_and_resolve(k):
    world = k.programme.world
    own = record(k).hours.get(enrollment=k.programme.enrollment)
    with pytest.raises(ValidationError):
        hours_dispute(by=world.users["apprentice"], hours=own, reason="  ")
    disputed = hours_dispute(by=world.users["apprentice"], hours=own, reason="我下午才到")
    assert disputed.status == HoursStatus.DISPUTED
    with pytest.raises(PermissionDenied):
        hours_resolve(by=world.users["apprentice"], hours=own, outcome="kept", reason="x")
    resolved = hours_resolve(
        by=world.users["mentor"], hours=own, outcome="cancelled", reason="考勤表显示迟到"
    )
    assert resolved.status == HoursStatus.CANCELLED and resolved.outcome == "cancelled"
    with pytest.raises(Refused) as caught:
        hours_resolve(by=world.users["enterprise"], hours=own, outcome="kept", reason="x")
    assert caught.value.codes == ["not_disputed"]


def test_a_correction_is_a_new_entry_cancelling_the_old(k):
    world = k.programme.world
    own = record(k).hours.get(enrollment=k.programme.enrollment)
    hours_confirm(by=world.users["apprentice"], hours=own)
    new = hours_correct(
        by=world.users["mentor"], hours=own, present=True, minutes=120, reason="提前离开"
    )
    own.refresh_from_db()
    assert own.status == "cancelled" and own.minutes == 240  # the old entry is kept as it was
    assert new.cancels == own and new.minutes == 120 and new.status == "pending"
    with pytest.raises(Refused) as caught:
        hours_correct(by=world.users["mentor"], hours=own, present=False, reason="again")
    assert caught.value.codes == ["already_cancelled"]
    with pytest.raises(ValidationError):
        hours_correct(by=world.users["mentor"], hours=new, present=True, minutes=999, reason="x")
    with pytest.raises(PermissionDenied):
        hours_correct(by=world.users["apprentice"], hours=new, present=True, reason="x")


def test_the_roster_of_a_day_leaves_out_paused_and_withdrawn(k):
    paused, gone = k.enrollments[1], k.enrollments[2]
    EnrollmentEvent.objects.create(
        enrollment=paused, kind=EnrollmentEventKind.PAUSED, effective_date=DAY
    )
    gone.withdrawn_on = DAY - dt.timedelta(1)
    gone.status = EnrollmentStatus.WITHDRAWN
    gone.save()
    assert register_roster(k.cohort, DAY) == [k.programme.enrollment]
    assert len(register_roster(k.cohort, DAY - dt.timedelta(2))) == 3


@pytest.mark.parametrize("size", [5, 30])
def test_a_register_in_a_fixed_number_of_queries(size, django_assert_num_queries):
    k = running_class(build_world(), size=size)
    module = k.workplace
    with django_assert_num_queries(19):
        record(k, module=module)
    assert Hours.objects.count() == size


@given(st.integers(0, 1439), st.integers(1, 600), st.integers(0, 1439), st.integers(1, 600))
def test_slots_overlap_symmetrically(a, la, b, lb):
    one, two = rules.Slot(a, a + la), rules.Slot(b, b + lb)
    assert one.overlaps(two) == two.overlaps(one)
    assert one.overlaps(two) == (max(a, b) < min(a + la, b + lb))
