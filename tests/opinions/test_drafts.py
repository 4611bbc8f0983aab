"""Reports and proposals share one draft page and one pair of draft services
(opinions/drafts.py): each kind keeps its own wording, people, owners and submission."""

import re
from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import TimelineEntry
from opinions import services
from opinions.models import Attachment, OpinionReport, Proposal
from opinions.services.common import attachments_add
from tests.members.factories import MemberFactory

from .factories import OpinionReportFactory, ProposalFactory
from .files import pdf

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Kind:
    key: str
    model: type
    factory: type
    owner: str
    people: str
    # What its page says, and what only the other kind's page says.
    says: tuple[str, ...]
    never_says: tuple[str, ...]

    def url(self, page, *args):
        return reverse(f"opinions:{self.key}_{page}", args=args)

    def draft(self, owner, **kwargs):
        return self.factory(**{self.owner: owner}, **kwargs)


REPORT = Kind(
    "report",
    OpinionReport,
    OpinionReportFactory,
    "author",
    "coauthors",
    says=(
        "Write an opinion report",
        "Co-authors",
        "On behalf of a group",
        "until you submit it",
    ),
    never_says=("Co-signers", "Collective proposal of a group", "gets its number"),
)
PROPOSAL = Kind(
    "proposal",
    Proposal,
    ProposalFactory,
    "proposer",
    "cosigners",
    says=(
        "Write a proposal",
        "Co-signers",
        "Collective proposal of a group",
        "gets its number",
    ),
    never_says=("Co-authors", "On behalf of a group", "Write an opinion report"),
)
KINDS = pytest.mark.parametrize("kind", [REPORT, PROPOSAL], ids=lambda kind: kind.key)


def form_data(**kwargs):
    data = {"title": "关于规范校外培训机构的建议", "category": "education", "content": "内容"}
    data.update(kwargs)
    return data


@pytest.fixture
def member_client(client, member):
    client.force_login(member.user)
    return client


@KINDS
def test_the_form_page_speaks_of_its_own_kind(member_client, kind):
    page = member_client.get(kind.url("create")).content.decode()
    for words in kind.says:
        assert words in page
    for words in kind.never_says:
        assert words not in page


@KINDS
def test_edit_page_shows_the_draft_with_its_people_ticked(member_client, member, kind):
    person = MemberFactory(name="赵丽华")
    draft = kind.draft(member, title="待完善的初稿")
    getattr(draft, kind.people).add(person)

    response = member_client.get(kind.url("edit", draft.pk))

    form = response.context["form"]
    assert form.initial["title"] == "待完善的初稿"
    assert form.initial[kind.people] == [person.pk]
    ticked = re.findall(
        rf'<input type="checkbox"[^>]* name="{kind.people}" value="(\d+)"[^>]*\bchecked\b',
        response.content.decode(),
    )
    assert ticked == [str(person.pk)]


@KINDS
def test_owner_changes_the_people_and_the_change_is_on_the_timeline(
    member_client, member, other_member, kind
):
    dropped = MemberFactory()
    draft = kind.draft(member)
    getattr(draft, kind.people).add(dropped)

    response = member_client.post(
        kind.url("edit", draft.pk), form_data(save="1", **{kind.people: [other_member.pk]})
    )

    assert response.status_code == 302
    assert response.url == kind.url("detail", draft.pk)
    draft.refresh_from_db()
    assert draft.title == "关于规范校外培训机构的建议"
    assert list(getattr(draft, kind.people).all()) == [other_member]
    edits = TimelineEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(kind.model), object_id=draft.pk
    )
    assert list(edits.values_list("action", "actor_label")) == [("edited", member.name)]


@KINDS
def test_a_member_on_someone_elses_draft_reads_it_but_cannot_edit_or_submit_it(
    member_client, member, other_member, kind
):
    draft = kind.draft(other_member, title="原稿")
    getattr(draft, kind.people).add(member)

    assert member_client.get(kind.url("detail", draft.pk)).status_code == 200
    assert member_client.get(kind.url("edit", draft.pk)).status_code == 404
    assert member_client.post(kind.url("edit", draft.pk), form_data()).status_code == 404
    member_client.post(kind.url("submit", draft.pk))

    draft.refresh_from_db()
    assert (draft.title, draft.state) == ("原稿", kind.model.State.DRAFT)


@KINDS
def test_another_members_draft_is_not_found_on_the_draft_pages(member_client, other_member, kind):
    draft = kind.draft(other_member)
    assert member_client.get(kind.url("edit", draft.pk)).status_code == 404
    assert member_client.post(kind.url("submit", draft.pk)).status_code == 404


def test_convener_edits_and_submits_a_groups_collective_proposal(
    member_client, member, group, session
):
    group.conveners.add(member)
    proposal = ProposalFactory(proposer=None, group=group)

    response = member_client.post(
        PROPOSAL.url("edit", proposal.pk), form_data(group=group.pk, submit="1")
    )

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SUBMITTED
    assert proposal.number == 1


def test_a_collective_proposal_keeps_its_group_when_edited(member_client, member, group):
    group.conveners.add(member)
    proposal = ProposalFactory(proposer=None, group=group, title="原稿")

    response = member_client.post(PROPOSAL.url("edit", proposal.pk), form_data(save="1"))

    assert response.status_code == 200
    assert "A proposal needs a proposer or a group." in response.content.decode()
    proposal.refresh_from_db()
    assert (proposal.title, proposal.group) == ("原稿", group)


def test_a_report_needs_a_member_to_write_it(office):
    with pytest.raises(ValidationError, match="needs a member"):
        services.opinion_report_create(
            actor=office, author=None, title="标题", content="内容", category="other"
        )
    assert not OpinionReport.objects.exists()


@KINDS
def test_draft_pages_run_as_many_queries_for_many_people_and_files(member_client, member, kind):
    draft = kind.draft(member)

    def grow(n):
        getattr(draft, kind.people).add(*MemberFactory.create_batch(n))
        attachments_add(subject=draft, files=[pdf() for _ in range(n)], actor=member.user)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert member_client.get(url).status_code == 200
        return len(captured)

    grow(1)
    queries(kind.url("edit", draft.pk))  # warms the per-process caches (content types)
    few = (queries(kind.url("create")), queries(kind.url("edit", draft.pk)))
    grow(3)
    assert (queries(kind.url("create")), queries(kind.url("edit", draft.pk))) == few
    assert Attachment.objects.count() == 4
