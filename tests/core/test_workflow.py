"""Each app declares its edges once; transitions, the timeline's labels and the admin panel
read that declaration."""

import pytest
from django.utils import translation

from core.models import TimelineEntry
from core.workflow import Edge, Guard, TransitionRefused, Workflow, run_edge, workflow_for
from opinions import services
from opinions.models import OpinionReport, Proposal
from opinions.workflow import PROPOSAL, REPORT
from residents.models import ResidentIssue
from residents.workflow import ISSUE
from studios.models import Studio
from tests.members.factories import MemberFactory
from tests.opinions.factories import OpinionReportFactory, ProposalFactory
from tests.residents.factories import ResidentIssueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_each_model_finds_its_own_workflow():
    assert workflow_for(OpinionReport) is REPORT
    assert workflow_for(Proposal) is PROPOSAL
    assert workflow_for(ResidentIssue) is ISSUE


def test_action_labels_are_read_per_model():
    # "replied" is a department's reply on both, "closed" reads differently per model: the
    # label comes from the subject's own declaration, never from the last app to register.
    report = OpinionReportFactory()
    issue = ResidentIssueFactory()
    rows = [
        TimelineEntry(
            content_type_id=_ct(report), object_id=report.pk, action="closed", to_state="closed"
        ),
        TimelineEntry(
            content_type_id=_ct(issue), object_id=issue.pk, action="issue_close", to_state="closed"
        ),
        TimelineEntry(
            content_type_id=_ct(issue), object_id=issue.pk, action="issue_submit", to_state=""
        ),
    ]
    assert [row.action_label for row in rows] == ["closed", "closed", "issue received"]
    assert rows[0].to_state_label == "closed"
    assert rows[1].from_state_label == ""


def _ct(obj) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def test_state_labels_come_from_the_declared_state_field():
    # A workflow over a field that is not called "state" labels its values from that field.
    by_satisfaction = Workflow(model=ResidentIssue, state_field="satisfaction", edges=())
    assert by_satisfaction.state_label("solved") == str(ResidentIssue.Satisfaction("solved").label)
    assert ISSUE.state_label("in_progress") == str(ResidentIssue.State.IN_PROGRESS.label)


def test_a_guard_refuses_with_its_own_message_and_writes_nothing(member):
    proposal = ProposalFactory(proposer=member)
    before = TimelineEntry.objects.count()

    with pytest.raises(TransitionRefused) as refused:
        services.proposal_submit(proposal=proposal, actor=member.user)

    assert "No committee session is open" in refused.value.message
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.DRAFT
    assert TimelineEntry.objects.count() == before


def test_run_edge_takes_states_actor_check_and_publicity_from_the_declaration(member):
    report = OpinionReportFactory(author=member)
    stranger = MemberFactory()

    with pytest.raises(TransitionRefused):
        services.opinion_report_submit(report=report, actor=stranger.user)
    services.opinion_report_submit(report=report, actor=member.user)

    entry = TimelineEntry.objects.get(object_id=report.pk, action="submitted")
    assert (entry.from_state, entry.to_state, entry.is_public) == ("draft", "submitted", True)
    with pytest.raises(TransitionRefused):  # "submitted" leaves drafts only
        services.opinion_report_submit(report=report, actor=member.user)


def test_run_edge_refuses_a_state_the_edge_does_not_declare(member):
    report = OpinionReportFactory(author=member)
    sneaky = Workflow(
        model=OpinionReport,
        edges=(Edge("sneak", "sneak", ("draft",), "submitted"),),
    )
    with pytest.raises(RuntimeError):
        run_edge(sneaky, "sneak", subject=report, actor=None, choose_state=lambda r: "closed")


def test_guards_are_checked_on_the_locked_row(member):
    report = OpinionReportFactory(author=member)
    never = Guard("never", lambda r: False, "a research record exists")
    guarded = Workflow(
        model=OpinionReport,
        edges=(Edge("check", "check", ("draft",), guards=(never,)),),
    )
    with pytest.raises(TransitionRefused, match="a research record exists"):
        run_edge(guarded, "check", subject=report, actor=None)


def test_every_admin_step_takes_a_declared_edge():
    from django.contrib import admin

    for model in (OpinionReport, Proposal, ResidentIssue, Studio):
        model_admin = admin.site._registry[model]
        declared = {edge.action for edge in model_admin.workflow.edges}
        assert {step.edge for step in model_admin.steps} <= declared


@pytest.fixture
def member(db):
    return MemberFactory()
