"""A lower app asks a hook; the apps above answer it at start-up, or nobody does."""

from __future__ import annotations

import pytest

from xuetu.core.hooks import JOB_RETURN
from xuetu.core.jobs import job_create
from xuetu.core.providers import Hook, hook, hooks


def test_a_hook_nobody_answers_answers_nothing():
    assert Hook("test.quiet", "").answers("anything") == []


def test_every_provider_answers_in_the_order_it_registered_and_only_once():
    asked: Hook[int] = Hook("test.loud", "")

    def first(x: int) -> int:
        return x + 1

    asked.register(first)
    asked.register(lambda x: x * 10)
    asked.register(first)  # a second ready() does not answer twice
    assert asked.answers(2) == [3, 20]


def test_a_provider_registered_for_a_block_is_gone_after_it():
    asked: Hook[str] = Hook("test.block", "")
    with asked.providing(lambda: "yes"):
        assert asked.answers() == ["yes"]
    assert asked.answers() == []


def test_declaring_a_hook_twice_gives_the_same_hook_and_every_hook_is_listed():
    assert hook("test.twice", "a") is hook("test.twice", "b")
    assert "test.twice" in [h.name for h in hooks()]


@pytest.mark.django_db
def test_a_job_page_leads_back_where_an_app_says_and_nowhere_when_none_does(world):
    user = world.users["enterprise"]
    job = job_create(by=user, kind="export", params={"list": "person"})
    url = f"/jobs/{job.pk}/"
    answers = JOB_RETURN.answers(job)
    assert all(answer is None for answer in answers)  # no app knows an export's origin
    assert "btn-outline-secondary" not in world.client("enterprise").get(url).content.decode()
    with JOB_RETURN.providing(lambda job: ("Back to the list", "/registry/people/")):
        page = world.client("enterprise").get(url).content.decode()
    assert 'href="/registry/people/">Back to the list</a>' in page
