"""Issue 8, items 1, 2, 20 and 21: the reviewer's consent to an early start or completion, the
reversal of a mistaken change with its reason, and the pages of the recorded exceptions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xuetu.core.models import AuditEvent, Notice
from xuetu.core.problems import Refused
from xuetu.programmes import services
from xuetu.programmes.choices import (
    CohortStatus,
    EnrollmentEventKind,
    EnrollmentStatus,
    MentorKind,
    WithdrawalReason,
)
from xuetu.programmes.models import Cohort, Enrollment, EnrollmentEvent
from xuetu.programmes.tests.factories import (
    END,
    START,
    build_programme,
    fast_passwords,  # noqa: F401  (autouse)
    make_mentor,
)
from xuetu.testing import confirmed

pytestmark = pytest.mark.django_db

TOO_EARLY = START - dt.timedelta(days=30)  # beyond the policy's 7 days' tolerance


@pytest.fixture
def approved(world):
    return build_programme(world, status=CohortStatus.APPROVED)


@pytest.fixture
def training(world):
    return build_programme(world, status=CohortStatus.IN_TRAINING)


def consent(world, cohort, kind, on, reason="项目提前投产，区人社局同意", by="district"):
    return services.cohort_early_consent_set(
        by=world.users[by], cohort=cohort, kind=kind, allowed_from=on, reason=reason
    )


# Item 1: early start and early completion ---------------------------------------------------
def test_without_the_reviewers_consent_an_early_start_is_refused_with_its_code(world, approved):
    with pytest.raises(Refused) as refused:
        services.cohort_start(by=world.users["enterprise"], cohort=approved.cohort, on=TOO_EARLY)
    assert refused.value.codes == ["start_too_early"]


def test_with_the_reviewers_consent_the_class_starts_from_the_date_allowed(world, approved):
    consent(world, approved.cohort, "start", TOO_EARLY)
    cohort = Cohort.objects.get(pk=approved.cohort.pk)
    by = world.users["enterprise"]
    with pytest.raises(Refused) as refused:  # earlier than the consent: still refused
        services.cohort_start(by=by, cohort=cohort, on=TOO_EARLY - dt.timedelta(days=1))
    assert refused.value.codes == ["start_too_early"]
    services.cohort_start(by=by, cohort=cohort, on=TOO_EARLY)
    assert Cohort.objects.get(pk=cohort.pk).status == CohortStatus.IN_TRAINING


def test_the_parties_are_told_of_a_consent_and_it_is_audited_with_its_reason(world, approved):
    consent(world, approved.cohort, "start", TOO_EARLY)
    told = set(
        Notice.objects.filter(kind="cohort.early_start").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"enterprise", "school"}
    after = AuditEvent.objects.get(action="cohort.early_start").after or {}
    assert after["early_start_reason"] == "项目提前投产，区人社局同意"
    assert after["early_start_from"] == TOO_EARLY.isoformat()


@pytest.mark.parametrize("who", ["enterprise", "school", "enterprise2"])
def test_a_consent_by_anyone_but_the_reviewer_is_refused(world, approved, who):
    with pytest.raises(PermissionDenied):
        consent(world, approved.cohort, "start", TOO_EARLY, by=who)
    assert Cohort.objects.get(pk=approved.cohort.pk).early_start_from is None


def test_a_consent_needs_its_reason(world, approved):
    with pytest.raises(ValidationError) as error:
        consent(world, approved.cohort, "start", TOO_EARLY, reason="  ")
    assert "reason" in error.value.message_dict


def test_a_consent_is_for_a_date_the_rules_would_refuse(world, approved):
    with pytest.raises(ValidationError) as error:
        consent(world, approved.cohort, "start", START)
    assert "allowed_from" in error.value.message_dict


def test_an_early_completion_needs_the_reviewers_consent_and_then_completes(world, training):
    by, early = world.users["enterprise"], dt.date(2026, 11, 30)  # planned to end in 2028
    with pytest.raises(Refused) as refused:
        services.cohort_complete(by=by, cohort=training.cohort, on=early)
    assert refused.value.codes == ["early_completion"]
    consent(world, training.cohort, "completion", early, reason="订单任务提前完成，考核合格")
    services.cohort_complete(by=by, cohort=Cohort.objects.get(pk=training.cohort.pk), on=early)
    assert Cohort.objects.get(pk=training.cohort.pk).status == CohortStatus.COMPLETED


def test_a_withdrawn_consent_no_longer_allows_the_early_date(world, approved):
    consent(world, approved.cohort, "start", TOO_EARLY)
    consent(world, Cohort.objects.get(pk=approved.cohort.pk), "start", None, reason="撤回")
    cohort = Cohort.objects.get(pk=approved.cohort.pk)
    with pytest.raises(Refused):
        services.cohort_start(by=world.users["enterprise"], cohort=cohort, on=TOO_EARLY)


# Item 2: a mistaken change is reversed with a reason ---------------------------------------
def reverse(world, enrollment, reason="日期录入错误", by="enterprise", event=None):
    event = event or services.reversible_event(enrollment)
    return services.enrollment_reverse(
        by=world.users[by], enrollment=enrollment, event=event, reason=reason
    )


def stored(enrollment) -> Enrollment:
    return Enrollment.objects.get(pk=enrollment.pk)


def test_a_mistaken_withdrawal_is_reversed_and_both_entries_stay_in_the_history(world, training):
    by, enrollment = world.users["enterprise"], training.enrollment
    Enrollment.objects.filter(pk=enrollment.pk).update(status=EnrollmentStatus.ACTIVE)
    enrollment = stored(enrollment)
    services.enrollment_withdraw(
        by=by, enrollment=enrollment, on=dt.date(2026, 5, 10), reason=WithdrawalReason.LEFT
    )
    withdrawal = EnrollmentEvent.objects.get(kind=EnrollmentEventKind.WITHDRAWN)
    reverse(world, stored(enrollment), reason="误操作：该学徒并未离职")
    after = stored(enrollment)
    assert (after.status, after.withdrawn_on, after.withdrawal_reason) == (
        EnrollmentStatus.ACTIVE,
        None,
        "",
    )
    kinds = list(after.events.values_list("kind", flat=True))
    assert kinds == [EnrollmentEventKind.WITHDRAWN, EnrollmentEventKind.REVERSED]
    reversal = after.events.get(kind=EnrollmentEventKind.REVERSED)
    assert reversal.reverses == withdrawal
    assert reversal.details["reason"] == "误操作：该学徒并未离职"
    assert AuditEvent.objects.filter(action="enrollment.reversed").exists()
    told = Notice.objects.filter(kind="enrollment.reversed").values_list("recipient__username")
    assert {"apprentice", "mentor"} <= {name for (name,) in told}


def test_after_a_reversal_the_change_can_be_recorded_again_on_the_right_date(world, training):
    by, enrollment = world.users["enterprise"], training.enrollment
    services.enrollment_pause(by=by, enrollment=enrollment, on=dt.date(2027, 9, 1))
    reverse(world, stored(enrollment))
    assert stored(enrollment).status == EnrollmentStatus.ACTIVE
    assert stored(enrollment).paused_from is None
    # The reversed date no longer bounds the history: an earlier pause is accepted.
    services.enrollment_pause(by=by, enrollment=stored(enrollment), on=dt.date(2027, 3, 1))
    assert stored(enrollment).paused_from == dt.date(2027, 3, 1)


def test_a_reversed_resumption_puts_back_the_pause_and_the_planned_end(world, training):
    by, enrollment = world.users["enterprise"], training.enrollment
    services.enrollment_pause(by=by, enrollment=enrollment, on=dt.date(2026, 7, 1))
    services.enrollment_resume(by=by, enrollment=stored(enrollment), on=dt.date(2026, 8, 1))
    reverse(world, stored(enrollment))
    after = stored(enrollment)
    assert (after.status, after.paused_from, after.planned_end) == (
        EnrollmentStatus.PAUSED,
        dt.date(2026, 7, 1),
        END,
    )


def test_a_reversed_completion_makes_the_apprentice_active_again(world, training):
    by, enrollment = world.users["enterprise"], training.enrollment
    Enrollment.objects.filter(pk=enrollment.pk).update(status=EnrollmentStatus.ACTIVE)
    services.enrollment_complete(by=by, enrollment=stored(enrollment), on=dt.date(2027, 1, 5))
    reverse(world, stored(enrollment))
    assert stored(enrollment).status == EnrollmentStatus.ACTIVE


def test_a_reversed_mentor_change_brings_back_the_previous_mentor(world, training):
    by, enrollment = world.users["enterprise"], training.enrollment
    new = make_mentor(world)
    services.enrollment_change_mentor(
        by=by,
        enrollment=enrollment,
        kind=MentorKind.ENTERPRISE,
        mentor=new,
        effective_date=dt.date(2026, 9, 1),
    )
    reverse(world, stored(enrollment), reason="选错了师傅")
    assert stored(enrollment).enterprise_mentor == training.mentor
    audit = AuditEvent.objects.get(action="enrollment.reversed")
    assert audit.after == {"enterprise_mentor_id": training.mentor.pk, "reason": "选错了师傅"}


def test_only_the_last_change_is_reversed(world, training):
    by, enrollment = world.users["enterprise"], training.enrollment
    services.enrollment_pause(by=by, enrollment=enrollment, on=dt.date(2026, 7, 1))
    pause = EnrollmentEvent.objects.get(kind=EnrollmentEventKind.PAUSED)
    services.enrollment_resume(by=by, enrollment=stored(enrollment), on=dt.date(2026, 8, 1))
    with pytest.raises(Refused) as refused:
        reverse(world, stored(enrollment), event=pause)
    assert refused.value.codes == ["not_last_change"]


def test_a_reversal_is_not_reversed_nor_a_change_twice(world, training):
    by, enrollment = world.users["enterprise"], training.enrollment
    services.enrollment_pause(by=by, enrollment=enrollment, on=dt.date(2026, 7, 1))
    pause = EnrollmentEvent.objects.get(kind=EnrollmentEventKind.PAUSED)
    reverse(world, stored(enrollment))
    reversal = EnrollmentEvent.objects.get(kind=EnrollmentEventKind.REVERSED)
    for event, code in ((reversal, "reversal_of_reversal"), (pause, "already_reversed")):
        with pytest.raises(Refused) as refused:
            reverse(world, stored(enrollment), event=event)
        assert refused.value.codes == [code]


def test_nothing_is_reversed_in_a_closed_class(world, training):
    by, enrollment = world.users["enterprise"], training.enrollment
    services.enrollment_pause(by=by, enrollment=enrollment, on=dt.date(2026, 7, 1))
    Cohort.objects.filter(pk=training.cohort.pk).update(status=CohortStatus.CLOSED)
    with pytest.raises(Refused) as refused:
        reverse(world, stored(enrollment))
    assert refused.value.codes == ["class_closed"]


def test_a_reversal_needs_its_reason_and_the_class_manager(world, training):
    by, enrollment = world.users["enterprise"], training.enrollment
    services.enrollment_pause(by=by, enrollment=enrollment, on=dt.date(2026, 7, 1))
    with pytest.raises(ValidationError):
        reverse(world, stored(enrollment), reason=" ")
    for who in ("enterprise2", "school", "mentor"):
        with pytest.raises(PermissionDenied):
            reverse(world, stored(enrollment), by=who)
    assert stored(enrollment).status == EnrollmentStatus.PAUSED


# Pages ------------------------------------------------------------------------------------
def test_the_reviewer_records_a_mentor_ratio_on_its_page_and_the_class_shows_it(world, approved):
    cohort = approved.cohort
    page = world.client("district").get(f"/programmes/cohorts/{cohort.pk}/mentor-ratio/")
    assert page.status_code == 200
    response = world.client("district").post(
        f"/programmes/cohorts/{cohort.pk}/mentor-ratio/", {"ratio": 12, "reason": "带徒经验丰富"}
    )
    assert response.status_code == 302
    assert Cohort.objects.get(pk=cohort.pk).mentor_ratio_exception == 12
    shown = world.client("enterprise").get(cohort.get_absolute_url()).content.decode()
    assert "带徒经验丰富" in shown
    assert 'data-testid="mentor-ratio-link"' not in shown  # the enterprise does not decide it
    assert (
        world.client("enterprise").get(f"/programmes/cohorts/{cohort.pk}/mentor-ratio/").status_code
        == 403
    )


def test_the_reviewer_consents_to_an_early_start_on_its_page(world, approved):
    cohort, url = approved.cohort, f"/programmes/cohorts/{approved.cohort.pk}/early-start/"
    assert (
        'data-testid="early-start-link"'
        in world.client("district").get(cohort.get_absolute_url()).content.decode()
    )
    missing = world.client("district").post(url, {"allowed_from": TOO_EARLY.isoformat()})
    assert missing.status_code == 200  # the reason is asked for
    world.client("district").post(url, {"allowed_from": TOO_EARLY.isoformat(), "reason": "提前"})
    assert Cohort.objects.get(pk=cohort.pk).early_start_from == TOO_EARLY


def test_the_registering_manager_sets_a_retirement_track_with_its_reason(world):
    person = world.people["apprentice"]  # a woman, registered by the enterprise
    url = f"/programmes/people/{person.pk}/retirement-age/"
    response = world.client("enterprise").post(url, {"track": "female_55", "reason": "管理岗位"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.retirement_track == "female_55"
    page = world.client("enterprise").get(url).content.decode()
    assert "管理岗位" in page  # the value in force is shown with its reason
    assert world.client("enterprise2").get(url).status_code == 404


def test_the_enrollment_page_offers_the_reversal_and_marks_the_reversed_change(world, training):
    by, enrollment = world.users["enterprise"], training.enrollment
    services.enrollment_pause(by=by, enrollment=enrollment, on=dt.date(2026, 7, 1))
    client = world.client("enterprise")
    page = client.get(enrollment.get_absolute_url()).content.decode()
    assert 'data-testid="reverse-link"' in page
    url = f"/programmes/enrollments/{enrollment.pk}/reverse/"
    confirm = client.get(url).content.decode()
    assert 'data-testid="reversed-change"' in confirm
    pause = EnrollmentEvent.objects.get(kind=EnrollmentEventKind.PAUSED)
    response = client.post(url, confirmed({"event": pause.pk, "reason": "暂停日期录错"}))
    assert response.status_code == 302
    page = client.get(enrollment.get_absolute_url()).content.decode()
    assert "<del>" in page and "暂停日期录错" in page


@pytest.mark.django_db
def test_a_persons_page_links_to_the_retirement_age_for_whoever_may_change_the_person(world):
    from xuetu.programmes.tests.factories import make_person

    person = make_person("周雪", organisation=world.enterprise, gender="F")
    url = f"/registry/people/{person.pk}/"
    page = world.client("enterprise").get(url).content.decode()
    assert f'href="/programmes/people/{person.pk}/retirement-age/"' in page
    shown = world.client("school").get(url)
    assert shown.status_code == 404 or "retirement-age" not in shown.content.decode()
