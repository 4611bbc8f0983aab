"""Fill PostgreSQL with a large district for the benchmarks: `manage.py seed_scale`.

Each app adds its own rows in one place, a `scale(context)` function in `<app>/scale.py`,
listed in STEPS in the order they depend on each other. Deterministic: the same size and seed
give the same rows, so two runs compare.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.module_loading import import_string

from members.scale import ScaleContext

STEPS = [
    "members.scale.scale",
    "opinions.scale.scale",
    "residents.scale.scale",
    "studios.scale.scale",
]

SIZES = {
    "tiny": {"members": 40, "groups": 6, "rows": 2_000, "years": 2},
    "small": {"members": 500, "groups": 20, "rows": 10_000, "years": 5},
    # A province-wide roster, and 1,000,000 rows in the largest table a page reads (attendance,
    # 60% of --rows: the member dashboard counts it).
    "default": {"members": 50_000, "groups": 2_000, "rows": 1_666_667, "years": 5},
    "large": {"members": 100_000, "groups": 4_000, "rows": 8_333_334, "years": 5},
}


class Command(BaseCommand):
    help = "Bulk-load a large, deterministic district into PostgreSQL for the benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=list(SIZES), default="default")
        parser.add_argument("--members", type=int)
        parser.add_argument("--groups", type=int)
        parser.add_argument(
            "--rows",
            type=int,
            help="Rows across activities, attendance, "
            "reports, timelines, proposals and resident issues.",
        )
        parser.add_argument("--years", type=int)
        parser.add_argument(
            "--studios",
            type=int,
            help="Studios to make (default: one per ten groups). The benchmark's small size "
            "asks for a full page of the office's overview.",
        )
        parser.add_argument("--seed", type=int, default=20260101)

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "seed_scale loads data with PostgreSQL's COPY and runs on PostgreSQL only: "
                "set DATABASE_URL=postgres://… (it refuses SQLite and other databases)."
            )
        size = dict(SIZES[options["size"]])
        for key in size:
            if options[key] is not None:
                size[key] = options[key]
        if size["groups"] < 2 or size["members"] < 1 or size["rows"] < 100 or size["years"] < 1:
            raise CommandError("Need at least 2 groups, 1 member, 100 rows and 1 year.")
        if options["studios"] is not None and not 1 <= options["studios"] <= size["groups"]:
            # Two studios of one group would put the same members on duty at the same hours.
            raise CommandError("Need between 1 studio and one studio a group.")
        context = ScaleContext(seed=options["seed"], studios=options["studios"], **size)
        started = time.monotonic()
        with transaction.atomic():
            for step in STEPS:
                step_started = time.monotonic()
                import_string(step)(context)
                self.stdout.write(f"{step}: {time.monotonic() - step_started:.1f}s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        total = sum(
            context.counts.get(name, 0)
            for name in (
                "activities",
                "attendance",
                "reports",
                "report_timeline",
                "proposals",
                "issues",
                "issue_timeline",
            )
        )
        summary = ", ".join(f"{name} {count}" for name, count in context.counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {total} rows ({summary}) in {time.monotonic() - started:.1f}s."
            )
        )
