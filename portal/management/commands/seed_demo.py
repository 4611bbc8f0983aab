"""`manage.py seed_demo`: a believable district for trying the portal, and its demo logins.

It lives above every app and calls each app's `demo.py` in the order their rows depend on
each other; each step takes the DemoContext (members/demo.py). Idempotent and deterministic:
running it again adds nothing.

A later app adds its demo data as a step in STEPS, kept in its own `demo.py`.
"""

import unicodedata
from collections.abc import Callable

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.demo import (
    DemoContext,
    build_roster,
    seed_activities,
    seed_conveners,
    seed_logins,
    seed_members,
    seed_sectors_and_groups,
)
from members.models import Activity, Group, Member, Sector
from opinions.demo import seed_opinions
from residents.demo import seed_resident_issues
from studios.demo import seed_studios

STEPS: list[Callable[[DemoContext], None]] = [
    seed_sectors_and_groups,
    seed_members,
    seed_conveners,
    seed_logins,
    seed_activities,
    seed_opinions,
    seed_resident_issues,
    seed_studios,
]


def _width(text: str) -> int:
    # Chinese characters take two columns in a terminal.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    ]


class Command(BaseCommand):
    help = "Create a believable demo district, its activities and one login per role."

    def handle(self, *args, **options):
        ctx = DemoContext(today=timezone.localdate(), roster=build_roster())
        with transaction.atomic():
            for step in STEPS:
                step(ctx)

        self.stdout.write(
            _(
                "Demo data: %(sectors)d sectors, %(groups)d groups, %(members)d members, "
                "%(activities)d activities."
            )
            % {
                "sectors": Sector.objects.count(),
                "groups": Group.objects.count(),
                "members": Member.objects.count(),
                "activities": Activity.objects.count(),
            }
        )
        self.stdout.write("")
        self.stdout.write(
            self.style.WARNING(
                _("Demo credentials, for trying the portal only: never use them on a real server.")
            )
        )
        header = (_("Role"), _("Login"), _("Password"))
        for line in _table([header, *ctx.logins]):
            self.stdout.write(line)
