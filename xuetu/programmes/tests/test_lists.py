"""The lists as a clerk uses them (issue 8 item 17): every column header sorts, both ways, by
the keys the list allows; the bureau's class list filters by district, enterprise,
institution, occupation and planned start, and finds a class by an apprentice's name or whole
ID number; a person's page lists their classes and an enterprise's page its classes,
agreements and mentors, each as far as the reader may see them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from xuetu.accounts.choices import OrganisationKind, Role
from xuetu.core.views import ScopedListView
from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.filters import AgreementFilter, CohortFilter, MentorFilter
from xuetu.programmes.models import Cohort, CooperationAgreement
from xuetu.programmes.tests.factories import (
    make_agreement,
    make_cohort,
    make_enrollment,
    make_mentor,
    make_occupation,
    make_person,
)
from xuetu.registry.filters import EnterpriseFilter
from xuetu.registry.models import Institution, Person
from xuetu.testing import World, make_user

pytestmark = pytest.mark.django_db

COHORTS = "/programmes/cohorts/"


@pytest.fixture
def classes(world: World) -> dict[str, Cohort]:
    """Three classes: two of the Jiangbei enterprise (welders, electricians), one of the
    Jiulongpo enterprise; each with one apprentice."""
    electrician = make_occupation("6-31-01-03", "电工", "Electrician")
    made = {
        "weld": make_cohort(world, code="BJ-A", name="焊工班", planned_start=dt.date(2026, 3, 1)),
        "power": make_cohort(
            world,
            code="BJ-C",
            name="电工班",
            occupation=electrician,
            planned_start=dt.date(2026, 9, 1),
            status=CohortStatus.SUBMITTED,
        ),
        "alu": make_cohort(
            world,
            code="BJ-B",
            name="铝加工班",
            enterprise=world.enterprise2,
            planned_start=dt.date(2026, 5, 1),
        ),
    }
    for cohort in made.values():
        make_enrollment(world, cohort)
    return made


def codes(response) -> list[str]:
    return [c.code for c in response.context["object_list"]]


# Sorting ----------------------------------------------------------------------------------
LISTS = [
    ("/programmes/cohorts/", CohortFilter.sort_fields),
    ("/programmes/agreements/", AgreementFilter.sort_fields),
    ("/programmes/mentors/", MentorFilter.sort_fields),
    ("/registry/enterprises/", EnterpriseFilter.sort_fields),
    ("/registry/people/", {"name": "name", "registered_by": "registered_by__name"}),
]


def expected_order(response, path: str, sign: str) -> list[int]:
    """The rows of the page's own query, ordered by the field in the database."""
    view: ScopedListView = response.context["view"]
    rows = view.get_queryset().order_by(f"{sign}{path}", "pk")
    return [row.pk for row in rows]


@pytest.mark.parametrize(
    ("url", "key", "path"),
    [(url, key, path) for url, keys in LISTS for key, path in keys.items()],
)
@pytest.mark.parametrize("sign", ["", "-"])
def test_each_list_sorts_by_each_allowed_column_both_ways(world, classes, url, key, path, sign):
    make_mentor(world, organisation=world.enterprise2, certificate_level=2)
    response = world.client("bureau").get(url, {"sort": f"{sign}{key}"})
    assert response.status_code == 200
    shown = [row.pk for row in response.context["object_list"]]
    assert shown == expected_order(response, path, sign)
    aria = "descending" if sign else "ascending"
    assert f'aria-sort="{aria}"' in response.content.decode()
    column = response.context["sort"][key]
    assert column.aria == aria and column.url.endswith(f"sort={'' if sign else '-'}{key}")


def test_classes_sorted_by_planned_start_come_oldest_first_and_newest_first(world, classes):
    client = world.client("bureau")
    assert codes(client.get(COHORTS, {"sort": "planned_start"})) == ["BJ-A", "BJ-B", "BJ-C"]
    assert codes(client.get(COHORTS, {"sort": "-planned_start"})) == ["BJ-C", "BJ-B", "BJ-A"]


def test_classes_sort_by_the_roster_count(world, classes):
    make_enrollment(world, classes["alu"])
    client = world.client("bureau")
    assert codes(client.get(COHORTS, {"sort": "-roster"}))[0] == "BJ-B"


@pytest.mark.parametrize("key", ["bogus", "-enterprise__uscc", "pk; drop", "id_number", ""])
def test_an_unknown_sort_key_is_ignored_and_the_list_keeps_its_own_order(world, classes, key):
    response = world.client("bureau").get(COHORTS, {"sort": key})
    assert response.status_code == 200
    assert codes(response) == ["BJ-C", "BJ-B", "BJ-A"]  # the list's own: newest start first
    assert "aria-sort" not in response.content.decode()


