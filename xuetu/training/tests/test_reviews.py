"""Three-party reviews: the periods, due and overdue, the refusals with their codes, the order
of signing, the pages, the home panel and the API."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from xuetu.accounts.choices import Role
from xuetu.core.dates import add_days
from xuetu.core.problems import Refused
from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.models import EnrollmentEvent, ProgrammePolicy
from xuetu.programmes.tests.factories import build_programme, make_enrollment
from xuetu.testing import confirmed, make_user
from xuetu.training.models import Review
from xuetu.training.services import reviews
from xuetu.training.tests.factories_calreview import make_review

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 12, 1)


@pytest.fixture
def programme(world):
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    teacher = make_user("teacher", world.institution, Role.MENTOR)
    programme.teacher.person.user = teacher
    programme.teacher.person.save()
    world.users["teacher"] = teacher
    return programme


def codes(excinfo) -> list[str]:
    return [p.code for p in excinfo.value.problems]


# ---- Periods ---------------------------------------------------------------------------------


def test_periods_from_a_31_january_start_do_not_drift():
    found = reviews.periods(D(2026, 1, 31), D(2026, 12, 31), 1)
    assert [(p.start, p.due_on) for p in found[:3]] == [
        (D(2026, 1, 31), D(2026, 2, 27)),
        (D(2026, 2, 28), D(2026, 3, 30)),
        (D(2026, 3, 31), D(2026, 4, 29)),
    ]
    assert found[-1].due_on == D(2026, 12, 31)


def test_three_monthly_periods_of_a_two_year_class():
    found = reviews.periods(D(2026, 3, 1), D(2028, 2, 29), 3)
    assert len(found) == 8
    assert (found[0].start, found[0].due_on) == (D(2026, 3, 1), D(2026, 5, 31))
    assert found[-1].due_on == D(2028, 2, 29)


@given(
    start=st.dates(D(1990, 1, 1), D(2090, 12, 31)),
    days=st.integers(0, 3000),
    months=st.integers(1, 24),
)
def test_periods_tile_the_enrollment_without_gaps(start, days, months):
    end = add_days(start, days)
    found = reviews.periods(start, end, months)
    assert found[0].start == start and found[-1].due_on == end
    for k, (a, b) in enumerate(itertools.pairwise(found), start=1):
        assert a.number == k and b.start == add_days(a.due_on, 1)
    assert all(p.start <= p.due_on <= end for p in found)


def test_due_and_overdue(world, programme):
    enrollment = programme.enrollment
    EnrollmentEvent.objects.create(
        enrollment=enrollment, kind="activated", effective_date=D(2026, 4, 1)
    )
    due = reviews.due_reviews(enrollment, D(2026, 10, 1))
    assert [(p.number, p.due_on) for p in due] == [(1, D(2026, 6, 30)), (2, D(2026, 9, 30))]
    make_review(
        enrollment,
        1,
        period_start=D(2026, 4, 1),
        due_on=D(2026, 6, 30),
        signed=("mentor", "teacher", "apprentice"),
    )
    assert [p.number for p in reviews.due_reviews(enrollment, D(2026, 10, 1))] == [2]
    half = make_review(
        enrollment, 2, period_start=D(2026, 7, 1), due_on=D(2026, 9, 30), signed=("mentor",)
    )
    assert reviews.overdue(half, D(2026, 10, 1)) and not reviews.overdue(half, D(2026, 9, 30))
    ProgrammePolicy.objects.update(review_interval_months=6)
    assert next(p.due_on for p in reviews.review_periods(enrollment)) == D(2026, 9, 30)


def test_a_withdrawal_ends_the_periods(world, programme):
    enrollment = programme.enrollment
    enrollment.withdrawn_on = D(2026, 7, 15)
    assert reviews.review_periods(enrollment)[-1].due_on == D(2026, 7, 15)


# ---- Start and sign ----------------------------------------------------------------------


def start(world, programme, user="mentor", **values):
    values.setdefault("today", TODAY)
    return reviews.review_start(by=world.users[user], enrollment=programme.enrollment, **values)


def test_the_mentor_starts_the_first_open_period(world, programme):
    review = start(world, programme, progress="进展良好")
    assert (review.number, review.period_start, review.due_on) == (1, D(2026, 3, 1), D(2026, 5, 31))
    assert start(world, programme).number == 2


def test_not_the_mentor_not_due_and_exists(world, programme):
    with pytest.raises(Refused) as excinfo:
        start(world, programme, user="teacher")
    assert codes(excinfo) == ["not_mentor"]
    with pytest.raises(Refused) as excinfo:
        start(world, programme, number=8)
    assert codes(excinfo) == ["review_not_due"]
    start(world, programme, number=1)
    with pytest.raises(Refused) as excinfo:
        start(world, programme, number=1)
    assert codes(excinfo) == ["review_exists"]
    with pytest.raises(PermissionDenied):
        start(world, programme, user="enterprise2")


def test_the_signing_order(world, programme):
    review = start(world, programme)
    for user, code in (("teacher", "sign_order"), ("apprentice", "sign_order")):
        with pytest.raises(Refused) as excinfo:
            reviews.review_sign(by=world.users[user], review=review)
        assert codes(excinfo) == [code]
    review = reviews.review_sign(by=world.users["mentor"], review=review)
    with pytest.raises(Refused) as excinfo:
        reviews.review_sign(by=world.users["mentor"], review=review)
    assert codes(excinfo) == ["already_signed"]
    with pytest.raises(Refused) as excinfo:
        reviews.review_sign(by=world.users["enterprise"], review=review)
    assert codes(excinfo) == ["not_signatory"]
    with pytest.raises(Refused) as excinfo:
        reviews.review_update(by=world.users["mentor"], review=review, progress="改")
    assert codes(excinfo) == ["review_signed"]
    reviews.review_sign(by=world.users["teacher"], review=review)
    review = reviews.review_sign(by=world.users["apprentice"], review=review)
    assert review.signed and review.apprentice_signed_by == world.users["apprentice"]


@pytest.mark.parametrize(
    ("language", "text"), [("en", "the teacher signs next"), ("zh-hans", "院校导师")]
)
def test_the_order_message_names_who_signs_next_in_both_languages(world, programme, language, text):
    review = make_review(programme.enrollment, 1, signed=("mentor",))
    with translation.override(language), pytest.raises(Refused) as excinfo:
        reviews.review_sign(by=world.users["apprentice"], review=review)
    assert text in str(excinfo.value.problems[0].message)


@pytest.mark.parametrize(
    "problem",
    [
        reviews.NOT_MENTOR,
        reviews.SIGNED,
        reviews.ALREADY_SIGNED,
        reviews.NOT_SIGNATORY,
        reviews.NOT_DUE,
        reviews.EXISTS,
    ],
)
def test_every_message_has_its_chinese(problem):
    with translation.override("en"):
        english = str(problem.message)
    with translation.override("zh-hans"):
        chinese = str(problem.message)
    assert english != chinese and not any("a" <= c <= "z" for c in chinese)


# ---- Pages, home, API --------------------------------------------------------------------


def test_the_pages_start_show_and_sign(world, programme):
    client = world.client("mentor")
    url = reverse("training:review_start", args=[programme.enrollment.pk])
    response = client.post(url, {"progress": "进展良好", "next_goals": "掌握焊接"})
    assert response.status_code == 302
    review = Review.objects.get()
    body = client.get(review.get_absolute_url()).content.decode()
    assert 'data-testid="review-sign"' in body and 'data-testid="review-edit"' in body
    sign = reverse("training:review_sign", args=[review.pk])
    assert client.post(sign, confirmed({})).status_code == 302
    assert world.client("apprentice").post(sign, confirmed({})).status_code == 409
    assert world.client("enterprise2").get(review.get_absolute_url()).status_code == 404
    assert world.client("enterprise").post(sign, confirmed({})).status_code == 403


def test_the_class_list_and_the_home_panel(world, programme):
    make_review(programme.enrollment, 1, signed=("mentor",))
    url = reverse("training:cohort_reviews", args=[programme.cohort.pk])
    body = world.client("school").get(url).content.decode()
    assert 'data-testid="review-row"' in body and 'data-testid="overdue"' in body
    home = world.client("teacher").get("/").content.decode()
    assert 'data-testid="reviews-to-sign"' in home
    home = world.client("enterprise").get("/").content.decode()
    assert 'data-testid="reviews-overdue"' in home
    assert world.client("enterprise2").get(url).status_code == 404


def test_the_apprentice_sees_only_their_own_reviews(world, programme):
    other = make_enrollment(world, programme.cohort)
    make_review(programme.enrollment, 1)
    theirs = make_review(other, 1)
    api = world.api("apprentice")
    listed = api.get("/api/v1/reviews/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["enrollment"] for r in rows] == [programme.enrollment.pk]
    assert api.get(f"/api/v1/reviews/{theirs.pk}/").status_code == 404


def test_the_overdue_list_keeps_its_query_count(world, programme, django_assert_max_num_queries):
    client = world.client("bureau")
    url = reverse("training:review_overdue")
    make_review(programme.enrollment, 1)
    with django_assert_max_num_queries(40) as small:
        assert client.get(url).status_code == 200
    for number in range(2, 12):
        make_review(make_enrollment(world, programme.cohort), number)
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = client.get(url, {"page": 1}).content.decode()
    # every period due by today for each of the 11 apprentices, started or not (25 a page)
    assert body.count('data-testid="overdue-review"') == min(25, 11 * periods_due_by_today())


def periods_due_by_today() -> int:
    """The three-month periods of the factory class (from 2026-03-01) due before today."""
    from xuetu.core.dates import add_months

    start, today = D(2026, 3, 1), timezone.localdate()
    return sum(1 for k in range(1, 9) if add_months(start, 3 * k) - dt.timedelta(days=1) < today)


def test_a_period_nobody_started_is_overdue_too(world, programme):
    from xuetu.training.services import reviews

    due = periods_due_by_today()
    rows = reviews.overdue_reviews(world.users["enterprise"], timezone.localdate())
    assert len(rows) == due and all(row.review is None for row in rows)
    signed = make_review(programme.enrollment, 1, signed=("mentor", "teacher", "apprentice"))
    rows = reviews.overdue_reviews(world.users["enterprise"], timezone.localdate())
    assert len(rows) == due - 1 and signed.number not in [r.period.number for r in rows]
    home = world.client("enterprise").get("/").content.decode()
    assert 'data-testid="reviews-overdue"' in home
    assert reviews.overdue_reviews(world.users["enterprise2"], timezone.localdate()) == []


def test_the_api_creates_and_signs(world, programme):
    api = world.api("mentor")
    response = api.post(
        "/api/v1/reviews/", {"enrollment": programme.enrollment.pk, "progress": "好"}, format="json"
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert api.post(f"/api/v1/reviews/{pk}/sign/").status_code == 200
    response = world.api("apprentice").post(f"/api/v1/reviews/{pk}/sign/")
    assert response.status_code == 409 and response.json()["problems"][0]["code"] == "sign_order"
    listed = api.get("/api/v1/reviews/", {"cohort": programme.cohort.pk}).json()
    assert len(listed["results"] if isinstance(listed, dict) else listed) == 1


def test_the_class_list_keeps_its_query_count(world, programme, django_assert_max_num_queries):
    client = world.client("school")
    url = reverse("training:cohort_reviews", args=[programme.cohort.pk])
    make_review(programme.enrollment, 1)
    with django_assert_max_num_queries(40) as small:
        assert client.get(url).status_code == 200
    for number in range(2, 12):
        make_review(make_enrollment(world, programme.cohort), number)
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = client.get(url).content.decode()
    assert body.count('data-testid="review-row"') == 11
