"""Hostile spreadsheets uploaded as a roster, through the page, with the job running in the web
process (the embedded default): each is refused with the server alive, this process growing
by far less than 200 MB, nothing stored, the upload deleted and the job failed with a message
in the uploader's language. Before the guard, the far corner killed the process (SIGABRT),
the sparse sheet took 51 s and 3.5 GB, the huge string put 300 MB into the job's result.

`pytest -s` prints the figures."""

from __future__ import annotations

import resource
import tracemalloc
from collections.abc import Callable

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xuetu.core.models import Job, JobState
from xuetu.programmes.models import Enrollment
from xuetu.programmes.roster import TEMPLATE_HEADERS
from xuetu.programmes.tests.factories import build_programme
from xuetu.registry.models import Person
from xuetu.testing.xlsx import far_corner, huge_string, sparse_million_rows

MB = 1024 * 1024
HEADERS = list(TEMPLATE_HEADERS)
FILES: dict[str, Callable[[], bytes]] = {
    "far corner": lambda: far_corner(HEADERS),
    "far corner, undeclared": lambda: far_corner(HEADERS, declared=False),
    "sparse million rows": lambda: sparse_million_rows(HEADERS),
    "huge string": lambda: huge_string(HEADERS, ["", "110101199003070016"]),
}
# What each refusal says, in English and in Chinese (the uploader's language).
WORDS = {
    "far corner": ("1,048,576", "1,048,576"),
    "far corner, undeclared": ("1,048,576", "1,048,576"),
    "sparse million rows": ("1,000,000", "1,000,000"),
    "huge string": ("packed", "压缩"),
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("name", list(FILES))
@pytest.mark.django_db
def test_a_hostile_roster_is_refused_with_the_server_alive_and_nothing_stored(
    world, name, language, django_capture_on_commit_callbacks
):
    cohort = build_programme(world).cohort
    data = FILES[name]()
    people, enrollments = Person.objects.count(), Enrollment.objects.count()
    client = world.client("enterprise")
    client.cookies["django_language"] = language
    page = reverse("programmes:cohort_roster_import", args=[cohort.pk])
    tracemalloc.start()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page, {"file": SimpleUploadedFile("名册.xlsx", data)})
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    traced = tracemalloc.get_traced_memory()[1] / MB
    tracemalloc.stop()
    print(f"\n{name} ({len(data) / 1024:.1f} KB): peak RSS +{grown:.1f} MB, Python {traced:.1f} MB")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert grown < 200 and traced < 200
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert WORDS[name][language == "zh-hans"] in job.message
    assert (Person.objects.count(), Enrollment.objects.count()) == (people, enrollments)
    assert not default_storage.exists(job.params["upload"])
    assert job.result is None or len(str(job.result)) < 10_000
    shown = client.get(f"/jobs/{job.pk}/")
    assert shown.status_code == 200
    assert (
        'data-testid="job-failed"' in shown.content.decode()
        and job.message in shown.content.decode()
    )
