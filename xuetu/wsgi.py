"""WSGI entry point, e.g. `gunicorn xuetu.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuetu.settings")

application = get_wsgi_application()
