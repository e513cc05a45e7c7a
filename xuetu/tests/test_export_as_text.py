"""An export of people holds each name as it is, as text: a name that looks like a formula is
no live link, and a control character in it does not stop the export."""

from __future__ import annotations

import pytest

from xuetu.core.excel import read_rows
from xuetu.core.models import Job, JobState
from xuetu.core.tests.test_export_text import LINK, sheet_xml
from xuetu.registry.models import Person


@pytest.mark.django_db
def test_a_person_with_a_formula_and_a_control_character_in_the_name_is_exported_as_text(
    world, django_capture_on_commit_callbacks
):
    Person.objects.filter(pk=world.people["worker"].pk).update(name=LINK + "\x0b")
    with django_capture_on_commit_callbacks(execute=True):
        world.client("bureau").post("/export/person/")
    job = Job.objects.get(owner=world.users["bureau"])
    assert job.state == JobState.DONE, job.message
    data = b"".join(world.client("bureau").get(f"/jobs/{job.pk}/download/").streaming_content)
    assert LINK in [row[0] for row in read_rows(data)] and "<f>" not in sheet_xml(data)
