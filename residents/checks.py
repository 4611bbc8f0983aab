"""The public form's rate limits and its kept page (residents/places.py) need a cache that all
server processes share. A deploy check (`check --deploy`); web servers also refuse to start
without it (config/startup.py), while commands that serve nothing, such as makemigrations, run
without Redis."""

from django.conf import settings
from django.core import checks

# Caches that count per process (or not at all): with several gunicorn workers, a limit of
# five an hour would become five an hour per worker, or none.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.filebased.FileBasedCache",
    "django.core.cache.backends.db.DatabaseCache",
}


@checks.register(checks.Tags.caches, deploy=True)
def check_rate_limit_cache(app_configs, **kwargs):
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend not in PER_PROCESS_CACHES:
        return []
    return [
        checks.Error(
            f"The default cache ({backend}) cannot count rate limits across server processes.",
            hint="Set REDIS_URL: the resident issue form's per-address limits count in Redis.",
            id="residents.E001",
        )
    ]
