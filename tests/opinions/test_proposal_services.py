import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import Notification
from core.workdays import add_working_days
from core.workflow import TransitionRefused
from opinions import selectors, services
from opinions.models import Category, CommitteeSession, Proposal, ProposalReply
from tests.members.factories import GroupFactory, MemberFactory

from .factories import CommitteeSessionFactory, DepartmentFactory, HandlerFactory

pytestmark = pytest.mark.django_db
State = Proposal.State
IN_A_MONTH = datetime.timedelta(days=30)


def draft(proposer, **kwargs):
    fields = {
        "group": None,
        "title": "关于推进城区停车难治理的提案",
        "content": "建议利用边角地块建设立体停车设施，推行错时共享停车。",
        "category": Category.TRANSPORT,
    }
    fields.update(kwargs)
    return services.proposal_create(actor=proposer.user, proposer=proposer, **fields)


def filed(member, office):
    proposal = services.proposal_submit(proposal=draft(member), actor=member.user)
    return services.proposal_file(proposal=proposal, actor=office)


def assigned(member, office, lead, co=()):
    proposal = filed(member, office)
    return services.proposal_assign(
        proposal=proposal,
        actor=office,
        lead=lead,
        co_handlers=co,
        deadline=timezone.localdate() + IN_A_MONTH,
    )


def test_submission_numbers_proposals_in_the_current_session(member, other_member, session):
    first = services.proposal_submit(proposal=draft(member), actor=member.user)
    second = services.proposal_submit(proposal=draft(other_member), actor=other_member.user)

    assert (first.number, second.number) == (1, 2)
    assert first.session == session
    assert first.number_label == "八届四次 No. 0001"
    session.refresh_from_db()
    assert session.last_number == 2


def test_submission_refused_without_a_current_session_gives_no_number(member, session):
    session.is_current = False
    session.save()
    proposal = draft(member)
    with pytest.raises(TransitionRefused):
        services.proposal_submit(proposal=proposal, actor=member.user)
    proposal.refresh_from_db()
    assert (proposal.state, proposal.number) == (State.DRAFT, None)
    assert CommitteeSession.objects.get().last_number == 0


def test_a_new_session_numbers_from_one_again(member, session):
    services.proposal_submit(proposal=draft(member), actor=member.user)
    session.is_current = False
    session.save()
    CommitteeSessionFactory(term=8, session=5, name="八届五次", is_current=True)
    proposal = services.proposal_submit(proposal=draft(member), actor=member.user)
    assert proposal.number_label == "八届五次 No. 0001"


def test_cosigner_sees_but_cannot_submit(member, other_member, session):
    proposal = draft(member, cosigners=[other_member, member])
    assert list(proposal.cosigners.all()) == [other_member]
    assert selectors.proposals_of_member(other_member).filter(pk=proposal.pk).exists()
    with pytest.raises(TransitionRefused):
        services.proposal_submit(proposal=proposal, actor=other_member.user)
    proposal.refresh_from_db()
    assert proposal.state == State.DRAFT


def test_collective_proposal_of_a_group_without_a_named_proposer(office, session):
    group = GroupFactory(name="医药卫生界活动组")
    convener = MemberFactory(name="赵医生")
    group.conveners.add(convener)

    proposal = services.proposal_create(
        actor=office,
        proposer=None,
        group=group,
        title="关于完善基层医疗机构药品配备的提案",
        content="内容",
        category=Category.HEALTH,
    )
    assert Notification.objects.filter(recipient=convener.user).exists()
    submitted = services.proposal_submit(proposal=proposal, actor=convener.user)
    assert submitted.state == State.SUBMITTED
    assert selectors.public_timeline(submitted).get().actor_label == "医药卫生界活动组"


def test_proposal_needs_a_proposer_or_a_group(office):
    with pytest.raises(ValidationError):
        services.proposal_create(
            actor=office, proposer=None, group=None, title="标题", content="内容", category="other"
        )
    assert not Proposal.objects.exists()


def test_not_filed_keeps_the_reason_for_the_proposers_only(member, office, session):
    proposal = services.proposal_submit(proposal=draft(member), actor=member.user)
    services.proposal_not_file(proposal=proposal, actor=office, reason="属于具体个人诉求")
    proposal.refresh_from_db()
    assert proposal.state == State.NOT_FILED
    assert proposal.not_filed_reason == "属于具体个人诉求"
    row = selectors.public_timeline(proposal).get(action="not_filed")
    assert row.note == ""
    told = Notification.objects.filter(recipient=member.user).latest("pk")
    assert told.body == "属于具体个人诉求"


