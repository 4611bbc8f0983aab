import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError

from core.workdays import add_working_days_at as add_working_days
from residents.models import (
    TRACKING_CODE_ALPHABET,
    IssueLink,
    ResidentIssue,
    new_tracking_code,
)
from residents.timelimits import due_at_for
from tests.members.factories import GroupFactory, MemberFactory

from .factories import ResidentIssueFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_tracking_codes_use_an_alphabet_without_look_alikes():
    codes = {new_tracking_code() for _ in range(500)}

    assert len(codes) == 500
    assert all(len(code) == 8 and set(code) <= set(TRACKING_CODE_ALPHABET) for code in codes)
    assert not set(TRACKING_CODE_ALPHABET) & set("01ILO")


def test_tracking_code_is_unique_in_the_database(street):
    ResidentIssueFactory(street=street, tracking_code="ABCD2345")

    with pytest.raises(IntegrityError):
        ResidentIssueFactory(street=street, tracking_code="ABCD2345")


def test_a_link_points_at_exactly_the_target_of_its_kind(street):
    issue = ResidentIssueFactory(street=street)

    with pytest.raises(IntegrityError):
        IssueLink.objects.create(issue=issue, kind="member", group=GroupFactory())


def test_a_link_cannot_point_at_two_targets(street):
    issue = ResidentIssueFactory(street=street)

    with pytest.raises(IntegrityError):
        IssueLink.objects.create(
            issue=issue, kind="group", group=GroupFactory(), member=MemberFactory()
        )


def test_merged_state_and_merged_into_go_together(street):
    with pytest.raises(IntegrityError):
        ResidentIssueFactory(street=street, state=ResidentIssue.State.MERGED)


@pytest.mark.django_db
def test_working_days_skip_the_weekend():
    friday = datetime.datetime(2026, 3, 6, 17, 0, tzinfo=SHANGHAI)

    assert add_working_days(friday, 1) == datetime.datetime(2026, 3, 9, 17, 0, tzinfo=SHANGHAI)
    assert add_working_days(friday, 3) == datetime.datetime(2026, 3, 11, 17, 0, tzinfo=SHANGHAI)
    saturday = datetime.datetime(2026, 3, 7, 10, 0, tzinfo=SHANGHAI)
    assert add_working_days(saturday, 1).weekday() == 0


@pytest.mark.django_db
def test_each_open_state_has_a_time_limit_and_closed_ones_none(settings):
    settings.RESIDENT_ISSUE_TIME_LIMITS = {"submitted": 3, "accepted": 5}
    monday = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)

    assert due_at_for("submitted", monday) == datetime.datetime(2026, 3, 5, 9, tzinfo=SHANGHAI)
    assert due_at_for("accepted", monday) == datetime.datetime(2026, 3, 9, 9, tzinfo=SHANGHAI)
    assert due_at_for("closed", monday) is None
