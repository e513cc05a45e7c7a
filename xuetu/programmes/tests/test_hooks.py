"""What programmes tells the apps below it (whom its rosters reach, where a roster import
leads back to), and what it asks of the apps above (earlier subsidies)."""

from __future__ import annotations

import pytest

from xuetu.core.jobs import job_create
from xuetu.programmes import rules, selectors
from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.hooks import PRIOR_SUBSIDIES
from xuetu.programmes.tasks import ROSTER_IMPORT
from xuetu.programmes.tests.factories import make_cohort, make_enrollment, make_person
from xuetu.registry.models import Person

pytestmark = pytest.mark.django_db


def test_the_district_of_the_enterprise_reaches_an_apprentice_registered_elsewhere(world):
    cohort = make_cohort(world, status=CohortStatus.IN_TRAINING)  # enterprise in 江北区
    newcomer = make_person("转来的", organisation=world.enterprise2)  # registered in 九龙坡区
    make_enrollment(world, cohort, person=newcomer)
    assert newcomer in Person.objects.for_user(world.users["district"])
    assert newcomer in Person.objects.for_user(world.users["school"])
    assert newcomer not in Person.objects.for_user(world.users["nobody"])


def test_prior_subsidies_are_none_while_no_app_answers(world):
    assert selectors.prior_subsidies(world.people["worker"]) == []


def test_an_app_above_answers_prior_subsidies_and_the_rules_refuse_a_second_one(world):
    person = world.people["worker"]

    def paid(asked: list[Person]) -> dict[str, list[tuple[str, int]]]:
        return {p.id_number: [("6-18-02-04", 3), ("6-18-02-04", 3)] for p in asked if p == person}

    with PRIOR_SUBSIDIES.providing(paid):
        assert selectors.prior_subsidies(person) == [("6-18-02-04", 3)]
        assert selectors.prior_subsidies(world.people["worker2"]) == []
        facts = selectors.apprentice_facts(
            person, contract_start=person.birth_date, contract_end=None, social_insurance=True
        )
    found = rules.subsidy_problems(facts.prior_subsidies, "6-18-02-04", 3)
    assert [p.code for p in found] == ["already_subsidised"]
    assert selectors.prior_subsidies(person) == []


def test_a_roster_import_page_leads_back_to_its_class(world):
    cohort = make_cohort(world)
    by = world.users["enterprise"]
    job = job_create(by=by, kind=ROSTER_IMPORT, params={"cohort": cohort.pk})
    page = world.client("enterprise").get(f"/jobs/{job.pk}/").content.decode()
    assert f'href="/programmes/cohorts/{cohort.pk}/">' in page
