"""Export a registry list to Excel from the terminal, with a progress bar; the same job and
the same scoping (`for_user`) as the page's export button."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from xuetu.core.exports import EXPORT_JOB, EXPORTS
from xuetu.core.jobs import job_create, job_run
from xuetu.core.models import JobState


class Command(BaseCommand):
    help = "Export a registry list (as seen by --user) to an .xlsx file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=sorted(EXPORTS))
        parser.add_argument("--user", required=True, help="whose view of the data to export")
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--language", default="zh-hans", choices=["zh-hans", "en"])

    def handle(self, *args, kind: str, user: str, out: Path, language: str, **options) -> None:
        try:
            owner = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"no user {user!r}") from error
        job = job_create(by=owner, kind=EXPORT_JOB, params={"list": kind, "language": language})
        job_run(job, stream=self.stdout)
        if job.state != JobState.DONE:
            raise CommandError(job.message)
        out.write_bytes(job.result_file.read())
        self.stdout.write(self.style.SUCCESS(f"{job.message} → {out}"))
