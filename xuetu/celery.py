"""Celery application. Without CELERY_BROKER_URL, settings make tasks run eagerly in-process.

Worker: `.venv/bin/celery -A xuetu worker -l info` (needs CELERY_BROKER_URL).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuetu.settings")

app = Celery("xuetu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
