"""The programmes services: who may do what, what each step records, and what is refused."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xuetu.accounts.choices import OrganisationKind, Role
from xuetu.accounts.models import Organisation
from xuetu.core.models import AuditEvent, Notice
from xuetu.core.problems import Refused
from xuetu.programmes import services
from xuetu.programmes.choices import (
    AgreementSide,
    ApprenticeCategory,
    CohortStatus,
    EnrollmentEventKind,
    EnrollmentStatus,
    MentorKind,
    WithdrawalReason,
)
from xuetu.programmes.models import Appointment, Cohort, CooperationAgreement, Enrollment
from xuetu.programmes.tests.factories import (
    END,
    START,
    build_programme,
    fast_passwords,  # noqa: F401  (autouse)
    make_cohort,
    make_enrollment,
    make_mentor,
    make_occupation,
    make_person,
    make_policy,
)
from xuetu.testing import make_user

pytestmark = pytest.mark.django_db


def events(obj, action: str | None = None) -> list[str]:
    rows = AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    actions = list(rows.order_by("pk").values_list("action", flat=True))
    return [a for a in actions if action is None or a == action]


def notices_for(organisation) -> list[str]:
    return [n.text for n in Notice.objects.filter(organisation=organisation)]


@pytest.fixture
def programme(world):
    return build_programme(world)


# Policy ------------------------------------------------------------------------------------
def test_the_policy_in_force_is_the_latest_that_started_on_or_before_the_day(world):
    make_policy(name="2019", effective_from=dt.date(2019, 1, 1), mentor_max_apprentices=8)
    make_policy(name="2022", effective_from=dt.date(2022, 1, 1))
    assert services.current_policy(dt.date(2021, 12, 31)).name == "2019"
    assert services.current_policy(dt.date(2022, 1, 1)).name == "2022"


def test_without_a_recorded_policy_the_defaults_apply_and_nothing_is_stored(db):
    policy = services.current_policy(dt.date(2026, 1, 1))
    assert policy.pk is None
    assert policy.mentor_max_apprentices == 10


# Agreements --------------------------------------------------------------------------------
def draft_agreement(world, by="enterprise") -> CooperationAgreement:
    return services.agreement_create(
        by=world.users[by],
        enterprise=world.enterprise,
        institution=world.institution,
        valid_from=dt.date(2025, 9, 1),
        valid_to=dt.date(2029, 8, 31),
        duties="双导师带徒",
    )


def test_the_drafting_side_confirms_by_drafting_and_the_other_side_is_asked(world):
    agreement = draft_agreement(world)
    assert agreement.drafted_by == AgreementSide.ENTERPRISE
    assert agreement.enterprise_confirmed_at is not None
    assert agreement.institution_confirmed_at is None
    assert re.fullmatch(r"XY-2025-\d{6}", agreement.number)
    assert events(agreement) == ["cooperationagreement.create"]
    assert len(notices_for(world.institution)) == 1


def test_the_institution_confirms_and_the_agreement_is_in_force(world):
    agreement = draft_agreement(world)
    services.agreement_confirm(by=world.users["school"], agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.confirmed
    assert agreement.in_force_for(START, END)
    assert events(agreement)[-1] == "cooperationagreement.confirm"


def test_the_drafting_side_cannot_confirm_for_the_other(world):
    agreement = draft_agreement(world)
    with pytest.raises(PermissionDenied):
        services.agreement_confirm(by=world.users["enterprise"], agreement=agreement)
    assert not CooperationAgreement.objects.get(pk=agreement.pk).confirmed


def test_a_second_confirmation_is_refused(world):
    agreement = draft_agreement(world)
    services.agreement_confirm(by=world.users["school"], agreement=agreement)
    stale = CooperationAgreement.objects.get(pk=agreement.pk)
    stale.institution_confirmed_at = None
    with pytest.raises(Refused) as refused:
        services.agreement_confirm(by=world.users["school"], agreement=stale)
    assert refused.value.codes == ["already_confirmed"]


def test_an_edit_clears_the_confirmations_and_the_editor_agrees_to_their_own_edit(world):
    agreement = draft_agreement(world)
    services.agreement_confirm(by=world.users["school"], agreement=agreement)
    services.agreement_update(
        by=world.users["school"], agreement=agreement, valid_to=dt.date(2030, 8, 31)
    )
    agreement.refresh_from_db()
    assert agreement.drafted_by == AgreementSide.INSTITUTION
    assert agreement.institution_confirmed_at is not None
    assert agreement.enterprise_confirmed_at is None
    services.agreement_confirm(by=world.users["enterprise"], agreement=agreement)
    assert CooperationAgreement.objects.get(pk=agreement.pk).confirmed


def test_an_edit_that_changes_nothing_keeps_the_confirmations(world):
    agreement = draft_agreement(world)
    services.agreement_confirm(by=world.users["school"], agreement=agreement)
    services.agreement_update(
        by=world.users["enterprise"], agreement=agreement, duties="双导师带徒"
    )
    assert CooperationAgreement.objects.get(pk=agreement.pk).confirmed
    assert events(agreement, "cooperationagreement.update") == []


def test_another_enterprise_cannot_draft_or_edit_an_agreement_for_it(world):
    with pytest.raises(PermissionDenied):
        draft_agreement(world, by="enterprise2")
    agreement = draft_agreement(world)
    with pytest.raises(PermissionDenied):
        services.agreement_update(by=world.users["enterprise2"], agreement=agreement, duties="改")


def test_an_agreement_must_end_after_it_starts(world):
    with pytest.raises(ValidationError) as error:
        services.agreement_create(
            by=world.users["enterprise"],
            enterprise=world.enterprise,
            institution=world.institution,
            valid_from=dt.date(2026, 1, 1),
            valid_to=dt.date(2025, 1, 1),
        )
    assert "valid_to" in error.value.message_dict
    assert not CooperationAgreement.objects.exists()


# Mentors and appointment letters -----------------------------------------------------------
def test_an_enterprise_appoints_a_mentor_and_the_appointment_is_audited(world):
    person = make_person("王劲松", organisation=world.enterprise)
    mentor = services.mentor_create(
        by=world.users["enterprise"],
        organisation=world.enterprise,
        person=person,
        certificate_level=3,
        years_experience=20,
    )
    assert mentor.kind == MentorKind.ENTERPRISE
    assert events(mentor) == ["mentor.create"]


def test_a_recognition_needs_its_reason_and_approver(world):
    person = make_person("金帆", organisation=world.enterprise)
    with pytest.raises(ValidationError) as error:
        services.mentor_create(
            by=world.users["enterprise"],
            organisation=world.enterprise,
            person=person,
            recognised=True,
        )
    assert {"recognition_reason", "recognition_approved_by"} <= set(error.value.message_dict)


def test_an_enterprise_cannot_appoint_a_teacher_nor_another_organisations_mentor(world):
    person = make_person("金帆", organisation=world.enterprise)
    with pytest.raises(ValidationError):
        services.mentor_create(
            by=world.users["enterprise"],
            organisation=world.enterprise,
            person=person,
            kind=MentorKind.INSTITUTION,
        )
    with pytest.raises(PermissionDenied):
        services.mentor_create(
            by=world.users["enterprise2"], organisation=world.enterprise, person=person
        )


def test_appointment_letters_are_numbered_by_year_and_never_twice(programme):
    world = programme.world
    first, second = (
        services.appointment_issue(
            by=world.users["enterprise"],
            mentor=programme.mentor,
            cohort=programme.cohort,
            term_start=START,
            term_end=END,
            issued_on=dt.date(2026, 3, 1),
            with_pdf=False,
        )
        for _ in range(2)
    )
    assert re.fullmatch(r"PS-2026-\d{6}", first.number)
    assert first.number != second.number
    assert events(first) == ["appointment.create"]
    assert Appointment.objects.get(pk=first.pk).number == first.number


def test_an_appointment_letter_gets_its_pdf(programme):
    world = programme.world
    letter = services.appointment_issue(
        by=world.users["enterprise"], mentor=programme.mentor, term_start=START, term_end=END
    )
    stored = Appointment.objects.get(pk=letter.pk)
    assert stored.pdf.name.endswith(".pdf")
    assert stored.pdf.read(5) == b"%PDF-"


def test_a_letter_for_another_organisations_class_is_refused(programme):
    world = programme.world
    other = make_cohort(world, enterprise=world.enterprise2)
    with pytest.raises(ValidationError):
        services.appointment_issue(
            by=world.users["enterprise"],
            mentor=programme.mentor,
            cohort=other,
            term_start=START,
            term_end=END,
            with_pdf=False,
        )


# Filing ------------------------------------------------------------------------------------
def test_an_enterprise_creates_a_numbered_draft_class(programme):
    world = programme.world
    cohort = services.cohort_create(
        by=world.users["enterprise"],
        enterprise=world.enterprise,
        agreement=programme.agreement,
        occupation=programme.occupation,
        target_level=3,
        planned_start=START,
        planned_end=END,
        planned_headcount=20,
        name="焊工高级工班",
    )
    assert cohort.status == CohortStatus.DRAFT
    assert cohort.institution == world.institution  # from the agreement
    assert re.fullmatch(r"BJ-2026-\d{6}", cohort.code)
    assert events(cohort) == ["cohort.create"]


def test_a_class_cannot_use_an_agreement_between_other_parties(programme):
    world = programme.world
    with pytest.raises(ValidationError) as error:
        services.cohort_create(
            by=world.users["enterprise2"],
            enterprise=world.enterprise2,
            institution=world.institution,
            agreement=programme.agreement,
            occupation=programme.occupation,
            target_level=3,
            planned_start=START,
            planned_end=END,
            planned_headcount=1,
            name="铝加工班",
        )
    assert "agreement" in error.value.message_dict


def test_a_complete_filing_is_submitted_and_both_bureaus_are_told(programme):
    world = programme.world
    cohort = services.cohort_submit(by=world.users["enterprise"], cohort=programme.cohort)
    stored = Cohort.objects.get(pk=cohort.pk)
    assert stored.status == CohortStatus.SUBMITTED
    assert stored.submitted_by == world.users["enterprise"]
    assert events(cohort) == ["cohort.submit"]
    assert notices_for(world.district_bureau) and notices_for(world.city)
    assert Notice.objects.filter(url=f"/programmes/cohorts/{cohort.pk}/").count() == 2


def test_a_bad_filing_is_refused_with_every_problem_and_stays_a_draft(programme):
    world = programme.world
    cohort = programme.cohort
    CooperationAgreement.objects.filter(pk=programme.agreement.pk).update(
        institution_confirmed_at=None
    )
    Cohort.objects.filter(pk=cohort.pk).update(plan_summary="", planned_headcount=3)
    weak = make_mentor(world, certificate_level=5)
    make_enrollment(world, cohort, enterprise_mentor=weak)
    student = make_person("学生", organisation=world.enterprise, is_full_time_student=True)
    make_enrollment(world, cohort, person=student, institution_mentor=None)
    cohort.refresh_from_db()
    with pytest.raises(Refused) as refused:
        services.cohort_submit(by=world.users["enterprise"], cohort=cohort)
    assert refused.value.codes == [
        "agreement_not_in_force",
        "no_plan",
        "full_time_student",
        "mentor_missing",
        "mentor_unqualified",
    ]
    assert Cohort.objects.get(pk=cohort.pk).status == CohortStatus.DRAFT
    assert events(cohort) == []
    assert not Notice.objects.exists()


def test_a_roster_that_does_not_match_the_headcount_is_refused(programme):
    Cohort.objects.filter(pk=programme.cohort.pk).update(planned_headcount=20)
    programme.cohort.refresh_from_db()
    with pytest.raises(Refused) as refused:
        services.cohort_submit(by=programme.world.users["enterprise"], cohort=programme.cohort)
    assert refused.value.codes == ["headcount_mismatch"]


def test_only_the_enterprises_manager_submits(programme):
    world = programme.world
    for username in ("mentor", "school", "district", "enterprise2"):
        with pytest.raises(PermissionDenied):
            services.cohort_submit(by=world.users[username], cohort=programme.cohort)
    assert Cohort.objects.get(pk=programme.cohort.pk).status == CohortStatus.DRAFT


# Review ------------------------------------------------------------------------------------
@pytest.fixture
def submitted(programme):
    return services.cohort_submit(by=programme.world.users["enterprise"], cohort=programme.cohort)


@pytest.mark.parametrize("reviewer", ["district", "bureau"])
def test_the_district_reviewer_or_the_city_approves_and_the_parties_are_told(
    world, submitted, reviewer
):
    services.cohort_approve(by=world.users[reviewer], cohort=submitted)
    stored = Cohort.objects.get(pk=submitted.pk)
    assert stored.status == CohortStatus.APPROVED
    assert stored.reviewed_by == world.users[reviewer]
    assert events(submitted) == ["cohort.submit", "cohort.approve"]
    assert notices_for(world.enterprise) and notices_for(world.institution)


def test_a_reviewer_of_another_district_cannot_review(world, submitted):
    other_bureau = Organisation.objects.create(
        kind=OrganisationKind.DISTRICT_BUREAU, name="九龙坡区人社局", district=world.jiulongpo
    )
    outsider = make_user("jlp", other_bureau, Role.DISTRICT_REVIEWER)
    with pytest.raises(PermissionDenied):
        services.cohort_approve(by=outsider, cohort=submitted)
    assert Cohort.objects.get(pk=submitted.pk).status == CohortStatus.SUBMITTED


def test_the_enterprise_cannot_review_its_own_filing(world, submitted):
    for username in ("enterprise", "mentor", "school"):
        with pytest.raises(PermissionDenied):
            services.cohort_approve(by=world.users[username], cohort=submitted)


def test_the_submitter_cannot_review_even_as_city_administrator(programme):
    world = programme.world
    cohort = services.cohort_submit(by=world.users["bureau"], cohort=programme.cohort)
    with pytest.raises(PermissionDenied):
        services.cohort_approve(by=world.users["bureau"], cohort=cohort)
    services.cohort_approve(by=world.users["district"], cohort=cohort)


def test_a_reviewer_who_is_also_a_member_of_the_enterprise_cannot_review(world, submitted):
    from xuetu.accounts.models import Membership

    reviewer = world.users["district"]
    Membership.objects.create(user=reviewer, organisation=world.enterprise, role=Role.MENTOR)
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)  # a fresh scope
    with pytest.raises(PermissionDenied):
        services.cohort_approve(by=reviewer, cohort=submitted)


@pytest.mark.parametrize("action", ["cohort_return", "cohort_reject"])
def test_returning_or_rejecting_needs_a_comment(world, submitted, action):
    with pytest.raises(ValidationError) as error:
        getattr(services, action)(by=world.users["district"], cohort=submitted, comment="  ")
    assert "comment" in error.value.message_dict
    assert Cohort.objects.get(pk=submitted.pk).status == CohortStatus.SUBMITTED


def test_a_second_approval_of_the_same_filing_is_refused_and_recorded_once(world, submitted):
    stale = Cohort.objects.get(pk=submitted.pk)
    services.cohort_approve(by=world.users["district"], cohort=submitted)
    with pytest.raises(Refused) as refused:
        services.cohort_approve(by=world.users["bureau"], cohort=stale)
    assert refused.value.codes == ["changed_meanwhile"]
    assert events(submitted, "cohort.approve") == ["cohort.approve"]


def test_the_whole_filing_story_return_fix_resubmit_approve(world, submitted):
    services.cohort_return(by=world.users["district"], cohort=submitted, comment="补充培训计划")
    assert any("补充培训计划" in text for text in notices_for(world.enterprise))
    cohort = Cohort.objects.get(pk=submitted.pk)
    assert cohort.status == CohortStatus.RETURNED
    services.cohort_update(
        by=world.users["enterprise"], cohort=cohort, plan_summary="理论 400 学时；实操 1200 学时"
    )
    assert cohort.status == CohortStatus.DRAFT
    services.cohort_submit(by=world.users["enterprise"], cohort=cohort)
    services.cohort_approve(by=world.users["district"], cohort=cohort)
    assert Cohort.objects.get(pk=cohort.pk).status == CohortStatus.APPROVED
    assert events(cohort) == [
        "cohort.submit",
        "cohort.return",
        "cohort.update",
        "cohort.submit",
        "cohort.approve",
    ]


def test_editing_a_submitted_filing_returns_it_to_draft_and_tells_the_bureau(world, submitted):
    services.cohort_update(by=world.users["enterprise"], cohort=submitted, name="新名称")
    assert Cohort.objects.get(pk=submitted.pk).status == CohortStatus.DRAFT
    update = AuditEvent.objects.filter(action="cohort.update").get()
    assert update.after["status"] == CohortStatus.DRAFT
    assert len(notices_for(world.district_bureau)) == 2  # submitted, then changed


def test_an_approved_class_is_not_edited(world, submitted):
    services.cohort_approve(by=world.users["district"], cohort=submitted)
    with pytest.raises(Refused) as refused:
        services.cohort_update(by=world.users["enterprise"], cohort=submitted, name="改名")
    assert refused.value.codes == ["not_editable"]


def test_a_returned_filing_can_be_resubmitted_unchanged(world, submitted):
    services.cohort_return(by=world.users["district"], cohort=submitted, comment="请核对")
    services.cohort_submit(by=world.users["enterprise"], cohort=submitted)
    assert Cohort.objects.get(pk=submitted.pk).status == CohortStatus.SUBMITTED


def test_a_rejected_filing_is_final(world, submitted):
    services.cohort_reject(by=world.users["district"], cohort=submitted, comment="不符合条件")
    with pytest.raises(Refused) as refused:
        services.cohort_submit(by=world.users["enterprise"], cohort=submitted)
    assert refused.value.codes == ["transition_not_allowed"]


def test_a_filing_awaiting_review_can_be_withdrawn_and_the_bureau_is_told(world, submitted):
    services.cohort_withdraw(by=world.users["enterprise"], cohort=submitted)
    assert Cohort.objects.get(pk=submitted.pk).status == CohortStatus.WITHDRAWN
    assert len(notices_for(world.district_bureau)) == 2


def test_an_approved_class_starts_completes_and_is_closed(programme, submitted):
    world = programme.world
    services.cohort_approve(by=world.users["district"], cohort=submitted)
    with pytest.raises(PermissionDenied):  # the institution is told, the enterprise starts
        services.cohort_start(by=world.users["school"], cohort=submitted, on=START)
    services.cohort_start(by=world.users["enterprise"], cohort=submitted, on=START)
    enrollment = Enrollment.objects.get(pk=programme.enrollment.pk)
    assert enrollment.status == EnrollmentStatus.ACTIVE
    Cohort.objects.filter(pk=submitted.pk).update(planned_end=dt.date(2026, 11, 30))
    submitted.refresh_from_db()
    services.cohort_complete(
        by=world.users["enterprise"], cohort=submitted, on=dt.date(2026, 12, 1)
    )
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert [e.kind for e in enrollment.events.all()] == ["activated", "completed"]
    with pytest.raises(PermissionDenied):
        services.cohort_close(by=world.users["enterprise"], cohort=submitted)
    services.cohort_close(by=world.users["district"], cohort=submitted)
    assert events(submitted)[-3:] == ["cohort.start", "cohort.complete", "cohort.close"]


# The roster --------------------------------------------------------------------------------
def enrol(programme, person, **values) -> Enrollment:
    values.setdefault("category", ApprenticeCategory.NEW_HIRE)
    values.setdefault("contract_start", dt.date(2026, 1, 1))
    return services.enrollment_create(
        by=programme.world.users["enterprise"], cohort=programme.cohort, person=person, **values
    )


def test_an_eligible_apprentice_joins_the_roster_with_a_history_entry(programme):
    person = make_person("周光明", organisation=programme.world.enterprise)
    enrollment = enrol(programme, person, enterprise_mentor=programme.mentor)
    assert enrollment.planned_end == END
    assert [e.kind for e in enrollment.events.all()] == [EnrollmentEventKind.ENROLLED]
    assert events(enrollment) == ["enrollment.create"]


def test_an_ineligible_apprentice_is_refused_with_every_reason(programme):
    person = make_person(
        "学生",
        organisation=programme.world.enterprise,
        is_full_time_student=True,
        birth_date=dt.date(2011, 1, 1),
    )
    with pytest.raises(Refused) as refused:
        enrol(programme, person, contract_end=dt.date(2026, 6, 30), social_insurance=False)
    assert refused.value.codes == [
        "contract_too_short",
        "no_social_insurance",
        "too_young",
        "full_time_student",
    ]
    assert not Enrollment.objects.filter(person=person).exists()


def test_someone_training_in_another_live_class_cannot_join(programme):
    world = programme.world
    other = make_cohort(world, status=CohortStatus.IN_TRAINING)
    person = make_person("韩国华", organisation=world.enterprise)
    make_enrollment(world, other, person=person)
    with pytest.raises(Refused) as refused:
        enrol(programme, person)
    assert refused.value.codes == ["active_elsewhere"]


def test_a_mentor_at_the_policys_limit_takes_no_eleventh_apprentice(programme):
    world = programme.world
    for _ in range(9):  # the programme's own apprentice is the tenth
        make_enrollment(world, programme.cohort, enterprise_mentor=programme.mentor)
    person = make_person("钟海波", organisation=world.enterprise)
    with pytest.raises(Refused) as refused:
        enrol(programme, person, enterprise_mentor=programme.mentor)
    assert refused.value.codes == ["mentor_over_capacity"]
    assert refused.value.problems[0].field == "enterprise_mentor"


def test_a_withdrawn_apprentice_frees_the_mentors_place(programme):
    world = programme.world
    for _ in range(9):
        make_enrollment(
            world, programme.cohort, enterprise_mentor=programme.mentor, status="withdrawn"
        )
    person = make_person("钟海波", organisation=world.enterprise)
    assert enrol(programme, person, enterprise_mentor=programme.mentor).pk


def test_a_mentor_of_another_enterprise_is_refused(programme):
    world = programme.world
    stranger = make_mentor(world, organisation=world.enterprise2)
    person = make_person("钟海波", organisation=world.enterprise)
    with pytest.raises(ValidationError) as error:
        enrol(programme, person, enterprise_mentor=stranger)
    assert "enterprise_mentor" in error.value.message_dict


def test_adding_to_the_roster_of_a_filing_under_review_makes_it_a_draft(programme, submitted):
    person = make_person("钟海波", organisation=programme.world.enterprise)
    enrol(programme, person)
    assert Cohort.objects.get(pk=submitted.pk).status == CohortStatus.DRAFT
    assert events(submitted)[-1] == "cohort.reopen"


def test_after_approval_the_roster_changes_only_by_substitution(programme, submitted):
    services.cohort_approve(by=programme.world.users["district"], cohort=submitted)
    person = make_person("钟海波", organisation=programme.world.enterprise)
    with pytest.raises(Refused) as refused:
        enrol(programme, person)
    assert refused.value.codes == ["not_editable"]


def test_another_enterprise_cannot_change_the_roster(programme):
    person = make_person("钟海波", organisation=programme.world.enterprise2)
    with pytest.raises(PermissionDenied):
        services.enrollment_create(
            by=programme.world.users["enterprise2"],
            cohort=programme.cohort,
            person=person,
            category=ApprenticeCategory.NEW_HIRE,
            contract_start=dt.date(2026, 1, 1),
        )


@pytest.fixture
def training(world):
    return build_programme(world, status=CohortStatus.IN_TRAINING)


def test_a_pause_and_resumption_move_the_planned_end_by_the_pause(training):
    by = training.world.users["enterprise"]
    enrollment = training.enrollment
    services.enrollment_pause(by=by, enrollment=enrollment, on=dt.date(2026, 7, 1))
    services.enrollment_resume(by=by, enrollment=enrollment, on=dt.date(2026, 8, 1))
    stored = Enrollment.objects.get(pk=enrollment.pk)
    assert stored.status == EnrollmentStatus.ACTIVE
    assert stored.planned_end == END + dt.timedelta(days=31)
    assert stored.paused_from is None
    assert [e.kind for e in stored.events.all()] == ["paused", "resumed"]
    assert events(enrollment) == ["enrollment.paused", "enrollment.resumed"]


def test_a_resumption_before_the_pause_is_refused(training):
    by = training.world.users["enterprise"]
    services.enrollment_pause(by=by, enrollment=training.enrollment, on=dt.date(2026, 7, 1))
    with pytest.raises(ValidationError):
        services.enrollment_resume(by=by, enrollment=training.enrollment, on=dt.date(2026, 6, 1))


def test_a_withdrawal_records_the_date_and_reason(training):
    services.enrollment_withdraw(
        by=training.world.users["enterprise"],
        enrollment=training.enrollment,
        on=dt.date(2026, 5, 10),
        reason=WithdrawalReason.LEFT,
        note="个人原因离职",
    )
    stored = Enrollment.objects.get(pk=training.enrollment.pk)
    assert (stored.status, stored.withdrawn_on, stored.withdrawal_reason) == (
        EnrollmentStatus.WITHDRAWN,
        dt.date(2026, 5, 10),
        WithdrawalReason.LEFT,
    )
    assert stored.events.get().details == {"reason": "left", "note": "个人原因离职"}


def test_a_withdrawn_apprentice_cannot_be_paused(training):
    by = training.world.users["enterprise"]
    day = dt.date(2026, 5, 10)
    services.enrollment_withdraw(by=by, enrollment=training.enrollment, on=day, reason="left")
    with pytest.raises(Refused) as refused:
        services.enrollment_pause(by=by, enrollment=training.enrollment, on=day)
    assert refused.value.codes == ["transition_not_allowed"]


def test_a_mentor_change_is_dated_and_checks_the_new_mentors_room(training):
    world = training.world
    new = make_mentor(world, capacity=1)
    services.enrollment_change_mentor(
        by=world.users["enterprise"],
        enrollment=training.enrollment,
        kind=MentorKind.ENTERPRISE,
        mentor=new,
        effective_date=dt.date(2026, 9, 1),
    )
    stored = Enrollment.objects.get(pk=training.enrollment.pk)
    assert stored.enterprise_mentor == new
    event = stored.events.get(kind=EnrollmentEventKind.MENTOR_CHANGED)
    assert event.effective_date == dt.date(2026, 9, 1)
    assert event.details["previous_name"] == "王劲松"
    other = make_enrollment(world, training.cohort)
    with pytest.raises(Refused) as refused:
        services.enrollment_change_mentor(
            by=world.users["enterprise"],
            enrollment=other,
            kind=MentorKind.ENTERPRISE,
            mentor=new,
            effective_date=dt.date(2026, 9, 1),
        )
    assert refused.value.codes == ["mentor_over_capacity"]


def withdraw(programme) -> Enrollment:
    return services.enrollment_withdraw(
        by=programme.world.users["enterprise"],
        enrollment=programme.enrollment,
        on=dt.date(2026, 4, 1),
        reason=WithdrawalReason.CONTRACT_ENDED,
    )


def substitute(programme, person, day: dt.date) -> Enrollment:
    return services.enrollment_substitute(
        by=programme.world.users["enterprise"],
        withdrawn=programme.enrollment,
        person=person,
        category=ApprenticeCategory.IN_POST,
        contract_start=dt.date(2025, 1, 1),
        effective_date=day,
    )


def test_a_withdrawn_apprentice_is_replaced_before_the_cut_off(training):
    withdraw(training)
    person = make_person("肖帆", organisation=training.world.enterprise)
    new = substitute(training, person, dt.date(2026, 6, 1))
    assert new.substitute_for == training.enrollment
    assert new.status == EnrollmentStatus.ACTIVE
    assert new.enterprise_mentor == training.mentor  # inherited
    assert new.events.get().kind == EnrollmentEventKind.SUBSTITUTED
    assert events(new) == ["enrollment.substitute"]


def test_a_substitution_after_the_cut_off_is_refused(training):
    withdraw(training)
    person = make_person("肖帆", organisation=training.world.enterprise)
    with pytest.raises(Refused) as refused:
        substitute(training, person, dt.date(2026, 6, 2))
    assert refused.value.codes == ["substitution_too_late"]


def test_only_a_withdrawn_apprentice_is_replaced_and_only_once(training):
    person = make_person("肖帆", organisation=training.world.enterprise)
    with pytest.raises(Refused) as refused:
        substitute(training, person, dt.date(2026, 4, 1))
    assert refused.value.codes == ["not_withdrawn"]
    withdraw(training)
    training.enrollment.refresh_from_db()
    substitute(training, person, dt.date(2026, 4, 1))
    again = make_person("程明", organisation=training.world.enterprise)
    with pytest.raises(Refused) as refused:
        substitute(training, again, dt.date(2026, 4, 2))
    assert refused.value.codes == ["already_substituted"]


def test_an_apprentice_transfers_to_another_class_of_the_same_enterprise(training):
    world = training.world
    to = make_cohort(world, status=CohortStatus.IN_TRAINING, occupation=training.occupation)
    new_mentor = make_mentor(world)
    make_enrollment(world, to, enterprise_mentor=new_mentor)  # mentors in the new class
    moved = services.enrollment_transfer(
        by=world.users["enterprise"],
        enrollment=training.enrollment,
        to=to,
        effective_date=dt.date(2026, 5, 1),
        enterprise_mentor=new_mentor,
    )
    old = Enrollment.objects.get(pk=training.enrollment.pk)
    assert old.status == EnrollmentStatus.WITHDRAWN
    assert to.code in old.withdrawal_note
    assert moved.cohort == to and moved.status == EnrollmentStatus.ACTIVE
    # The mentors are chosen from the new class; none moves along by itself.
    assert moved.enterprise_mentor == new_mentor and moved.institution_mentor is None
    last = old.events.last()
    assert last is not None and last.kind == EnrollmentEventKind.TRANSFERRED_OUT
    assert moved.events.get().kind == EnrollmentEventKind.TRANSFERRED_IN
    assert events(moved) == ["enrollment.transfer"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"status": CohortStatus.DRAFT}, "class_not_open"),
        ({"occupation": "other"}, "other_occupation"),
        ({"target_level": 2}, "lower_level"),
    ],
)
def test_a_transfer_goes_only_to_an_approved_class_of_the_same_occupation_and_level(
    training, change, code
):
    world = training.world
    values = {"status": CohortStatus.IN_TRAINING, "occupation": training.occupation, **change}
    if values["occupation"] == "other":
        values["occupation"] = make_occupation("6-22-02-01", "汽车装调工", "Vehicle assembler")
    to = make_cohort(world, **values)
    with pytest.raises(Refused) as refused:
        services.enrollment_transfer(
            by=world.users["enterprise"],
            enrollment=training.enrollment,
            to=to,
            effective_date=dt.date(2026, 5, 1),
        )
    assert refused.value.codes == [code]
    assert Enrollment.objects.get(pk=training.enrollment.pk).status == EnrollmentStatus.ACTIVE


def test_a_transferred_apprentices_mentor_must_be_one_of_the_new_class(training):
    world = training.world
    to = make_cohort(world, status=CohortStatus.IN_TRAINING, occupation=training.occupation)
    with pytest.raises(Refused) as refused:
        services.enrollment_transfer(
            by=world.users["enterprise"],
            enrollment=training.enrollment,
            to=to,
            effective_date=dt.date(2026, 5, 1),
            enterprise_mentor=training.mentor,  # the old class's welding mentor
        )
    assert refused.value.codes == ["mentor_not_of_class"]


def test_a_transfer_to_another_enterprises_class_is_refused(training):
    world = training.world
    to = make_cohort(world, status=CohortStatus.IN_TRAINING, enterprise=world.enterprise2)
    with pytest.raises(Refused) as refused:
        services.enrollment_transfer(
            by=world.users["enterprise"],
            enrollment=training.enrollment,
            to=to,
            effective_date=dt.date(2026, 5, 1),
        )
    assert refused.value.codes == ["wrong_class"]
    assert Enrollment.objects.get(pk=training.enrollment.pk).status == EnrollmentStatus.ACTIVE


# Demo data ---------------------------------------------------------------------------------
def seed_everything() -> None:
    from django.core.management import call_command

    from xuetu.programmes.demo import seed_programmes
    from xuetu.registry import demo as seed_demo

    call_command("load_reference", verbosity=0)
    organisations = seed_demo.seed_organisations()
    people = seed_demo.seed_people(organisations)
    seed_demo.seed_users(organisations, people)
    seed_programmes(organisations, people)


def test_the_demo_has_classes_in_every_status_through_the_services(db):
    seed_everything()
    assert set(Cohort.objects.values_list("status", flat=True)) == set(CohortStatus.values)
    wuyi_changan = Cohort.objects.filter(
        enterprise__name__contains="长安汽车", institution__name__contains="五一"
    )
    assert {c.occupation.code for c in wuyi_changan} >= {"6-18-02-04", "6-22-02-01"}
    training = wuyi_changan.get(status=CohortStatus.IN_TRAINING)
    assert training.enrollments.filter(person__name="舒晓超", status="active").exists()
    assert training.enrollments.filter(substitute_for__isnull=False).count() == 1
    assert Appointment.objects.filter(mentor__person__name="王劲松").count() == 2
    agreements = CooperationAgreement.objects.all()
    assert sum(a.confirmed for a in agreements) == 3 and len(agreements) == 4
    approvals = AuditEvent.objects.filter(action="cohort.approve")
    assert approvals.count() == 4 and all(e.actor is not None for e in approvals)


def test_seeding_the_demo_twice_changes_nothing(db):
    seed_everything()
    counts = (Cohort.objects.count(), Enrollment.objects.count(), AuditEvent.objects.count())
    seed_everything()
    assert (
        Cohort.objects.count(),
        Enrollment.objects.count(),
        AuditEvent.objects.count(),
    ) == counts


def test_the_submit_check_runs_the_same_queries_for_a_roster_of_1_and_of_30(programme):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cohort = Cohort.objects.get(pk=programme.cohort.pk)
    with CaptureQueriesContext(connection) as one:
        services.filing_problems(cohort)
    for _ in range(29):
        make_enrollment(programme.world, cohort)
    cohort = Cohort.objects.get(pk=programme.cohort.pk)
    with CaptureQueriesContext(connection) as thirty:
        problems = services.filing_problems(cohort)
    assert [p.code for p in problems] == ["headcount_mismatch"]
    assert len(thirty) == len(one)


# Findings of the rules review --------------------------------------------------------------
def test_approval_rechecks_the_filing_and_refuses_if_it_no_longer_passes(world):
    programme = build_programme(world, status=CohortStatus.SUBMITTED)
    agreement = programme.agreement
    CooperationAgreement.objects.filter(pk=agreement.pk).update(institution_confirmed_at=None)
    with pytest.raises(Refused) as refused:
        services.cohort_approve(by=world.users["district"], cohort=programme.cohort)
    assert "agreement_not_in_force" in [p.code for p in refused.value.problems]
    assert Cohort.objects.get(pk=programme.cohort.pk).status == CohortStatus.SUBMITTED
    assert not events(programme.cohort, "cohort.approve")


def test_withdrawing_an_apprentice_from_a_filing_under_review_makes_it_a_draft(world):
    programme = build_programme(world, status=CohortStatus.SUBMITTED)
    services.enrollment_withdraw(
        by=world.users["enterprise"],
        enrollment=programme.enrollment,
        on=START,
        reason=WithdrawalReason.LEFT,
    )
    assert Cohort.objects.get(pk=programme.cohort.pk).status == CohortStatus.DRAFT
    assert events(programme.cohort, "cohort.reopen")


def test_a_mentor_change_after_approval_needs_a_qualified_mentor(world):
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    novice = make_mentor(world, certificate_level=5, years_experience=1)
    with pytest.raises(Refused) as refused:
        services.enrollment_change_mentor(
            by=world.users["enterprise"],
            enrollment=programme.enrollment,
            kind=MentorKind.ENTERPRISE,
            mentor=novice,
            effective_date=START,
        )
    assert "mentor_unqualified" in [p.code for p in refused.value.problems]
    assert Enrollment.objects.get(pk=programme.enrollment.pk).enterprise_mentor == programme.mentor


def test_apprentices_of_a_rejected_filing_do_not_take_a_mentors_places(world):
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    rejected = make_cohort(world, status=CohortStatus.REJECTED, planned_headcount=10)
    for _ in range(10):
        make_enrollment(world, rejected, enterprise_mentor=programme.mentor)
    newcomer = make_person(organisation=world.enterprise)
    draft = make_cohort(world)
    enrollment = services.enrollment_create(
        by=world.users["enterprise"],
        cohort=draft,
        person=newcomer,
        category=ApprenticeCategory.NEW_HIRE,
        contract_start=dt.date(2026, 1, 1),
        enterprise_mentor=programme.mentor,
    )
    assert enrollment.enterprise_mentor == programme.mentor


def test_a_draft_roster_follows_its_class_to_another_institution_and_end_date(world):
    programme = build_programme(world)
    from xuetu.programmes.tests.factories import make_agreement
    from xuetu.registry.models import Institution

    second = Institution.objects.create(
        kind=OrganisationKind.INSTITUTION,
        name="重庆工贸技师学院",
        district=world.jiangbei,
        institution_type="technician_college",
    )
    services.cohort_update(
        by=world.users["enterprise"],
        cohort=programme.cohort,
        institution=second,
        agreement=make_agreement(world, institution=second),
        planned_end=dt.date(2027, 2, 28),
    )
    enrollment = Enrollment.objects.get(pk=programme.enrollment.pk)
    assert enrollment.institution_mentor is None
    assert enrollment.planned_end == dt.date(2027, 2, 28)
    codes = [p.code for p in services.filing_problems(programme.cohort)]
    assert "mentor_missing" in codes


def test_a_withdrawal_dated_before_the_class_began_is_refused_and_history_stays_in_order(
    training,
):
    by = training.world.users["enterprise"]
    enrollment = training.enrollment
    with pytest.raises(Refused) as refused:
        services.enrollment_withdraw(
            by=by, enrollment=enrollment, on=START - dt.timedelta(days=1), reason="personal"
        )
    assert refused.value.codes == ["before_enrollment"]
    services.enrollment_pause(by=by, enrollment=enrollment, on=dt.date(2026, 7, 1))
    # Not before the last change either: the history never reads "withdrawn" before "paused".
    with pytest.raises(Refused) as refused:
        services.enrollment_withdraw(
            by=by, enrollment=enrollment, on=dt.date(2026, 6, 1), reason="personal"
        )
    assert refused.value.codes == ["before_enrollment"]
    assert Enrollment.objects.get(pk=enrollment.pk).status == EnrollmentStatus.PAUSED


def test_a_change_dated_after_the_planned_end_is_refused_but_a_late_completion_is_not(training):
    by = training.world.users["enterprise"]
    enrollment = training.enrollment
    with pytest.raises(Refused) as refused:
        services.enrollment_pause(by=by, enrollment=enrollment, on=END + dt.timedelta(days=1))
    assert refused.value.codes == ["after_enrollment"]
    services.enrollment_complete(by=by, enrollment=enrollment, on=END + dt.timedelta(days=10))
    assert Enrollment.objects.get(pk=enrollment.pk).status == EnrollmentStatus.COMPLETED


def test_a_class_starts_on_its_actual_date_not_in_the_future_nor_long_before_its_plan(world):
    from django.utils import timezone

    programme = build_programme(world, status=CohortStatus.APPROVED)
    cohort, by = programme.cohort, world.users["enterprise"]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for on, code in ((tomorrow, "future_date"), (START - dt.timedelta(days=8), "start_too_early")):
        with pytest.raises(Refused) as refused:
            services.cohort_start(by=by, cohort=cohort, on=on)
        assert refused.value.codes == [code]
    assert Cohort.objects.get(pk=cohort.pk).status == CohortStatus.APPROVED
    services.cohort_start(by=by, cohort=cohort, on=START - dt.timedelta(days=7))  # tolerance
    assert Cohort.objects.get(pk=cohort.pk).status == CohortStatus.IN_TRAINING


def test_a_class_does_not_complete_before_its_planned_end_and_the_parties_are_told(world):
    from xuetu.core.models import Notice

    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    cohort, by = programme.cohort, world.users["enterprise"]
    with pytest.raises(Refused) as refused:  # planned to end in 2028: not today
        services.cohort_complete(by=by, cohort=cohort, on=dt.date(2026, 11, 30))
    assert refused.value.codes == ["early_completion"]
    assert Cohort.objects.get(pk=cohort.pk).status == CohortStatus.IN_TRAINING
    Cohort.objects.filter(pk=cohort.pk).update(planned_end=dt.date(2026, 11, 30))
    cohort.refresh_from_db()
    services.cohort_complete(by=by, cohort=cohort, on=dt.date(2026, 11, 30))
    told = set(
        Notice.objects.filter(kind="cohort.completed").values_list("recipient__username", flat=True)
    )
    assert told == {"school", "district", "bureau"}  # the institution and the reviewing bureaus