def test_assign_then_lead_replies_and_co_handlers_give_opinions(
    member, office, department, handler, session
):
    co = DepartmentFactory(name="区交通运输局")
    co_handler = HandlerFactory(department=co)
    proposal = assigned(member, office, department, co=[co, department])
    assert list(proposal.co_departments.all()) == [co]
    assert Notification.objects.filter(recipient=co_handler).exists()

    services.proposal_co_reply(proposal=proposal, actor=co_handler, department=co, text="同意")
    proposal.refresh_from_db()
    assert proposal.state == State.ASSIGNED
    with pytest.raises(TransitionRefused):
        services.proposal_reply(proposal=proposal, actor=co_handler, text="抢答")

    services.proposal_reply(proposal=proposal, actor=handler, text="已纳入明年停车设施建设计划。")
    proposal.refresh_from_db()
    assert proposal.state == State.REPLIED
    replies = list(ProposalReply.objects.values_list("department__name", "is_lead", "round"))
    assert replies == [("区交通运输局", False, 1), ("区住房和城乡建设局", True, 1)]
    row = selectors.public_timeline(proposal).get(action="replied")
    assert (row.actor_label, row.note) == ("区住房和城乡建设局", "已纳入明年停车设施建设计划。")


def test_assign_refused_before_filing(member, office, department, session):
    proposal = services.proposal_submit(proposal=draft(member), actor=member.user)
    with pytest.raises(TransitionRefused):
        services.proposal_assign(
            proposal=proposal,
            actor=office,
            lead=department,
            deadline=timezone.localdate() + IN_A_MONTH,
        )
    proposal.refresh_from_db()
    assert proposal.lead_department is None


def test_unsatisfied_sends_back_once_then_it_is_closed(
    member, office, department, handler, session
):
    proposal = assigned(member, office, department)
    services.proposal_reply(proposal=proposal, actor=handler, text="第一次答复")

    services.proposal_evaluate(proposal=proposal, actor=member.user, evaluation="unsatisfied")
    proposal.refresh_from_db()
    assert proposal.state == State.REHANDLING
    assert proposal.rehandled
    assert proposal.deadline == add_working_days(timezone.localdate(), 20)
    assert Notification.objects.filter(recipient=handler, title__contains="re-handling").exists()

    services.proposal_reply(proposal=proposal, actor=handler, text="第二次答复")
    assert proposal.replies.get(text="第二次答复").round == 2
    services.proposal_evaluate(proposal=proposal, actor=member.user, evaluation="unsatisfied")
    proposal.refresh_from_db()
    assert proposal.state == State.EVALUATED, "re-handling happens only once"

    services.proposal_close(proposal=proposal, actor=office)
    proposal.refresh_from_db()
    assert proposal.state == State.CLOSED
    assert [row.action for row in selectors.public_timeline(proposal)] == [
        "submitted",
        "filed",
        "assigned",
        "replied",
        "replied",
        "closed",
    ]


def test_satisfied_evaluation_waits_for_closing(member, office, department, handler, session):
    proposal = assigned(member, office, department)
    services.proposal_reply(proposal=proposal, actor=handler, text="答复")
    services.proposal_evaluate(proposal=proposal, actor=member.user, evaluation="satisfied")
    proposal.refresh_from_db()
    assert (proposal.state, proposal.evaluation) == (State.EVALUATED, "satisfied")


def test_only_the_proposer_evaluates(member, other_member, office, department, handler, session):
    proposal = assigned(member, office, department)
    proposal.cosigners.add(other_member)
    services.proposal_reply(proposal=proposal, actor=handler, text="答复")
    for actor in (other_member.user, office, handler):
        with pytest.raises(TransitionRefused):
            services.proposal_evaluate(proposal=proposal, actor=actor, evaluation="satisfied")
    proposal.refresh_from_db()
    assert proposal.evaluation == ""


def test_evaluation_refused_before_the_reply(member, office, department, session):
    proposal = assigned(member, office, department)
    with pytest.raises(TransitionRefused):
        services.proposal_evaluate(proposal=proposal, actor=member.user, evaluation="satisfied")


def test_key_proposal_carries_its_supervising_leader(member, office, department, session):
    proposal = assigned(member, office, department)
    services.proposal_mark_key(proposal=proposal, actor=office, leader="区委书记 李强")
    proposal.refresh_from_db()
    assert proposal.is_key
    assert proposal.supervising_leader == "区委书记 李强"


def test_reply_after_closing_is_refused(member, office, department, handler, session):
    proposal = assigned(member, office, department)
    services.proposal_reply(proposal=proposal, actor=handler, text="答复")
    services.proposal_close(proposal=proposal, actor=office)
    with pytest.raises(TransitionRefused):
        services.proposal_reply(proposal=proposal, actor=handler, text="再答复")
    assert proposal.replies.count() == 1


def test_overdue_means_waiting_for_a_reply_past_the_deadline(member, office, department, session):
    proposal = assigned(member, office, department)
    later = timezone.localdate() + IN_A_MONTH + datetime.timedelta(days=1)
    assert list(Proposal.objects.overdue(today=later)) == [proposal]
    assert not Proposal.objects.overdue().exists()
    proposal.refresh_from_db()
    assert proposal.is_overdue(today=later)
