"""The programme rules as tables of cases: no database, the Chongqing policy's defaults."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from xuetu.programmes import rules
from xuetu.programmes.choices import (
    COHORT_FLOW,
    ENROLLMENT_FLOW,
    CohortStatus,
    EnrollmentStatus,
    MentorKind,
)
from xuetu.programmes.models import ProgrammePolicy
from xuetu.programmes.rules import (
    AgreementFacts,
    Apprentice,
    Filing,
    MentorFacts,
    Problem,
    RosterLine,
)

POLICY = ProgrammePolicy()  # unsaved: Chongqing's values are the model defaults
START = dt.date(2026, 3, 1)
END = dt.date(2028, 2, 29)

ELIGIBLE = Apprentice(
    gender="M",
    birth_date=dt.date(2000, 6, 1),
    contract_start=dt.date(2026, 1, 1),
    contract_end=dt.date(2028, 12, 31),
)


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


def apprentice(**changes) -> list[str]:
    return codes(
        rules.apprentice_problems(
            replace(ELIGIBLE, **changes),
            start=START,
            occupation_code="6-18-02-04",
            target_level=3,
            policy=POLICY,
        )
    )


# Apprentices -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"contract_end": None}, []),  # an open-ended contract
        ({"contract_start": START}, []),
        ({"contract_start": dt.date(2026, 3, 2)}, ["contract_not_covering_start"]),
        (
            {"contract_end": dt.date(2026, 2, 28)},
            ["contract_not_covering_start", "contract_too_short"],
        ),
        ({"contract_end": dt.date(2026, 12, 31)}, []),  # 12 months from 1 January
        ({"contract_end": dt.date(2026, 12, 30)}, ["contract_too_short"]),
        ({"social_insurance": False}, ["no_social_insurance"]),
        ({"birth_date": dt.date(2010, 3, 1)}, []),  # 16 on the first day
        ({"birth_date": dt.date(2010, 3, 2)}, ["too_young"]),
        ({"birth_date": dt.date(1966, 1, 1)}, []),  # a man who retires in 2026-05
        ({"birth_date": dt.date(1965, 12, 31)}, ["retirement_age"]),  # retired from 2026-03
        ({"gender": "F", "birth_date": dt.date(1975, 11, 1)}, []),  # retires in 2026-05
        ({"gender": "F", "birth_date": dt.date(1975, 10, 31)}, ["retirement_age"]),  # 2026-03
        (
            {"gender": "F", "birth_date": dt.date(1971, 3, 1), "retirement_track": "female_55"},
            [],  # a woman on a management post retires in 2026-07
        ),
        ({"is_full_time_student": True}, ["full_time_student"]),
        ({"is_pensioner": True}, ["pensioner"]),
        ({"active_elsewhere": ("BJ-2026-000001",)}, ["active_elsewhere"]),
        ({"prior_subsidies": [("6-18-02-04", 3)]}, ["already_subsidised"]),
        ({"prior_subsidies": [("6-18-02-04", 2)]}, ["already_subsidised"]),  # higher blocks
        ({"prior_subsidies": [("6-18-02-04", 4)]}, []),  # a lower level does not
        ({"prior_subsidies": [("6-22-02-01", 3)]}, []),  # another occupation does not
    ],
)
def test_an_apprentice_is_eligible_unless_a_named_rule_says_otherwise(changes, expected):
    assert apprentice(**changes) == expected


def test_every_problem_of_an_apprentice_is_listed_at_once():
    found = apprentice(
        contract_start=dt.date(2026, 4, 1),
        contract_end=dt.date(2026, 9, 30),
        is_full_time_student=True,
        birth_date=dt.date(2011, 1, 1),
    )
    assert found == [
        "contract_not_covering_start",
        "contract_too_short",
        "too_young",
        "full_time_student",
    ]


def test_the_retirement_schedule_is_policy_data():
    schedule = {
        **POLICY.retirement_schedule,
        "female_50": {**rules.LAW_RETIREMENT_SCHEDULE["female_50"], "base_age": 58},
    }
    later = ProgrammePolicy(retirement_schedule=schedule)
    birth = dt.date(1970, 1, 1)
    assert codes(rules.age_problems("F", birth, start=START, policy=POLICY)) == ["retirement_age"]
    assert rules.age_problems("F", birth, start=START, policy=later) == []


@given(st.dates(dt.date(1940, 1, 1), dt.date(2020, 1, 1)), st.sampled_from(["M", "F"]))
def test_an_age_is_either_allowed_or_has_exactly_one_age_problem(birth, gender):
    found = codes(rules.age_problems(gender, birth, start=START, policy=POLICY))
    track = rules.retirement_track(POLICY.retirement_schedule, rules.retirement_track_for(gender))
    allowed = rules.age_on(birth, START) >= 16 and rules.retirement_month(track, birth) > START
    assert found == ([] if allowed else [found[0]])
    assert found in ([], ["too_young"], ["retirement_age"])


def test_messages_name_the_limit_in_the_language_shown():
    (problem,) = rules.contract_problems(
        replace(ELIGIBLE, contract_end=dt.date(2026, 6, 30)), start=START, policy=POLICY
    )
    with translation.override("en"):
        assert "12 months" in str(problem.message)
    assert problem.as_dict()["field"] == "contract_end"


# Classes -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("end", "approval", "expected"),
    [
        (dt.date(2027, 2, 28), "", []),  # 12 months
        (dt.date(2027, 2, 27), "", ["duration_out_of_range"]),
        (END, "", []),  # 24 months
        (dt.date(2028, 3, 31), "", ["duration_out_of_range"]),  # 25 months
        (dt.date(2028, 3, 31), "渝人社函〔2026〕12号", []),
        (dt.date(2029, 2, 28), "渝人社函〔2026〕12号", []),  # 36 months
        (dt.date(2029, 3, 31), "渝人社函〔2026〕12号", ["duration_out_of_range"]),
        (dt.date(2028, 3, 31), "   ", ["duration_out_of_range"]),  # blank is no approval
        (START, "", ["dates_reversed"]),
    ],
)
def test_a_class_lasts_one_to_two_years_or_three_with_a_special_approval(end, approval, expected):
    found = rules.duration_problems(START, end, special_approval=approval, policy=POLICY)
    assert codes(found) == expected


IN_FORCE = AgreementFacts(True, dt.date(2025, 9, 1), dt.date(2029, 8, 31))


@pytest.mark.parametrize(
    ("agreement", "expected"),
    [
        (IN_FORCE, []),
        (None, ["agreement_not_in_force"]),
        (replace(IN_FORCE, confirmed=False), ["agreement_not_in_force"]),
        (replace(IN_FORCE, valid_to=dt.date(2027, 12, 31)), ["agreement_not_in_force"]),
        (replace(IN_FORCE, valid_from=dt.date(2026, 3, 2)), ["agreement_not_in_force"]),
        (replace(IN_FORCE, same_parties=False), ["agreement_not_in_force"]),
    ],
)
def test_a_class_needs_a_confirmed_agreement_covering_its_dates(agreement, expected):
    assert codes(rules.agreement_problems(agreement, start=START, end=END)) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 6, 1), []),  # three months after the start is the last day
        (dt.date(2026, 6, 2), ["substitution_too_late"]),
    ],
)
def test_a_substitution_comes_before_the_policys_cut_off(day, expected):
    found = rules.substitution_problems(planned_start=START, effective_date=day, policy=POLICY)
    assert codes(found) == expected


def test_a_pause_moves_the_planned_end_by_its_length():
    moved = rules.resumed_planned_end(
        END, paused_from=dt.date(2026, 7, 1), resumed_on=dt.date(2026, 8, 15)
    )
    assert moved == END + dt.timedelta(days=45)


# Mentors -----------------------------------------------------------------------------------
MENTOR = MentorFacts(key="1", name="王劲松", kind=MentorKind.ENTERPRISE, certificate_level=3)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"certificate_level": 1}, []),  # senior technician: level 1 is the highest
        ({"certificate_level": 4}, ["mentor_unqualified"]),
        ({"certificate_level": None}, ["mentor_unqualified"]),
        (
            {
                "certificate_level": None,
                "recognised": True,
                "recognition_reason": "全国技术能手",
                "recognition_approved_by": "人力资源部",
            },
            [],
        ),
        ({"certificate_level": None, "recognised": True}, ["mentor_unqualified"]),
        ({"kind": MentorKind.INSTITUTION, "certificate_level": None}, []),
        ({"is_active": False}, ["mentor_inactive"]),
    ],
)
def test_an_enterprise_mentor_is_senior_or_recognised_with_reason_and_approver(changes, expected):
    assert codes(rules.mentor_problems(replace(MENTOR, **changes), POLICY)) == expected


@pytest.mark.parametrize(
    ("kind", "capacity", "limit"),
    [
        (MentorKind.ENTERPRISE, None, 10),
        (MentorKind.ENTERPRISE, 6, 6),
        (MentorKind.ENTERPRISE, 15, 10),  # the policy caps a generous capacity
        (MentorKind.INSTITUTION, None, None),
        (MentorKind.INSTITUTION, 40, 40),
    ],
)
def test_a_mentor_takes_at_most_the_smaller_of_capacity_and_policy_limit(kind, capacity, limit):
    assert rules.mentor_limit(kind, capacity, POLICY) == limit


@given(st.integers(0, 30), st.one_of(st.none(), st.integers(0, 30)), st.integers(0, 5))
def test_a_mentor_is_over_capacity_exactly_when_the_load_passes_the_limit(load, capacity, adding):
    mentor = replace(MENTOR, load=load, capacity=capacity)
    over = load + adding > min(capacity if capacity is not None else 10, 10)
    found = codes(rules.capacity_problems(mentor, POLICY, adding=adding))
    assert found == (["mentor_over_capacity"] if over else [])


# The whole filing --------------------------------------------------------------------------
TEACHER = MentorFacts(key="2", name="吴辉", kind=MentorKind.INSTITUTION)


def line(n: int, **changes) -> RosterLine:
    values = {"apprentice": ELIGIBLE, "enterprise_mentor": MENTOR, "institution_mentor": TEACHER}
    return RosterLine(key=str(n), name=f"学徒{n}", **{**values, **changes})


GOOD_FILING = Filing(
    agreement=IN_FORCE,
    has_plan=True,
    planned_start=START,
    planned_end=END,
    special_approval="",
    planned_headcount=2,
    occupation_code="6-18-02-04",
    target_level=3,
    roster=(line(1), line(2)),
)


def test_a_complete_filing_has_no_problems():
    assert rules.filing_problems(GOOD_FILING, POLICY) == []


def test_the_submit_check_lists_every_problem_of_a_bad_filing():
    student = replace(ELIGIBLE, is_full_time_student=True)
    bad = replace(
        GOOD_FILING,
        agreement=None,
        has_plan=False,
        planned_end=dt.date(2026, 12, 31),
        planned_headcount=3,
        roster=(
            line(1, apprentice=student),
            line(2, enterprise_mentor=replace(MENTOR, key="9", certificate_level=5, load=11)),
            line(3, institution_mentor=None),
        ),
    )
    found = rules.filing_problems(bad, POLICY)
    assert codes(found) == [
        "agreement_not_in_force",
        "duration_out_of_range",
        "no_plan",
        "full_time_student",
        "mentor_missing",
        "mentor_unqualified",
        "mentor_over_capacity",
    ]
    by_code = {p.code: p for p in found}
    assert by_code["full_time_student"].field == "enrollments.1"
    assert str(by_code["full_time_student"].message).startswith("学徒1: ")
    assert by_code["mentor_missing"].field == "enrollments.3.institution_mentor"


def test_an_empty_roster_and_a_headcount_mismatch_are_named():
    assert codes(rules.filing_problems(replace(GOOD_FILING, roster=()), POLICY)) == ["roster_empty"]
    wrong = replace(GOOD_FILING, planned_headcount=5)
    assert codes(rules.filing_problems(wrong, POLICY)) == ["headcount_mismatch"]


def test_a_mentor_of_many_apprentices_is_judged_once():
    weak = replace(MENTOR, certificate_level=5)
    filing = replace(
        GOOD_FILING, roster=(line(1, enterprise_mentor=weak), line(2, enterprise_mentor=weak))
    )
    assert codes(rules.filing_problems(filing, POLICY)) == ["mentor_unqualified"]


# Transitions -------------------------------------------------------------------------------
C = CohortStatus
ALLOWED = {
    (C.DRAFT, C.SUBMITTED),
    (C.DRAFT, C.WITHDRAWN),
    (C.SUBMITTED, C.APPROVED),
    (C.SUBMITTED, C.RETURNED),
    (C.SUBMITTED, C.REJECTED),
    (C.SUBMITTED, C.WITHDRAWN),
    (C.SUBMITTED, C.DRAFT),  # an edit
    (C.RETURNED, C.SUBMITTED),
    (C.RETURNED, C.DRAFT),  # an edit
    (C.APPROVED, C.IN_TRAINING),
    (C.IN_TRAINING, C.COMPLETED),
    (C.COMPLETED, C.CLOSED),
}


@pytest.mark.parametrize("old", list(C))
@pytest.mark.parametrize("new", list(C))
def test_a_class_moves_only_along_the_design_table(old, new):
    allowed = (old, new) in ALLOWED
    assert (COHORT_FLOW.problems(old, new) == []) is allowed


E = EnrollmentStatus
ENROLLMENT_ALLOWED = {
    (E.ENROLLED, E.ACTIVE),
    (E.ENROLLED, E.WITHDRAWN),
    (E.ACTIVE, E.COMPLETED),
    (E.ACTIVE, E.WITHDRAWN),
    (E.ACTIVE, E.PAUSED),
    (E.PAUSED, E.ACTIVE),
    (E.PAUSED, E.WITHDRAWN),
}


@pytest.mark.parametrize("old", list(E))
@pytest.mark.parametrize("new", list(E))
def test_an_enrollment_moves_only_along_its_table(old, new):
    found = ENROLLMENT_FLOW.problems(old, new)
    assert (found == []) is ((old, new) in ENROLLMENT_ALLOWED)


def test_a_refused_transition_names_the_current_status():
    (problem,) = COHORT_FLOW.problems(C.APPROVED, C.SUBMITTED)
    with translation.override("en"):
        assert "Approved" in str(problem.message)
    assert problem.code == "transition_not_allowed"