def test_a_sort_link_keeps_the_filters_and_the_page(world, classes):
    response = world.client("bureau").get(COHORTS, {"status": "draft", "page": "1", "sort": "code"})
    url = response.context["sort"]["code"].url
    assert "status=draft" in url and "page=1" in url and "sort=-code" in url
    assert 'name="sort" value="code"' in response.content.decode()  # the filter form keeps it


def test_people_sort_by_id_number_only_for_a_role_that_sees_full_numbers(world, classes):
    people = "/registry/people/"
    bureau = world.client("bureau").get(people, {"sort": "-id_number"})
    numbers = [p.id_number for p in bureau.context["object_list"]]
    assert numbers == sorted(numbers, reverse=True)
    school = world.client("school").get(people, {"sort": "-id_number"})
    assert school.status_code == 200
    assert "id_number" not in school.context["sort"]
    assert 'data-sort="id_number"' not in school.content.decode()
    shown = [p.pk for p in school.context["object_list"]]
    assert shown == [p.pk for p in Person.objects.for_user(world.users["school"])]


# The class list's filters ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (lambda w, c: {"district": w.jiulongpo.pk}, ["BJ-B"]),
        (lambda w, c: {"enterprise": w.enterprise.pk}, ["BJ-C", "BJ-A"]),
        (lambda w, c: {"institution": w.institution.pk}, ["BJ-C", "BJ-B", "BJ-A"]),
        (lambda w, c: {"occupation": c["power"].occupation_id}, ["BJ-C"]),
        (lambda w, c: {"start_from": "2026-05-01"}, ["BJ-C", "BJ-B"]),
        (lambda w, c: {"start_to": "2026-05-01"}, ["BJ-B", "BJ-A"]),
        (lambda w, c: {"start_from": "2026-04-01", "start_to": "2026-06-30"}, ["BJ-B"]),
    ],
    ids=["district", "enterprise", "institution", "occupation", "from", "to", "range"],
)
def test_the_bureau_filters_the_class_list(world, classes, params, expected):
    response = world.client("bureau").get(COHORTS, params(world, classes))
    assert response.status_code == 200
    assert codes(response) == expected


def test_an_enterprise_chooses_only_among_what_its_own_classes_hold(world, classes):
    response = world.client("enterprise").get(COHORTS)
    fields = response.context["filterset"].form.fields
    assert list(fields["enterprise"].queryset) == [world.enterprise]
    assert list(fields["district"].queryset) == [world.jiangbei]
    assert set(fields["occupation"].queryset) == {
        classes["weld"].occupation,
        classes["power"].occupation,
    }
    assert codes(response) == ["BJ-C", "BJ-A"]


def test_an_enterprise_asking_for_another_enterprises_classes_gets_a_field_error(world, classes):
    response = world.client("enterprise").get(COHORTS, {"enterprise": world.enterprise2.pk})
    assert response.status_code == 200
    assert "BJ-B" not in codes(response)
    assert response.context["filterset"].form.errors["enterprise"]


def test_a_class_is_found_by_an_apprentices_name(world, classes):
    person = classes["alu"].enrollments.get().person
    Person.objects.filter(pk=person.pk).update(name="欧阳明月")
    response = world.client("bureau").get(COHORTS, {"apprentice": "明月"})
    assert codes(response) == ["BJ-B"]


def test_a_class_is_found_by_an_apprentices_whole_id_number_written_loosely(world, classes):
    person = classes["weld"].enrollments.get().person
    loose = " " + person.id_number[:6] + " " + person.id_number[6:].lower() + " "
    response = world.client("bureau").get(COHORTS, {"apprentice": loose})
    assert codes(response) == ["BJ-A"]


def test_part_of_an_id_number_finds_no_class(world, classes):
    person = classes["weld"].enrollments.get().person
    client = world.client("bureau")
    for part in (person.id_number[:10], person.id_number[:17], person.id_number[-6:]):
        assert codes(client.get(COHORTS, {"apprentice": part})) == []


def test_a_role_that_sees_masked_numbers_finds_no_class_by_id_number(world, classes):
    person = classes["weld"].enrollments.get().person
    Person.objects.filter(pk=person.pk).update(name="欧阳明月")
    school = world.client("school")
    assert codes(school.get(COHORTS, {"apprentice": person.id_number})) == []
    assert codes(school.get(COHORTS, {"apprentice": "欧阳明月"})) == ["BJ-A"]


def test_a_name_finds_only_classes_whose_rosters_the_user_sees(world, classes):
    person = classes["alu"].enrollments.get().person
    make_enrollment(world, classes["weld"], person=make_person(person.name))
    response = world.client("enterprise2").get(COHORTS, {"apprentice": person.name})
    assert codes(response) == ["BJ-B"]


