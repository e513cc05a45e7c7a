"""Notices go to the people who act for a party, each read in the reader's own language."""

from __future__ import annotations

import pytest
from django.utils import translation

from xuetu.core.models import Notice
from xuetu.core.notices import notice_text, notify
from xuetu.programmes import services
from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.tests.factories import build_programme

pytestmark = pytest.mark.django_db


def recipients(**filters) -> set[str]:
    return set(Notice.objects.filter(**filters).values_list("recipient__username", flat=True))


def test_a_returned_filing_is_told_to_the_managers_and_not_to_mentors_or_apprentices(world):
    programme = build_programme(world, status=CohortStatus.SUBMITTED)
    services.cohort_return(by=world.users["district"], cohort=programme.cohort, comment="补充")
    assert recipients() == {"enterprise", "school"}
    for name in ("mentor", "apprentice", "enterprise2"):
        assert not Notice.objects.for_user(world.users[name]).exists()


def test_a_submission_goes_to_the_reviewers_of_the_district_and_the_city(world):
    programme = build_programme(world)
    services.cohort_submit(by=world.users["enterprise"], cohort=programme.cohort)
    assert recipients() == {"district", "bureau"}


def test_each_reader_sees_the_notice_in_their_own_language(world):
    programme = build_programme(world, status=CohortStatus.SUBMITTED)
    services.cohort_return(by=world.users["district"], cohort=programme.cohort, comment="补充")
    notice = Notice.objects.filter(recipient=world.users["enterprise"]).get()
    with translation.override("en"):
        assert notice.text == f"Class {programme.cohort.code} was returned for changes: 补充"
    with translation.override("zh-hans"):
        assert programme.cohort.code in notice.text and "退回" in notice.text


def test_nobody_reads_another_persons_notices_not_even_the_city_bureau(world):
    notify(kind="plain", recipients=[world.users["enterprise"]], url="/", params={"text": "x"})
    assert Notice.objects.for_user(world.users["enterprise"]).count() == 1
    assert not Notice.objects.for_user(world.users["bureau"]).exists()


def test_one_notice_per_person_even_when_named_twice(world):
    user = world.users["enterprise"]
    written = notify(kind="plain", recipients=[user, user], url="/", params={"text": "x"})
    assert written == 1 and Notice.objects.count() == 1


def test_an_unknown_kind_is_a_programming_error_not_a_silent_notice(world):
    with pytest.raises(ValueError):
        notify(kind="no.such.kind", recipients=[world.users["enterprise"]], url="/")
    assert not Notice.objects.exists()


def test_a_notice_whose_parameters_do_not_fit_still_reads():
    with translation.override("en"):
        assert notice_text("cohort.returned", {"code": "BJ-1"}) == (
            "Class BJ-1 was returned for changes: "
        )
    assert notice_text("plain", {"text": "旧通知"}) == "旧通知"
