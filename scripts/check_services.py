"""Stop at once, with one clear line, when the test suite's PostgreSQL or Redis is unreachable.

`make test` runs this first so that nobody mistakes a missing server for failing code, and so
that the suite never falls back to SQLite or to eager tasks.
"""

import os
import sys
from urllib.parse import urlparse


def main() -> int:
    db_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not db_url.startswith(("postgres://", "postgresql://")):
        print(
            f"make test needs PostgreSQL: set DATABASE_URL to a postgres:// URL (got {db_url!r})."
        )
        return 1
    if not redis_url.startswith(("redis://", "rediss://")):
        print(f"make test needs Redis: set REDIS_URL to a redis:// URL (got {redis_url!r}).")
        return 1

    import psycopg
    import redis

    parsed = urlparse(db_url)
    try:
        # Connect to the maintenance database: the suite creates its own test database.
        psycopg.connect(
            host=parsed.hostname,
            port=parsed.port or 5432,
            user=parsed.username,
            password=parsed.password,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(
            f"PostgreSQL is not reachable at {parsed.hostname}:{parsed.port or 5432} ({reason}): "
            "start it (pg_ctlcluster <version> main start) or set DATABASE_URL."
        )
        return 1
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.RedisError as exc:
        print(
            f"Redis is not reachable at {redis_url} ({exc}): start redis-server or set REDIS_URL."
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
