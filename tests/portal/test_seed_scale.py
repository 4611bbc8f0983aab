"""`manage.py seed_scale` fills every app's tables to the size asked for, and refuses nothing
but non-PostgreSQL databases."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core.models import TimelineEntry
from members.models import Activity, Attendance, Group, Member
from opinions.models import OpinionReport, Proposal
from residents.models import ResidentIssue

pytestmark = pytest.mark.django_db


def _seed(**options):
    call_command("seed_scale", members=30, groups=4, rows=1_000, years=2, **options)


def test_seed_scale_fills_every_table_to_the_requested_size():
    _seed()

    assert Member.objects.count() == 30
    assert Group.objects.filter(name__startswith="规模").count() == 4
    rows = (
        Activity.objects.count()
        + Attendance.objects.count()
        + OpinionReport.objects.count()
        + Proposal.objects.count()
        + ResidentIssue.objects.count()
        + TimelineEntry.objects.count()
    )
    assert 950 <= rows <= 1_000
    assert OpinionReport.objects.count() == 50
    assert ResidentIssue.objects.count() == 100
    assert TimelineEntry.objects.filter(is_public=True).count() == 100
    every_member_has_attendance = not Member.objects.filter(attendances__isnull=True).exists()
    assert Attendance.objects.count() == 600 and every_member_has_attendance


def test_seed_scale_is_deterministic():
    _seed()
    first = list(ResidentIssue.objects.order_by("pk").values_list("tracking_code", flat=True))
    names = list(Member.objects.order_by("pk").values_list("name", flat=True))
    TimelineEntry.objects.all().delete()
    ResidentIssue.objects.all().delete()

    _seed(seed=20260101)

    second = ResidentIssue.objects.order_by("pk").values_list("tracking_code", flat=True)
    assert list(second) == first
    assert list(Member.objects.order_by("pk").values_list("name", flat=True))[30:] == names


def test_seed_scale_refuses_other_databases(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="PostgreSQL only"):
        _seed()
