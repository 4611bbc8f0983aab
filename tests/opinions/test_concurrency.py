"""Two people acting at once, each in its own thread with its own database connection."""

import datetime
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from core.workflow import TransitionRefused
from opinions import selectors, services
from opinions.models import CommitteeSession, OpinionReport, Proposal
from tests.members.factories import MemberFactory, OfficeStaffFactory

from .factories import (
    CommitteeSessionFactory,
    DeclineReasonFactory,
    DepartmentFactory,
    OpinionReportFactory,
    ProposalFactory,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_together(*calls):
    """Start every call at the same moment, each in a thread with its own connection; return
    what each returned or raised."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait(timeout=10)
            return call()
        except Exception as error:  # the outcome is what the test inspects
            return error
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def slowed(monkeypatch, owner, name, seconds=0.3):
    """Make `owner.name` wait first: any check-then-write without a lock would let two callers
    read the same state in that window."""
    original = getattr(owner, name)

    def slow(*args, **kwargs):
        time.sleep(seconds)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, slow)


def test_two_staff_acting_on_one_report_at_once_only_one_succeeds(monkeypatch):
    report = OpinionReportFactory(state=OpinionReport.State.IN_REVIEW)
    first, second = OfficeStaffFactory(), OfficeStaffFactory()
    department = DepartmentFactory()
    reason = DeclineReasonFactory()
    # The guard runs once the row is claimed; slowing it keeps the first claim open while the
    # second person tries.
    slowed(monkeypatch, selectors, "may_review")

    outcomes = run_together(
        lambda: services.opinion_report_forward(
            report=report,
            actor=first,
            department=department,
            reply_due=timezone.localdate() + datetime.timedelta(days=10),
        ),
        lambda: services.opinion_report_decline(report=report, actor=second, reason=reason),
    )

    succeeded = [o for o in outcomes if isinstance(o, OpinionReport)]
    refused = [o for o in outcomes if isinstance(o, TransitionRefused)]
    assert (len(succeeded), len(refused)) == (1, 1), outcomes
    report.refresh_from_db()
    assert report.state == succeeded[0].state
    steps = list(selectors.timeline_of(report).values_list("action", flat=True))
    assert len([s for s in steps if s in ("forwarded", "declined")]) == 1


def test_concurrent_submissions_get_consecutive_numbers(monkeypatch):
    CommitteeSessionFactory()
    drafts = [ProposalFactory(proposer=MemberFactory()) for _ in range(6)]
    slowed(monkeypatch, CommitteeSession, "save", seconds=0.05)

    outcomes = run_together(
        *[
            (
                lambda proposal=proposal: services.proposal_submit(
                    proposal=proposal, actor=proposal.proposer.user
                )
            )
            for proposal in drafts
        ]
    )

    assert all(isinstance(o, Proposal) for o in outcomes), outcomes
    numbers = sorted(Proposal.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]
    assert CommitteeSession.objects.get().last_number == 6
