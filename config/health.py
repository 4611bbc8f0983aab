"""/healthz: is the database up, is Redis up, does a Celery worker answer.

For a load balancer or a monitor: 200 with {"status": "ok"} when all is well, 503 with
{"status": "fail"} when anything is down. Anonymous callers learn nothing more; office staff,
and callers that send the HEALTHZ_TOKEN in the X-Healthz-Token header, see each service's
status. Each check is bounded by a short timeout, so a hung service makes the check fail
rather than hang.
"""

import hmac
import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from members import roles

logger = logging.getLogger("portal.health")

OK, FAIL, EAGER = "ok", "fail", "eager"
TIMEOUT_SECONDS = 1.0


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure of any driver is "down"
        logger.exception("health: database check failed")
        return FAIL
    return OK


def check_redis() -> str:
    if not settings.REDIS_URL:
        return EAGER  # the demo: no Redis, tasks run in the web process
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=TIMEOUT_SECONDS,
            socket_timeout=TIMEOUT_SECONDS,
        )
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, OSError):
        logger.exception("health: Redis check failed")
        return FAIL
    return OK


def check_celery() -> str:
    from config.celery import app

    if app.conf.task_always_eager:
        return EAGER
    try:
        # A connection of its own, not one from the pool: the check says whether the broker can
        # be reached now, and a broken connection is not handed back to the tasks' pool.
        with app.connection_for_write() as connection:
            replies = app.control.ping(timeout=TIMEOUT_SECONDS, connection=connection)
    except Exception:  # a broker that cannot be reached raises kombu's or redis' errors
        logger.exception("health: Celery ping failed")
        return FAIL
    return OK if replies else FAIL


CHECKS = {"database": check_database, "redis": check_redis, "celery": check_celery}


def _may_see_details(request: HttpRequest) -> bool:
    token = settings.HEALTHZ_TOKEN
    given = request.headers.get("X-Healthz-Token", "")
    if token and given and hmac.compare_digest(token.encode(), given.encode()):
        return True
    user = request.user
    if not (user.is_authenticated and user.is_staff):
        return False
    return user.is_superuser or roles.has_role(user, roles.OFFICE_STAFF)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    services = {name: check() for name, check in CHECKS.items()}
    healthy = all(status != FAIL for status in services.values())
    body: dict = {"status": OK if healthy else FAIL}
    if _may_see_details(request):
        body["services"] = services
    return JsonResponse(body, status=200 if healthy else 503)
