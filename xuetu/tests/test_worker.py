"""With a broker configured, a job goes through Redis to a separate Celery worker process and
its progress reaches the database the pages poll. PostgreSQL only: the worker must reach the
test database from another process, which SQLite's in-memory test database does not allow."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from xuetu.core.jobs import job_create
from xuetu.core.models import Job, JobState

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")


def redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping())
    except redis.exceptions.ConnectionError:
        return False


pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker(tmp_path):
    if not redis_answers():
        pytest.fail(f"no Redis at {BROKER}: .ci/run starts it")
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "CELERY_BROKER_URL": BROKER,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "xuetu", "worker", "--pool=solo", "-l", "info"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        process.log = log  # type: ignore[attr-defined]  # read by a failing test's message
        yield process
        process.terminate()
        process.wait(timeout=20)


def test_a_job_runs_in_a_separate_worker_through_redis(world, worker, settings):
    from celery.result import EagerResult

    from xuetu.celery import app
    from xuetu.core.tasks import run_job

    app.conf.task_always_eager = False
    try:
        job = job_create(by=world.users["bureau"], kind="export", params={"list": "enterprise"})
        # An explicit connection: earlier tests may have left the app's producer pool bound to
        # the default broker URL.
        with app.connection_for_write(BROKER) as connection:
            sent = run_job.apply_async((job.pk,), connection=connection)
        assert not isinstance(sent, EagerResult)  # queued in Redis, not run in this process
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.finished:
                break
            time.sleep(0.5)
    finally:
        app.conf.task_always_eager = True
    assert job.state == JobState.DONE, (job.state, job.message, worker.log.read_text()[-3000:])
    assert job.total == job.done == 2
    assert Job.objects.get(pk=job.pk).result_file.name.endswith(".xlsx")
