from celery import shared_task

from xuetu.core.jobs import job_run
from xuetu.core.models import Job


@shared_task
def run_job(job_id: int) -> None:
    job_run(Job.objects.get(pk=job_id))