def test_the_class_list_filters_are_labelled_in_both_languages(world, classes):
    for language, words in (
        ("en", ["Planned start from", "District: all"]),
        ("zh-hans", ["计划开班日期起", "区县：全部"]),
    ):
        client = world.client("bureau")
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page = client.get(COHORTS)
        html = page.content.decode()
        for word in words:
            assert word in html, (language, word)


def test_the_mentor_list_filters_active_mentors_under_a_label(world):
    make_mentor(world)
    make_mentor(world, is_active=False)
    client = world.client("bureau")
    page = client.get("/programmes/mentors/")
    html = page.content.decode()
    assert "Unknown" not in html and "未知" not in html
    assert 'for="id_is_active"' in html
    active = client.get("/programmes/mentors/", {"is_active": "yes"}).context["object_list"]
    inactive = client.get("/programmes/mentors/", {"is_active": "no"}).context["object_list"]
    assert [m.is_active for m in active] == [True]
    assert [m.is_active for m in inactive] == [False]


# Query counts -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        COHORTS,
        "/programmes/agreements/",
        "/programmes/mentors/",
        "/registry/enterprises/",
        "/registry/people/",
    ],
)
def test_a_sorted_list_runs_a_fixed_number_of_queries(
    world, classes, url, django_assert_max_num_queries
):
    client = world.client("bureau")
    client.get(url)  # warm the session and the caches
    for n in range(6):
        make_enrollment(world, make_cohort(world, planned_start=dt.date(2026, 4, 1 + n)))
    with django_assert_max_num_queries(15):
        response = client.get(url, {"sort": "-name" if "agreements" not in url else "number"})
    assert response.status_code == 200


# A person's classes; an enterprise's classes, agreements and mentors --------------------------
@pytest.fixture
def other_school(world: World):
    school = Institution.objects.create(
        kind=OrganisationKind.INSTITUTION,
        name="重庆工业职业技术学院",
        district=world.jiangbei,
        institution_type="vocational_college",
    )
    world.users["school2"] = make_user("school2", school, Role.INSTITUTION_MANAGER)
    return school


def test_a_persons_page_lists_their_classes(world, classes):
    enrollment = classes["weld"].enrollments.get()
    make_enrollment(world, classes["power"], person=enrollment.person)
    page = world.client("bureau").get(enrollment.person.get_absolute_url())
    shown = [e.cohort.code for e in page.context["enrollments"]]
    assert shown == ["BJ-C", "BJ-A"]
    html = page.content.decode()
    assert classes["weld"].get_absolute_url() in html and "焊工班" in html


def test_a_school_sees_on_a_persons_page_only_the_classes_it_teaches(world, classes, other_school):
    enrollment = classes["weld"].enrollments.get()
    theirs = make_cohort(world, code="BJ-X", name="别校班", institution=other_school)
    make_enrollment(world, theirs, person=enrollment.person)
    page = world.client("school").get(enrollment.person.get_absolute_url())
    assert page.status_code == 200
    assert [e.cohort.code for e in page.context["enrollments"]] == ["BJ-A"]
    assert "别校班" not in page.content.decode()
    page = world.client("school2").get(enrollment.person.get_absolute_url())
    assert [e.cohort.code for e in page.context["enrollments"]] == ["BJ-X"]


def test_an_enterprises_page_lists_its_classes_agreements_and_mentors(world, classes):
    mentor = make_mentor(world)
    page = world.client("enterprise").get(world.enterprise.get_absolute_url())
    context = page.context
    assert [c.code for c in context["cohorts"]] == ["BJ-C", "BJ-A"]
    assert set(context["agreements"]) == set(
        CooperationAgreement.objects.filter(enterprise=world.enterprise)
    )
    assert mentor in list(context["mentors"])
    assert all(m.organisation_id == world.enterprise.pk for m in context["mentors"])
    html = page.content.decode()
    for obj in (classes["weld"], context["agreements"][0], mentor):
        assert obj.get_absolute_url() in html


def test_a_school_sees_on_an_enterprises_page_only_the_classes_it_teaches(
    world, classes, other_school
):
    make_agreement(world, institution=other_school)
    theirs = make_cohort(world, code="BJ-X", name="别校班", institution=other_school)
    page = world.client("school2").get(world.enterprise.get_absolute_url())
    if page.status_code == 404:
        return  # the school has no partnership it may see the enterprise through
    assert [c.code for c in page.context["cohorts"]] == [theirs.code]
    assert all(a.institution_id == other_school.pk for a in page.context["agreements"])


def test_an_enterprise_page_runs_a_fixed_number_of_queries(
    world, classes, django_assert_max_num_queries
):
    client = world.client("bureau")
    for _ in range(5):
        make_mentor(world)
        make_cohort(world)
    with django_assert_max_num_queries(15):
        assert client.get(world.enterprise.get_absolute_url()).status_code == 200
