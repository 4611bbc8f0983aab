"""The Celery app: Redis as broker, schedules kept in the database by django-celery-beat."""

import os
import sys

from celery import Celery
from celery.signals import beat_init, worker_init
from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@beat_init.connect
def _refuse_without_secret_key(**_kwargs) -> None:
    # Celery logs and swallows a receiver's exceptions; SystemExit stops the process.
    from config.startup import refuse_without_secret_key

    try:
        refuse_without_secret_key()
    except ImproperlyConfigured as error:
        print(error, file=sys.stderr)
        raise SystemExit(1) from error
