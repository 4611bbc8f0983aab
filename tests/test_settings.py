"""The settings as production starts them: each case runs manage.py with only the environment
it names, in a fresh process (settings are read once per process)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **environ: str) -> subprocess.CompletedProcess:
    # Only PATH and HOME from the caller: nothing of the test run's own settings leaks in.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")}
    env.update(environ)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _production_environ() -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "portal.example.cn",
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "REDIS_URL": os.environ["REDIS_URL"],
    }


def _python(code: str, **environ: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")}
    env.update(environ)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_web_server_refuses_to_start_without_secret_key_when_debug_is_off():
    # SECRET_KEY set but empty, so that a .env file cannot fill it in for this run.
    environ = {**_production_environ(), "SECRET_KEY": ""}

    result = _python("import config.wsgi", **environ)

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_web_server_refuses_to_start_without_a_shared_cache_when_debug_is_off():
    environ = {**_production_environ(), "REDIS_URL": ""}

    result = _python("import config.wsgi", **environ)

    assert result.returncode != 0
    assert "cannot count rate limits across server processes" in result.stderr


def test_web_server_starts_with_production_settings():
    result = _python("import config.wsgi; print('ready')", **_production_environ())

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ready"


def test_celery_worker_refuses_to_start_without_secret_key_when_debug_is_off():
    environ = {**_production_environ(), "SECRET_KEY": ""}
    celery = str(Path(sys.executable).with_name("celery"))

    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")}
    result = subprocess.run(
        [celery, "-A", "config", "worker", "--pool", "solo", "--loglevel", "warning"],
        cwd=PROJECT_ROOT,
        env={**env, **environ},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_commands_that_serve_nothing_run_without_secret_key_or_redis(tmp_path):
    # What a developer or a CI step runs on a bare checkout: DEBUG off, no key, no Redis (the
    # database only where the default SQLite file would be written).
    result = _manage(
        "makemigrations",
        "--check",
        "--dry-run",
        DEBUG="0",
        SECRET_KEY="",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )

    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_deploy_check_reports_nothing_with_production_settings():
    environ = _production_environ()
    assert len(environ["SECRET_KEY"]) >= 50

    result = _manage("check", "--deploy", "--fail-level", "WARNING", **environ)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert result.stderr == ""


def test_production_settings_serve_static_files_through_whitenoise_with_a_manifest():
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.STORAGES['staticfiles']['BACKEND'], "
        "'whitenoise.middleware.WhiteNoiseMiddleware' in s.MIDDLEWARE, s.CELERY_BROKER_URL)"
    )
    environ = _production_environ()

    result = _manage("shell", "-c", code, **environ)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-4:] == [
        "False",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "True",
        environ["REDIS_URL"],
    ]


def test_portal_speaks_simplified_chinese_in_shanghai_time_with_aware_datetimes():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


@pytest.mark.django_db
def test_database_connections_come_from_the_psycopg_pool():
    assert connection.vendor == "postgresql"
    assert connection.settings_dict["CONN_MAX_AGE"] == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert connection.pool is not None
    # The connection in use is checked out of that pool, not opened on its own.
    stats = connection.pool.get_stats()
    assert stats["pool_size"] - stats.get("pool_available", 0) >= 1
