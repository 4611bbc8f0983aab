"""The formal reply letter (答复函, PDF) on a proposal's replies: the lead unit and each
co-handling unit may send one with their reply; it is checked by its content, and served only
to the proposer, the co-signers, the office, in-scope liaison staff and the units on the
proposal."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from opinions import services
from opinions.models import Attachment, Proposal, ProposalReply
from tests.members.factories import LiaisonStaffFactory, MemberFactory

from . import files
from .factories import AssignedProposalFactory, DepartmentFactory, HandlerFactory
from .files import PDF, PNG, upload
from .test_query_counts import flat

pytestmark = pytest.mark.django_db
State = Proposal.State


def page_of(proposal):
    return reverse("departments:proposal_detail", args=[proposal.pk])


@pytest.fixture
def units():
    """The lead unit, a co-handling unit and a unit not on the proposal, each with a handler."""
    departments = [DepartmentFactory(name=name) for name in ("区民政局", "区卫健委", "区水务局")]
    handlers = [
        HandlerFactory(username=f"handler{index}", department=department)
        for index, department in enumerate(departments)
    ]
    return departments, handlers


@pytest.fixture
def proposal(member, units):
    (lead, co, _other), _handlers = units
    proposal = AssignedProposalFactory(
        proposer=member, lead_department=lead, title="关于推进社区嵌入式养老服务的提案"
    )
    proposal.co_departments.add(co)
    return proposal


def test_the_lead_unit_replies_with_its_letter_and_the_proposer_reads_it(
    client, member, proposal, units
):
    _departments, handlers = units
    client.force_login(handlers[0])

    response = client.post(
        page_of(proposal),
        {"text": "已在三个街道试点建设养老服务综合体。", "letter": upload("答复函.pdf", PDF)},
    )

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == State.REPLIED
    reply = proposal.replies.get()
    letter = Attachment.objects.get()
    assert (reply.letter, letter.kind) == (letter, Attachment.Kind.PDF)
    # The department's own page shows it, through the department's download view.
    page = client.get(page_of(proposal)).content.decode()
    assert reverse("departments:attachment", args=[letter.pk]) in page
    client.force_login(member.user)
    page = client.get(reverse("opinions:proposal_detail", args=[proposal.pk])).content.decode()
    assert "已在三个街道试点建设养老服务综合体。" in page
    assert reverse("opinions:attachment", args=[letter.pk]) in page
    assert "答复函.pdf" in page


def test_a_co_handling_unit_sends_its_opinion_with_a_letter(client, proposal, units):
    departments, handlers = units
    client.force_login(handlers[1])

    response = client.post(
        page_of(proposal), {"text": "同意牵头单位意见。", "letter": upload("意见函.pdf", PDF)}
    )

    assert response.status_code == 302
    reply = ProposalReply.objects.get()
    assert (reply.department, reply.is_lead) == (departments[1], False)
    assert reply.attachments.get().original_name == "意见函.pdf"
    proposal.refresh_from_db()
    assert proposal.state == State.ASSIGNED  # the lead unit still has to reply


def test_a_reply_without_a_letter_is_still_a_reply(client, proposal, units):
    _departments, handlers = units
    client.force_login(handlers[0])

    assert client.post(page_of(proposal), {"text": "已办理。"}).status_code == 302

    assert proposal.replies.get().letter is None
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("答复函.pdf", PNG), ("答复函.docx", files.office("docx")), ("答复函.png", PNG)],
)
@pytest.mark.parametrize("who", [0, 1], ids=["lead", "co-handler"])
def test_a_reply_letter_that_is_not_a_pdf_is_refused_and_nothing_is_written(
    client, settings, proposal, units, name, content, who
):
    _departments, handlers = units
    client.force_login(handlers[who])
    settings.LANGUAGE_CODE = "zh-hans"

    with translation.override("zh-hans"):
        response = client.post(page_of(proposal), {"text": "答复", "letter": upload(name, content)})

    assert response.status_code == 200
    errors = response.context["form"].errors["letter"]
    assert errors and all(any("\u4e00" <= ch <= "\u9fff" for ch in error) for error in errors)
    assert not ProposalReply.objects.exists() and not Attachment.objects.exists()
    proposal.refresh_from_db()
    assert proposal.state == State.ASSIGNED


def test_the_service_refuses_a_letter_that_is_not_a_pdf_before_writing(proposal, units, office):
    with pytest.raises(ValidationError) as refused:
        services.proposal_reply(
            proposal=proposal, actor=office, text="纸质答复", letter=upload("答复函.pdf", PNG)
        )
    assert "letter" in refused.value.message_dict
    assert not ProposalReply.objects.exists() and not Attachment.objects.exists()
    proposal.refresh_from_db()
    assert proposal.state == State.ASSIGNED


def test_the_reply_letter_is_served_to_the_proposers_the_office_and_the_units_only(
    client, office, member, other_member, proposal, units, group
):
    _departments, handlers = units
    proposal.cosigners.add(other_member)
    services.proposal_reply(
        proposal=proposal, actor=handlers[0], text="答复", letter=upload("答复函.pdf", PDF)
    )
    letter = Attachment.objects.get()
    liaison = LiaisonStaffFactory()
    group.liaison_staff.add(liaison)  # the proposer's street group
    stranger_liaison = LiaisonStaffFactory()

    allowed = [office, member.user, other_member.user, handlers[0], handlers[1], liaison]
    refused = [MemberFactory().user, handlers[2], stranger_liaison]
    for user, url_name in [(u, "opinions:attachment") for u in allowed + refused] + [
        (handlers[1], "departments:attachment"),
        (handlers[2], "departments:attachment"),
    ]:
        client.force_login(user)
        response = client.get(reverse(url_name, args=[letter.pk]))
        expected = 404 if user in refused else 200
        assert response.status_code == expected, user
        if expected == 200:
            assert b"".join(response.streaming_content) == PDF


def test_another_units_proposal_page_and_its_letter_are_not_found(client, proposal, units):
    _departments, handlers = units
    services.proposal_reply(
        proposal=proposal, actor=handlers[0], text="答复", letter=upload("答复函.pdf", PDF)
    )
    letter = Attachment.objects.get()
    client.force_login(handlers[2])

    assert client.get(page_of(proposal)).status_code == 404
    assert client.get(reverse("departments:attachment", args=[letter.pk])).status_code == 404
    assert client.post(page_of(proposal), {"text": "冒名答复"}).status_code == 404
    assert ProposalReply.objects.count() == 1


def test_the_admin_lists_each_reply_with_its_letter(client, office, proposal, units):
    _departments, handlers = units
    services.proposal_co_reply(
        proposal=proposal,
        actor=handlers[1],
        department=handlers[1].departments.get(),
        text="意见",
        letter=upload("意见函.pdf", PDF),
    )
    letter = Attachment.objects.get()
    client.force_login(office)

    page = client.get(reverse("admin:opinions_proposal_change", args=[proposal.pk]))

    assert page.status_code == 200
    assert reverse("opinions:attachment", args=[letter.pk]) in page.content.decode()


def _grow_replies(proposal, office):
    def grow(n):
        for _ in range(n):
            department = DepartmentFactory()
            proposal.co_departments.add(department)
            reply = ProposalReply.objects.create(
                proposal=proposal, department=department, text="意见"
            )
            services.common.attachments_add(
                subject=reply, files=[upload("意见函.pdf", PDF)], actor=office
            )

    return grow


def test_member_proposal_page_with_many_letters_costs_the_same(client, member, office):
    client.force_login(member.user)
    proposal = AssignedProposalFactory(proposer=member)

    flat(
        client,
        reverse("opinions:proposal_detail", args=[proposal.pk]),
        _grow_replies(proposal, office),
    )


def test_department_proposal_page_with_many_letters_costs_the_same(client, handler, office):
    client.force_login(handler)
    proposal = AssignedProposalFactory(lead_department=handler.departments.get())

    flat(client, page_of(proposal), _grow_replies(proposal, office))


def test_admin_proposal_page_with_many_letters_costs_the_same(client, office):
    client.force_login(office)
    proposal = AssignedProposalFactory()

    flat(
        client,
        reverse("admin:opinions_proposal_change", args=[proposal.pk]),
        _grow_replies(proposal, office),
    )
