"""The workflow kit every app uses: flows, transitions (one and many), bulk edits with their
audit events, and the guard that keeps writes in services. Exercised on core's own Job model,
so core's tests need no domain app."""

from __future__ import annotations

import pytest
from django.utils import translation

from xuetu.core.models import AuditEvent, Job, JobState
from xuetu.core.problems import Problem, Refused, refuse_if, say
from xuetu.core.services import records_update
from xuetu.core.transitions import Flow, transition, transition_all
from xuetu.testing.write_guard import WriteOutsideService

S = JobState
FLOW = Flow(
    JobState,
    {S.QUEUED: frozenset({S.RUNNING, S.FAILED}), S.RUNNING: frozenset({S.DONE, S.FAILED})},
)


@pytest.fixture
def jobs(world):
    owner = world.users["enterprise"]
    return [Job.objects.create(kind="export", owner=owner) for _ in range(3)]


def events(action: str) -> list[str]:
    return list(AuditEvent.objects.filter(action=action).values_list("object_id", flat=True))


def test_a_flow_knows_its_ends_and_refuses_unknown_statuses():
    assert FLOW.ends() == {S.DONE, S.FAILED}
    with pytest.raises(ValueError):
        Flow(JobState, {S.QUEUED: frozenset({"lost"})})


def test_a_transition_moves_once_and_writes_one_event(world, jobs):
    job = jobs[0]
    transition(
        job, to=S.RUNNING, flow=FLOW, by=world.users["enterprise"], action="run", field="state"
    )
    assert Job.objects.get(pk=job.pk).state == S.RUNNING
    (event,) = AuditEvent.objects.filter(action="job.run")
    assert event.before == {"state": "queued"} and event.after == {"state": "running"}


def test_a_stale_copy_is_refused_as_changed_meanwhile_and_writes_nothing(world, jobs):
    first, stale = Job.objects.get(pk=jobs[0].pk), Job.objects.get(pk=jobs[0].pk)
    transition(first, to=S.RUNNING, flow=FLOW, by=None, action="run", field="state")
    with pytest.raises(Refused) as refused:
        transition(stale, to=S.FAILED, flow=FLOW, by=None, action="fail", field="state")
    assert refused.value.codes == ["changed_meanwhile"]
    assert Job.objects.get(pk=jobs[0].pk).state == S.RUNNING and not events("job.fail")


def test_a_move_the_flow_does_not_allow_names_the_status_in_the_readers_language(jobs):
    with pytest.raises(Refused) as refused:
        transition(jobs[0], to=S.DONE, flow=FLOW, by=None, action="finish", field="state")
    (problem,) = refused.value.problems
    assert problem.code == "transition_not_allowed"
    with translation.override("en"):
        assert "Queued" in str(problem.message)
    with translation.override("zh-hans"):
        assert "Queued" not in str(problem.message)
    assert not events("job.finish")


def test_many_rows_move_together_with_one_event_each(jobs):
    pks = [j.pk for j in jobs]
    transition_all(
        Job, pks=pks, old=S.QUEUED, to=S.RUNNING, flow=FLOW, by=None, action="run", field="state"
    )
    assert set(Job.objects.values_list("state", flat=True)) == {S.RUNNING}
    assert sorted(events("job.run")) == sorted(str(pk) for pk in pks)


def test_many_rows_are_refused_as_a_whole_when_one_moved_meanwhile(jobs):
    Job.objects.filter(pk=jobs[1].pk).update(state=S.FAILED)
    with pytest.raises(Refused):
        transition_all(
            Job,
            pks=[j.pk for j in jobs],
            old=S.QUEUED,
            to=S.RUNNING,
            flow=FLOW,
            by=None,
            action="run",
            field="state",
        )
    assert not Job.objects.filter(state=S.RUNNING).exists() and not events("job.run")


def test_a_bulk_edit_records_only_the_rows_it_changed(jobs):
    Job.objects.filter(pk=jobs[0].pk).update(message="kept")
    changed = records_update(
        by=None, queryset=Job.objects.all(), values={"message": "kept"}, action="job.note"
    )
    assert changed == 2
    assert sorted(events("job.note")) == sorted(str(j.pk) for j in jobs[1:])
    event = AuditEvent.objects.filter(action="job.note").first()
    assert event is not None
    assert event.before == {"message": ""} and event.after == {"message": "kept"}


def test_refusals_carry_every_problem_and_render_lazily():
    problems = [Problem("a", say("%(n)s left", n=3), "x"), Problem("b", "plain")]
    with pytest.raises(Refused) as refused:
        refuse_if(problems)
    assert refused.value.codes == ["a", "b"]
    assert str(refused.value.problems[0].message) == "3 left"
    refuse_if([])  # nothing to refuse


def run_as(module: str, source: str, **names):
    exec(compile(source, f"<{module}>", "exec"), {"__name__": module, **names})


def test_a_write_from_a_view_fails_and_the_same_write_from_a_service_passes(world):
    source = "Job.objects.create(kind='export', owner=owner)"
    owner = world.users["enterprise"]
    with pytest.raises(WriteOutsideService, match=r"xuetu\.programmes\.views\.fake"):
        run_as("xuetu.programmes.views.fake", source, Job=Job, owner=owner)
    run_as("xuetu.programmes.services.fake", source, Job=Job, owner=owner)
    assert Job.objects.count() == 1
