"""A mentor ratio of 1:10 "in principle": the reviewer may approve another ratio for one class,
with a reason, and the checks then use it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xuetu.core.models import AuditEvent
from xuetu.core.problems import Refused
from xuetu.programmes import rules, services
from xuetu.programmes.choices import ApprenticeCategory, CohortStatus
from xuetu.programmes.models import Cohort, ProgrammePolicy
from xuetu.programmes.tests.factories import (
    build_programme,
    fast_passwords,  # noqa: F401  (autouse)
    make_enrollment,
    make_person,
)

pytestmark = pytest.mark.django_db

REASON = "偏远厂区师傅不足，区人社局同意 1:12"


@pytest.fixture
def programme(world):
    return build_programme(world)


def load_mentor(programme, count: int) -> None:
    for _ in range(count):
        make_enrollment(programme.world, programme.cohort, enterprise_mentor=programme.mentor)


def enrol(programme):
    person = make_person("钟海波", organisation=programme.world.enterprise)
    return services.enrollment_create(
        by=programme.world.users["enterprise"],
        cohort=programme.cohort,
        person=person,
        category=ApprenticeCategory.NEW_HIRE,
        contract_start=dt.date(2026, 1, 1),
        enterprise_mentor=programme.mentor,
    )


def grant(programme, ratio, *, by="district", reason=REASON):
    return services.cohort_mentor_ratio_set(
        by=programme.world.users[by], cohort=programme.cohort, ratio=ratio, reason=reason
    )


def stored(programme) -> Cohort:
    return Cohort.objects.get(pk=programme.cohort.pk)


def test_with_an_approved_ratio_of_12_a_mentor_takes_an_eleventh_apprentice(programme):
    load_mentor(programme, 9)  # the programme's own apprentice is the tenth
    grant(programme, 12)
    assert enrol(programme).pk


def test_the_approved_ratio_is_still_a_limit(programme):
    load_mentor(programme, 11)
    grant(programme, 12)
    with pytest.raises(Refused) as refused:
        enrol(programme)
    assert refused.value.codes == ["mentor_over_capacity"]
    assert "12" in str(refused.value.problems[0].message)


def test_without_an_exception_the_policy_s_ten_applies(programme):
    load_mentor(programme, 9)
    with pytest.raises(Refused) as refused:
        enrol(programme)
    assert refused.value.codes == ["mentor_over_capacity"]


def test_the_submission_check_reads_the_approved_ratio(programme):
    load_mentor(programme, 10)  # eleven apprentices with one mentor
    before = [p.code for p in services.filing_problems(programme.cohort)]
    assert "mentor_over_capacity" in before
    grant(programme, 12)
    after = [p.code for p in services.filing_problems(stored(programme))]
    assert "mentor_over_capacity" not in after


def test_the_reviewer_s_exception_and_its_reason_are_stored_and_audited(programme):
    grant(programme, 12)
    cohort = stored(programme)
    assert (cohort.mentor_ratio_exception, cohort.mentor_ratio_reason) == (12, REASON)
    event = AuditEvent.objects.get(object_id=str(cohort.pk), action="cohort.mentor_ratio")
    assert event.actor == programme.world.users["district"]
    assert event.after == {"mentor_ratio_exception": 12, "mentor_ratio_reason": REASON}


def test_the_city_bureau_may_approve_an_exception_too(programme):
    grant(programme, 8, by="bureau")
    assert stored(programme).mentor_ratio_exception == 8


@pytest.mark.parametrize("who", ["enterprise", "school", "mentor", "enterprise2", "nobody"])
def test_a_party_or_a_stranger_cannot_approve_their_own_exception(programme, who):
    with pytest.raises(PermissionDenied):
        grant(programme, 15, by=who)
    assert stored(programme).mentor_ratio_exception is None
    assert not AuditEvent.objects.filter(action="cohort.mentor_ratio").exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_exception_without_a_reason_is_refused_and_nothing_is_stored(programme, reason):
    with pytest.raises(ValidationError) as refused:
        grant(programme, 12, reason=reason)
    assert "reason" in refused.value.message_dict
    assert stored(programme).mentor_ratio_exception is None


@pytest.mark.parametrize("ratio", [0, 51, 2_147_483_648])
def test_a_ratio_beyond_the_bounds_is_refused_with_a_field_error(programme, ratio):
    with pytest.raises(ValidationError) as refused:
        grant(programme, ratio)
    assert "ratio" in refused.value.message_dict
    assert stored(programme).mentor_ratio_exception is None


def test_a_withdrawn_exception_returns_the_class_to_the_policy_s_ratio(programme):
    load_mentor(programme, 9)
    grant(programme, 12)
    grant(programme, None, reason="师傅已补足")
    assert stored(programme).mentor_ratio_exception is None
    with pytest.raises(Refused):
        enrol(programme)
    withdrawn = AuditEvent.objects.filter(action="cohort.mentor_ratio").latest("pk")
    assert withdrawn.before == {"mentor_ratio_exception": 12, "mentor_ratio_reason": REASON}
    assert withdrawn.after == {"mentor_ratio_exception": None, "mentor_ratio_reason": "师傅已补足"}


def test_the_enterprise_cannot_set_the_exception_by_editing_its_class(programme):
    with pytest.raises(ValidationError):
        services.cohort_update(
            by=programme.world.users["enterprise"],
            cohort=programme.cohort,
            mentor_ratio_exception=20,
        )
    assert stored(programme).mentor_ratio_exception is None


def test_an_exception_can_be_approved_for_a_class_in_training(world):
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    grant(programme, 12)
    assert stored(programme).mentor_ratio_exception == 12


@pytest.mark.parametrize(
    ("kind", "capacity", "ratio", "limit"),
    [
        ("enterprise", None, 12, 12),
        ("enterprise", 11, 12, 11),  # the mentor's own capacity still applies
        ("enterprise", 15, 12, 12),
        ("enterprise", None, 8, 8),  # an exception may be stricter
        ("enterprise", None, None, 10),
        ("institution", None, 12, None),  # teachers are not bound by the ratio
        ("institution", 40, 12, 40),
    ],
)
def test_an_approved_ratio_replaces_the_policy_s_for_enterprise_mentors(
    kind, capacity, ratio, limit
):
    assert rules.mentor_limit(kind, capacity, ProgrammePolicy(), ratio=ratio) == limit
