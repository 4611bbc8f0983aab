"""Where a resident form POST spends its time: every SQL statement and every Redis command of
N valid submissions through the whole middleware stack (Django's test client, in process),
timed one by one, then the functions cProfile finds costliest.

    export DATABASE_URL=postgres://…/cppcc_bench_small REDIS_URL=redis://127.0.0.1:6379/9 \\
        CAPTCHA_TEST_MODE=1 SECRET_KEY=… DEBUG=0 SECURE_SSL_REDIRECT=0 STATIC_ROOT=/tmp/static
    .venv/bin/python manage.py collectstatic --noinput -v0
    .venv/bin/python benchmarks/profile_post.py [N]

Run it against a database seeded by `seed_scale` (the benchmark's small one will do); each
submission stores a row there. Prints milliseconds per submission and each part's share.
"""

import cProfile
import io
import os
import pstats
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.bench_settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from redis.client import Redis  # noqa: E402

from residents.models import Community, ResidentIssue  # noqa: E402

SQL_TIMES: dict[str, list[float]] = defaultdict(list)
REDIS_TIMES: dict[str, list[float]] = defaultdict(list)


def sql_kind(sql: str) -> str:
    sql = re.sub(r"\s+", " ", sql.strip())
    table = re.search(r'(?:FROM|INTO|UPDATE) "(\w+)"', sql)
    return f"{sql.split(' ', 1)[0]} {table.group(1) if table else ''}".strip()


def timed_sql(execute, sql, params, many, context):
    start = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        SQL_TIMES[sql_kind(sql)].append(time.perf_counter() - start)


_execute_command = Redis.execute_command


def timed_redis(self, *args, **options):
    start = time.perf_counter()
    try:
        return _execute_command(self, *args, **options)
    finally:
        REDIS_TIMES[str(args[0])].append(time.perf_counter() - start)


def main(count: int) -> None:
    community = Community.objects.select_related("street").order_by("pk").first()
    client = Client(REMOTE_ADDR="10.9.0.1")
    fields = {
        "category": "public_facilities",
        "street": community.street_id,
        "community": community.pk,
        "place": "和平里3号楼东门",
        "description": "路灯坏了一个多月，晚上出门很黑。",
        "name": "张先生",
        "mobile": "13912345678",
        "consent": "on",
        "altcha": "passed",
    }
    before = ResidentIssue.objects.count()
    # Warm up: the kept form and places, the first connection.
    client.get("/issues/new/")
    Redis.execute_command = timed_redis
    profile = cProfile.Profile()
    stored_pages = 0
    with connection.execute_wrapper(timed_sql):
        started = time.perf_counter()
        for n in range(count):
            # A fresh address each time: the per-address limit must not end the run.
            client.defaults["REMOTE_ADDR"] = f"10.9.{n // 250}.{n % 250 + 1}"
            profile.enable()
            response = client.post("/issues/new/", fields)
            profile.disable()
            stored_pages += response.status_code == 302
        elapsed = time.perf_counter() - started
    Redis.execute_command = _execute_command
    stored = ResidentIssue.objects.count() - before
    per_post = elapsed / count * 1000
    print(f"{count} POSTs, {stored_pages} answered by the success redirect, {stored} rows stored")
    print(f"{per_post:.2f} ms a submission in process (test client, whole middleware stack)\n")
    print("| part | calls a POST | ms a POST | share |")
    print("|---|---|---|---|")
    rows = [("SQL " + kind, times) for kind, times in SQL_TIMES.items()]
    rows += [("Redis " + kind, times) for kind, times in REDIS_TIMES.items()]
    for name, times in sorted(rows, key=lambda row: -sum(row[1])):
        ms = sum(times) / count * 1000
        print(f"| {name} | {len(times) / count:.1f} | {ms:.2f} | {ms / per_post:.0%} |")
    outside = per_post - sum(sum(t) for _, t in rows) / count * 1000
    print(f"| Python (forms, middleware, templates) | | {outside:.2f} | {outside / per_post:.0%} |")
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats("tottime").print_stats(15)
    print("\ncProfile, the 15 functions with the most time of their own:\n")
    print("\n".join(line for line in text.getvalue().splitlines()[6:] if line.strip()))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
