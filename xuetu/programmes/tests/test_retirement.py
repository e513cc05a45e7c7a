"""The statutory retirement age since 2025 (国务院关于渐进式延迟法定退休年龄的办法, art. 1):
the worked examples of docs/rules/programmes.md §5, the formula's properties and the schedule
as policy data (pure, no database); then a person's original retirement track, changed with a
reason the audit log keeps and read by the roster's age check."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from xuetu.core.models import AuditEvent
from xuetu.core.problems import Refused
from xuetu.programmes import rules, services
from xuetu.programmes.choices import ApprenticeCategory
from xuetu.programmes.models import ProgrammePolicy, validate_retirement_schedule
from xuetu.programmes.tests.factories import (
    build_programme,
    fast_passwords,  # noqa: F401  (autouse)
    make_person,
)
from xuetu.registry.models import Person, RetirementTrack

LAW = rules.LAW_RETIREMENT_SCHEDULE
TRACKS = {name: rules.retirement_track(LAW, name) for name in rules.RETIREMENT_TRACKS}


def retires(track: str, birth: dt.date) -> str:
    return f"{rules.retirement_month(TRACKS[track], birth):%Y-%m}"


def test_a_man_born_in_january_1965_retires_in_february_2025():
    assert retires("male_60", dt.date(1965, 1, 15)) == "2025-02"


def test_a_man_born_in_december_1964_still_retires_at_60():
    assert retires("male_60", dt.date(1964, 12, 31)) == "2024-12"


def test_a_woman_on_a_worker_post_born_in_june_1976_retires_in_march_2027():
    assert retires("female_50", dt.date(1976, 6, 1)) == "2027-03"


def test_a_woman_on_a_worker_post_born_in_november_1984_retires_at_55():
    assert retires("female_50", dt.date(1984, 11, 20)) == "2039-11"
    assert rules.retirement_delay(TRACKS["female_50"], 1984, 11) == 60


def test_a_woman_on_a_management_post_born_in_january_1970_retires_in_february_2025():
    assert retires("female_55", dt.date(1970, 1, 1)) == "2025-02"


def test_a_man_born_from_1977_retires_at_63():
    assert retires("male_60", dt.date(1976, 12, 1)) == "2039-12"
    assert rules.retirement_delay(TRACKS["male_60"], 1976, 12) == 36
    assert rules.retirement_delay(TRACKS["male_60"], 1990, 5) == 36


@pytest.mark.parametrize(
    ("gender", "birth", "expected"),
    [
        ("M", dt.date(1966, 1, 1), []),  # retires 2026-05
        ("M", dt.date(1965, 12, 31), ["retirement_age"]),  # retires 2026-03
        ("F", dt.date(1975, 11, 1), []),  # retires 2026-05
        ("F", dt.date(1975, 10, 31), ["retirement_age"]),  # retires 2026-03
    ],
)
def test_an_apprentice_who_retires_in_the_month_the_class_starts_is_refused(
    gender, birth, expected
):
    found = rules.age_problems(gender, birth, start=dt.date(2026, 3, 1), policy=ProgrammePolicy())
    assert [p.code for p in found] == expected


def test_the_refusal_names_the_month_of_retirement():
    (problem,) = rules.age_problems(
        "M", dt.date(1965, 12, 31), start=dt.date(2026, 3, 1), policy=ProgrammePolicy()
    )
    assert "2026-03" in str(problem.message)


def test_a_woman_recorded_on_the_55_track_is_judged_by_it():
    policy = ProgrammePolicy()
    birth, start = dt.date(1971, 3, 1), dt.date(2026, 3, 1)
    assert rules.age_problems("F", birth, start=start, policy=policy, track="female_55") == []
    assert [p.code for p in rules.age_problems("F", birth, start=start, policy=policy)] == [
        "retirement_age"
    ]


@pytest.mark.parametrize(
    ("gender", "chosen", "track"),
    [
        ("M", "", "male_60"),
        ("F", "", "female_50"),
        ("F", "female_55", "female_55"),
        ("F", "female_50", "female_50"),
        ("M", "female_55", "male_60"),  # a track of the other gender does not apply
        ("F", "male_60", "female_50"),
    ],
)
def test_a_person_s_track_defaults_from_their_gender(gender, chosen, track):
    assert rules.retirement_track_for(gender, chosen) == track


def test_the_person_s_track_choices_are_the_schedule_s_tracks():
    assert set(RetirementTrack.values) == set(rules.RETIREMENT_TRACKS) == set(LAW)


months = st.tuples(st.integers(1900, 2100), st.integers(1, 12))


@given(st.sampled_from(rules.RETIREMENT_TRACKS), months, months)
def test_a_later_birth_month_never_retires_earlier(track, first, second):
    early, late = sorted([first, second])
    one, other = (dt.date(year, month, 1) for year, month in (early, late))
    assert rules.retirement_month(TRACKS[track], one) <= rules.retirement_month(
        TRACKS[track], other
    )


@given(st.sampled_from(rules.RETIREMENT_TRACKS), months)
def test_the_delay_is_never_negative_nor_beyond_the_cap(track, birth):
    delay = rules.retirement_delay(TRACKS[track], *birth)
    assert 0 <= delay <= LAW[track]["cap"]
    if birth < (TRACKS[track].first_year, TRACKS[track].first_month):
        assert delay == 0


@given(st.sampled_from(rules.RETIREMENT_TRACKS), st.integers(0, 1200))
def test_each_step_of_birth_months_adds_at_most_one_month(track, index):
    row = TRACKS[track]
    year, month = divmod(row.first_year * 12 + row.first_month - 1 + index, 12)
    later_year, later_month = divmod(row.first_year * 12 + row.first_month - 1 + index + 1, 12)
    step = rules.retirement_delay(row, later_year, later_month + 1) - rules.retirement_delay(
        row, year, month + 1
    )
    assert step in (0, 1)


def test_a_new_policy_holds_the_law_s_schedule():
    assert ProgrammePolicy().retirement_schedule == LAW
    validate_retirement_schedule(ProgrammePolicy().retirement_schedule)


def test_a_new_policy_s_schedule_is_its_own_copy():
    one = ProgrammePolicy()
    one.retirement_schedule["male_60"]["base_age"] = 65
    assert ProgrammePolicy().retirement_schedule["male_60"]["base_age"] == 60
    assert LAW["male_60"]["base_age"] == 60


@pytest.mark.parametrize(
    "schedule",
    [
        None,
        [],
        {"male_60": LAW["male_60"]},  # a track missing
        {**LAW, "male_65": LAW["male_60"]},  # a track unknown
        {**LAW, "male_60": {**LAW["male_60"], "step": 0}},
        {**LAW, "male_60": {**LAW["male_60"], "step": "4"}},
        {**LAW, "male_60": {**LAW["male_60"], "cap": -1}},
        {**LAW, "male_60": {**LAW["male_60"], "base_age": True}},
        {**LAW, "female_50": {**LAW["female_50"], "first_birth_month": "1975-13"}},
        {**LAW, "female_50": {**LAW["female_50"], "first_birth_month": 197501}},
        {**LAW, "female_55": {"base_age": 55}},  # keys missing
    ],
)
def test_a_malformed_schedule_is_refused_with_a_reason(schedule):
    with pytest.raises(ValidationError) as refused:
        validate_retirement_schedule(schedule)
    assert refused.value.messages and all(refused.value.messages)


# A person's original track (database) ------------------------------------------------------
TRACK_REASON = "管理岗位，劳动合同约定"


@pytest.fixture
def programme(db, world):
    return build_programme(world)


def manager_of_woman(programme) -> Person:
    # Born 1971-03: on the 50 track she retired in 2021; on the 55 track she retires 2026-07.
    return make_person(
        "冉秀英",
        organisation=programme.world.enterprise,
        gender="F",
        birth_date=dt.date(1971, 3, 8),
    )


def enrol(programme, person):
    return services.enrollment_create(
        by=programme.world.users["enterprise"],
        cohort=programme.cohort,
        person=person,
        category=ApprenticeCategory.IN_POST,
        contract_start=dt.date(2026, 1, 1),
    )


def set_track(programme, person, track, *, by="enterprise", reason=TRACK_REASON):
    return services.person_retirement_track_set(
        by=programme.world.users[by], person=person, track=track, reason=reason
    )


def test_a_woman_on_a_skill_post_is_judged_by_the_50_track_by_default(programme):
    person = manager_of_woman(programme)
    assert person.retirement_track == ""
    with pytest.raises(Refused) as refused:
        enrol(programme, person)
    assert refused.value.codes == ["retirement_age"]


def test_a_woman_recorded_on_the_55_track_can_join_the_class(programme):
    person = manager_of_woman(programme)
    set_track(programme, person, "female_55")
    assert enrol(programme, person).pk


def test_the_change_of_track_keeps_its_reason_in_the_audit_log(programme):
    person = manager_of_woman(programme)
    set_track(programme, person, "female_55")
    assert Person.objects.get(pk=person.pk).retirement_track == "female_55"
    event = AuditEvent.objects.get(object_id=str(person.pk), action="person.retirement_track")
    assert event.before == {"retirement_track": ""}
    assert event.after == {"retirement_track": "female_55", "reason": TRACK_REASON}
    assert event.actor == programme.world.users["enterprise"]


def test_setting_the_same_track_again_records_nothing(programme):
    person = manager_of_woman(programme)
    set_track(programme, person, "female_55")
    set_track(programme, person, "female_55")
    assert AuditEvent.objects.filter(action="person.retirement_track").count() == 1


def test_a_man_cannot_be_put_on_a_woman_s_track(programme):
    person = make_person("胡建", organisation=programme.world.enterprise, gender="M")
    with pytest.raises(ValidationError) as refused:
        set_track(programme, person, "female_55")
    assert "track" in refused.value.message_dict
    assert Person.objects.get(pk=person.pk).retirement_track == ""


def test_a_change_without_a_reason_is_refused_and_nothing_is_stored(programme):
    person = manager_of_woman(programme)
    with pytest.raises(ValidationError) as refused:
        set_track(programme, person, "female_55", reason="  ")
    assert "reason" in refused.value.message_dict
    assert Person.objects.get(pk=person.pk).retirement_track == ""
    assert not AuditEvent.objects.filter(action="person.retirement_track").exists()


def test_another_enterprise_cannot_change_the_track(programme):
    person = manager_of_woman(programme)
    with pytest.raises(PermissionDenied):
        set_track(programme, person, "female_55", by="enterprise2")
    assert Person.objects.get(pk=person.pk).retirement_track == ""
