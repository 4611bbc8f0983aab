"""Shared fixtures. The suite runs on the real PostgreSQL and Redis (see `make test`)."""

import tempfile
from pathlib import Path

import pytest
from django.conf import settings


def pytest_configure(config):
    # Production-like settings (DEBUG off) with what a test client cannot do without:
    # plain HTTP, static files without a collectstatic manifest, a fast password hasher.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # WhiteNoise serves STATIC_ROOT and warns on every request when it is missing.
    static_root = Path(tempfile.mkdtemp(prefix="cppcc-static-"))
    settings.STATIC_ROOT = static_root
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise pytest.UsageError(
            "The suite runs on PostgreSQL only: set DATABASE_URL (see `make test`)."
        )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        raise pytest.UsageError("The suite needs a real broker: set REDIS_URL (see `make test`).")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = None  # beside MEDIA_ROOT, so inside tmp_path too


@pytest.fixture(autouse=True)
def _fresh_places():
    """Each test's streets, communities and working-day exceptions are its own: what server
    processes keep of them (residents/places.py, core/workdays.py) outlives a rolled-back test
    otherwise."""
    from core import workdays
    from residents import places

    places.forget()
    workdays.forget()


def pytest_collection_modifyitems(items):
    # A transactional test (live server, real worker, concurrency) ends by emptying every
    # table, which would take the role groups and other rows that data migrations created
    # away from the tests after it. Serialized rollback restores them.
    for item in items:
        names = getattr(item, "fixturenames", None)
        if names is None:
            continue
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("transaction"):
            if not marker.kwargs.get("serialized_rollback"):
                kwargs = {**marker.kwargs, "serialized_rollback": True}
                item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)
        elif "live_server" in names or "transactional_db" in names:
            if "django_db_serialized_rollback" not in names:
                names.append("django_db_serialized_rollback")
