"""The portal's production settings plus a bench-only URLconf (a bare admin site beside the
real one) and the test client's host name for the query counts."""

from config.settings import *  # noqa: F403
from config.settings import ALLOWED_HOSTS

ROOT_URLCONF = "benchmarks.bench_urls"
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
