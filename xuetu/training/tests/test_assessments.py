"""Recording and correcting assessments (training.assessments): each refusal with its code
and its message in both languages, the enrollment's completion on the assessment's date, the
enterprise told, access per role, and the class's completion once no apprentice is active."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from xuetu.core.models import AuditEvent, Notice
from xuetu.core.problems import Refused
from xuetu.programmes.choices import CohortStatus, EnrollmentEventKind, EnrollmentStatus
from xuetu.programmes.models import Cohort, Enrollment, EnrollmentEvent
from xuetu.programmes.services.cohorts import cohort_complete, complete_problems
from xuetu.training.services.assessments import (
    NOT_ACTIVE,
    assessment_correct,
    assessment_record,
    not_active_problem,
)
from xuetu.training.tests.factories_assess import (
    make_assessment,
    more_apprentices,
    running_programme,
    scores,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def programme(world):
    return running_programme(world)


def record(world, enrollment, persona="school", **values):
    return assessment_record(by=world.users[persona], enrollment=enrollment, **scores(**values))


def refused(world, enrollment, **values) -> Refused:
    with pytest.raises(Refused) as caught:
        record(world, enrollment, **values)
    return caught.value


def in_both_languages(problem) -> tuple[str, str]:
    with translation.override("en"):
        english = str(problem.message)
    with translation.override("zh-hans"):
        chinese = str(problem.message)
    return english, chinese


def test_recording_completes_the_enrollment_on_the_assessment_date(world, programme):
    on = TODAY() - dt.timedelta(days=3)
    assessment = record(world, programme.enrollment, assessed_on=on, outcome="fail")
    enrollment = Enrollment.objects.get(pk=programme.enrollment.pk)
    assert enrollment.status == EnrollmentStatus.COMPLETED
    event = EnrollmentEvent.objects.get(enrollment=enrollment, kind=EnrollmentEventKind.COMPLETED)
    assert event.effective_date == on
    assert assessment.recorded_by == world.users["school"]
    assert AuditEvent.objects.filter(action="assessment.create", object_id=assessment.pk).exists()


def test_the_enterprise_is_told_in_its_own_language(world, programme):
    record(world, programme.enrollment)
    notice = Notice.objects.get(kind="assessment.recorded", recipient=world.users["enterprise"])
    with translation.override("en"):
        assert "舒晓超" in notice.text and "Pass" in notice.text
    with translation.override("zh-hans"):
        assert "考核" in notice.text and "Pass" not in notice.text
    assert not Notice.objects.filter(kind="assessment.recorded", recipient=world.users["school"])


@pytest.mark.parametrize(
    "status",
    [
        EnrollmentStatus.ENROLLED,
        EnrollmentStatus.PAUSED,
        EnrollmentStatus.WITHDRAWN,
        EnrollmentStatus.COMPLETED,
    ],
)
def test_only_an_active_apprentice_is_assessed_and_the_refusal_says_why(world, programme, status):
    Enrollment.objects.filter(pk=programme.enrollment.pk).update(status=status)
    programme.enrollment.refresh_from_db()
    [problem] = refused(world, programme.enrollment).problems
    assert (problem.code, problem.field) == ("not_active", "enrollment")
    english, chinese = in_both_languages(problem)
    with translation.override("en"):
        assert english == str(NOT_ACTIVE[status])
    assert english != chinese and english.isascii() and not chinese.isascii()


def test_each_not_active_message_names_its_status_in_both_languages():
    texts = set()
    for status, message in NOT_ACTIVE.items():
        english, chinese = in_both_languages(
            type("P", (), {"message": message})  # a problem's message, as the service says it
        )
        assert english.isascii() and not chinese.isascii(), status
        texts.add(english)
    assert len(texts) == 4


def test_an_apprentice_is_assessed_once(world, programme):
    make_assessment(world, programme.enrollment)
    [problem] = refused(world, programme.enrollment).problems
    assert problem.code == "already_assessed"
    english, chinese = in_both_languages(problem)
    assert "already" in english and not chinese.isascii()


def test_an_assessment_is_not_dated_in_the_future(world, programme):
    later = TODAY() + dt.timedelta(days=1)
    [problem] = refused(world, programme.enrollment, assessed_on=later).problems
    assert (problem.code, problem.field) == ("future_date", "assessed_on")
    english, chinese = in_both_languages(problem)
    assert "future" in english and not chinese.isascii()


def test_an_assessment_is_not_dated_before_the_class_start_or_the_last_change(world, programme):
    before = programme.cohort.planned_start - dt.timedelta(days=1)
    said = {}
    for language in ("en", "zh-hans"):  # programmes says the date in the message at once
        with translation.override(language):
            [problem] = refused(world, programme.enrollment, assessed_on=before).problems
        assert (problem.code, problem.field) == ("before_enrollment", "assessed_on")
        said[language] = str(problem.message)
    assert "before" in said["en"] and "早于" in said["zh-hans"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("theory_score", Decimal("100.5")),
        ("practical_score", Decimal("-1")),
        ("theory_score", Decimal("88.25")),
    ],
)
def test_scores_out_of_range_or_with_two_decimals_are_field_errors(world, programme, field, value):
    with pytest.raises(ValidationError) as caught:
        record(world, programme.enrollment, **{field: value})
    assert field in caught.value.message_dict
    assert Enrollment.objects.get(pk=programme.enrollment.pk).status == EnrollmentStatus.ACTIVE


def test_an_outcome_that_contradicts_the_scores_is_the_assessors_business(world, programme):
    low = {"theory_score": Decimal("12.0"), "practical_score": Decimal("9.5")}
    assert record(world, programme.enrollment, outcome="pass", **low).outcome == "pass"


@pytest.mark.parametrize("persona", ["enterprise", "mentor", "apprentice", "district"])
def test_the_enterprise_and_the_others_never_record_an_assessment(world, programme, persona):
    with pytest.raises(PermissionDenied):
        record(world, programme.enrollment, persona=persona)
    assert Enrollment.objects.get(pk=programme.enrollment.pk).status == EnrollmentStatus.ACTIVE


def test_the_city_bureau_records_one(world, programme):
    assert record(world, programme.enrollment, persona="bureau").pk


def test_a_correction_keeps_the_enrollment_completed_and_audits_before_and_after(world, programme):
    assessment = record(world, programme.enrollment, outcome="fail")
    corrected = assessment_correct(
        by=world.users["school"],
        assessment=assessment,
        reason="成绩录入错误",
        outcome="pass",
        practical_score=Decimal("75.0"),
    )
    assert (corrected.outcome, corrected.practical_score) == ("pass", Decimal("75.0"))
    event = AuditEvent.objects.get(action="assessment.correct", object_id=assessment.pk)
    assert event.before is not None and event.after is not None
    assert event.before["outcome"] == "fail" and event.after["outcome"] == "pass"
    assert event.before["practical_score"] != event.after["practical_score"]
    assert event.after["reason"] == "成绩录入错误"  # the reason in the same event
    assert Enrollment.objects.get(pk=programme.enrollment.pk).status == EnrollmentStatus.COMPLETED


def test_a_correction_needs_a_reason_and_an_open_class(world, programme):
    assessment = record(world, programme.enrollment)
    with pytest.raises(ValidationError):
        assessment_correct(by=world.users["school"], assessment=assessment, reason=" ")
    Cohort.objects.filter(pk=programme.cohort.pk).update(status=CohortStatus.CLOSED)
    with pytest.raises(Refused) as caught:
        assessment_correct(
            by=world.users["school"], assessment=assessment, reason="x", outcome="fail"
        )
    assert caught.value.codes == ["class_closed"]
    with pytest.raises(PermissionDenied):
        assessment_correct(
            by=world.users["enterprise"], assessment=assessment, reason="x", outcome="fail"
        )


# The class's completion ---------------------------------------------------------------------
def test_the_class_completes_early_once_every_apprentice_is_assessed(world, programme):
    [second] = more_apprentices(world, programme, 1)
    cohort = programme.cohort
    on = TODAY() - dt.timedelta(days=2)
    record(world, programme.enrollment, assessed_on=on - dt.timedelta(days=5))
    # One apprentice still active: before the planned end, the completion is still early.
    assert [p.code for p in complete_problems(cohort, on, TODAY())] == ["early_completion"]
    record(world, second, assessed_on=on)
    assert complete_problems(cohort, on, TODAY()) == []
    cohort_complete(by=world.users["enterprise"], cohort=cohort, on=on)
    assert Cohort.objects.get(pk=cohort.pk).status == CohortStatus.COMPLETED


def test_a_paused_apprentice_keeps_the_class_from_completing_early(world, programme):
    [paused] = more_apprentices(world, programme, 1)
    Enrollment.objects.filter(pk=paused.pk).update(status=EnrollmentStatus.PAUSED)
    record(world, programme.enrollment)
    codes = [p.code for p in complete_problems(programme.cohort, TODAY(), TODAY())]
    assert codes == ["early_completion"]


def test_a_withdrawn_apprentice_does_not_keep_the_class_open(world, programme):
    [gone] = more_apprentices(world, programme, 1)
    Enrollment.objects.filter(pk=gone.pk).update(status=EnrollmentStatus.WITHDRAWN)
    record(world, programme.enrollment)
    assert complete_problems(programme.cohort, TODAY(), TODAY()) == []


def test_a_class_whose_apprentices_all_withdrew_still_waits_for_its_planned_end(world, programme):
    Enrollment.objects.filter(pk=programme.enrollment.pk).update(status="withdrawn")
    codes = [p.code for p in complete_problems(programme.cohort, TODAY(), TODAY())]
    assert codes == ["early_completion"]


@given(status=st.sampled_from(list(EnrollmentStatus)))
def test_only_an_active_enrollment_has_no_problem(status):
    problems = not_active_problem(Enrollment(status=status))
    assert (problems == []) == (status == EnrollmentStatus.ACTIVE)
    assert all(p.code == "not_active" and p.field == "enrollment" for p in problems)
