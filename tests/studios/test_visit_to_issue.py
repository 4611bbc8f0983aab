"""A visit that needs follow-up becomes a resident issue handed to the studio, so that the
visitor follows it with a tracking code; a studio is a target any resident issue can be
handed to; the visit and the issue link to each other."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import Notification
from core.workflow import TransitionRefused
from residents import selectors as resident_selectors
from residents import services as resident_services
from residents.models import IssueLink, ResidentIssue
from studios.models import Visit
from studios.services import reception
from tests.members.factories import LiaisonStaffFactory, OfficeStaffFactory
from tests.residents.factories import CommunityFactory, ResidentIssueFactory, StreetFactory

from .reception_factories import ReceptionStudioFactory, VisitFactory, studio_member

TRACK = reverse("residents:track")


@pytest.fixture(autouse=True)
def _no_tracking_limit(settings):
    settings.RESIDENT_ISSUE_TRACK_RATE = None


@pytest.fixture
def office(db):
    return OfficeStaffFactory()


@pytest.fixture
def street(db):
    return StreetFactory(name="城关街道")


@pytest.fixture
def community(street):
    return CommunityFactory(street=street, name="和平社区")


@pytest.fixture
def studio(street):
    return ReceptionStudioFactory(name="法律界委员工作室", street=street)


@pytest.fixture
def lawyer(studio):
    return studio_member(studio, name="王律师")


@pytest.fixture
def visit(studio, lawyer):
    visit = VisitFactory(studio=studio, solved_on_spot=False)
    visit.members.set([lawyer])
    return visit


def convert(visit, actor, street, community=None):
    return reception.visit_to_issue(
        visit=visit,
        actor=actor,
        street=street,
        community=community,
        category=ResidentIssue.Category.PUBLIC_FACILITIES,
        place="和平里3号楼东门",
    )


def test_a_visit_becomes_an_issue_handed_to_the_studio(office, visit, studio, street, community):
    issue = convert(visit, office, street, community)

    visit.refresh_from_db()
    assert visit.issue == issue
    assert issue.channel == ResidentIssue.Channel.STUDIO
    assert issue.description == visit.raised
    assert (issue.name, issue.mobile) == ("张建国", "13812345678")
    assert issue.consent_at is not None
    assert (issue.street, issue.community, issue.place) == (street, community, "和平里3号楼东门")
    assert issue.state == ResidentIssue.State.IN_PROGRESS
    link = IssueLink.objects.get(issue=issue)
    assert (link.kind, link.studio, link.target) == ("studio", studio, studio)
    # What was done and told stays internal, for the studio and the office.
    notes = resident_selectors.issue_timeline(issue).filter(is_public=False)
    assert any("记录了具体位置" in row.note for row in notes)


def test_the_studio_members_are_told(office, visit, lawyer, street):
    convert(visit, office, street)

    assert Notification.objects.filter(recipient=lawyer.user).exists()


def test_the_visitor_reads_on_the_tracking_page_that_the_studio_took_it_up(
    client, office, visit, street
):
    issue = convert(visit, office, street)

    html = client.get(TRACK, {"code": issue.tracking_code}).content.decode()

    assert "法律界委员工作室" in html
    assert "张建国" not in html and "13812345678" not in html
    assert "记录了具体位置" not in html


def test_a_visit_becomes_an_issue_once_only(office, visit, street):
    first = convert(visit, office, street)

    with pytest.raises(TransitionRefused, match=first.tracking_code):
        convert(visit, office, street)

    assert ResidentIssue.objects.count() == 1


def test_a_visit_too_long_for_an_issue_is_refused_and_nothing_written(office, studio, street):
    visit = VisitFactory(studio=studio, raised="很长" * 1001)

    with pytest.raises(ValidationError):
        convert(visit, office, street)

    assert not ResidentIssue.objects.exists()
    visit.refresh_from_db()
    assert visit.issue is None


def test_members_cannot_make_issues_themselves(visit, lawyer, street):
    with pytest.raises(TransitionRefused):
        convert(visit, lawyer.user, street)

    assert not ResidentIssue.objects.exists()


def test_the_studios_liaison_converts_even_outside_their_streets_and_then_sees_the_issue(
    client, visit, studio
):
    liaison = LiaisonStaffFactory()
    studio.group.liaison_staff.add(liaison)
    elsewhere = StreetFactory(name="北关街道")  # run by nobody the liaison knows

    issue = convert(visit, liaison, elsewhere)

    client.force_login(liaison)
    page = client.get(reverse("admin:residents_residentissue_change", args=[issue.pk]))
    assert page.status_code == 200
    assert 'id="issue-studio-visit"' in page.content.decode()


def test_other_liaison_staff_reach_neither_the_visit_nor_the_issue(client, office, visit, street):
    issue = convert(visit, office, street)
    stranger = LiaisonStaffFactory()
    ReceptionStudioFactory().group.liaison_staff.add(stranger)
    client.force_login(stranger)

    with pytest.raises(TransitionRefused):
        convert(VisitFactory(studio=visit.studio), stranger, street)
    assert client.get(reverse("admin:studios_visit_change", args=[visit.pk])).status_code == 302
    assert (
        client.get(reverse("admin:residents_residentissue_change", args=[issue.pk])).status_code
        == 302
    )


# --- Links both ways -----------------------------------------------------------------------------


def test_the_visit_and_the_issue_pages_link_to_each_other(client, office, visit, street, lawyer):
    client.force_login(office)
    visit_page = reverse("admin:studios_visit_change", args=[visit.pk])
    response = client.post(
        reverse("admin:studios_visit_to_issue", args=[visit.pk]),
        {
            "issue-street": street.pk,
            "issue-community": "",
            "issue-category": ResidentIssue.Category.ROAD_TRAFFIC,
            "issue-place": "",
        },
        follow=True,
    )
    issue = Visit.objects.get(pk=visit.pk).issue

    assert response.redirect_chain[-1][0] == visit_page
    assert issue.tracking_code in " ".join(str(m) for m in response.context["messages"])
    assert issue.place == visit.studio.name
    html = client.get(visit_page).content.decode()
    assert reverse("admin:residents_residentissue_change", args=[issue.pk]) in html
    assert issue.tracking_code in html
    issue_html = client.get(
        reverse("admin:residents_residentissue_change", args=[issue.pk])
    ).content.decode()
    assert visit_page in issue_html

    client.force_login(lawyer.user)
    member_html = client.get(reverse("studio_member:visit_detail", args=[visit.pk]))
    assert issue.tracking_code in member_html.content.decode()


def test_the_to_issue_form_refuses_a_community_of_another_street(client, office, visit, street):
    elsewhere = CommunityFactory(street=StreetFactory(name="西关街道"))
    client.force_login(office)

    client.post(
        reverse("admin:studios_visit_to_issue", args=[visit.pk]),
        {
            "issue-street": street.pk,
            "issue-community": elsewhere.pk,
            "issue-category": ResidentIssue.Category.ROAD_TRAFFIC,
        },
    )

    assert not ResidentIssue.objects.exists()


# --- Any issue can be handed to a studio ---------------------------------------------------------


def test_staff_hand_any_resident_issue_to_a_studio_from_its_page(client, office, studio, street):
    issue = ResidentIssueFactory(street=street, state=ResidentIssue.State.ACCEPTED)
    client.force_login(office)

    picker = client.get(
        reverse("admin:residents_residentissue_route_targets", args=[issue.pk]), {"term": "法律"}
    ).json()
    client.post(
        reverse("admin:residents_residentissue_step", args=[issue.pk, "route"]),
        {"route-destination": f"studio:{studio.pk}"},
    )

    ids = [child["id"] for section in picker["results"] for child in section["children"]]
    assert f"studio:{studio.pk}" in ids
    assert picker["results"][0]["text"] == "城关街道的委员工作室"  # the street's own first
    assert IssueLink.objects.get(issue=issue).studio == studio
    assert resident_selectors.issues_linked_to(studio).get() == issue


def test_an_exited_studio_or_one_outside_the_scope_takes_no_issue(street):
    mine = ReceptionStudioFactory(street=street)
    liaison = LiaisonStaffFactory()
    mine.group.liaison_staff.add(liaison)
    exited = ReceptionStudioFactory(
        state="exited", exit_reason="场地收回", street=street, group=mine.group
    )
    others = ReceptionStudioFactory(street=street)
    issue = ResidentIssueFactory(street=street, state=ResidentIssue.State.ACCEPTED)
    IssueLink.objects.create(issue=issue, kind="studio", studio=mine)  # in the liaison's reach

    for target in (exited, others):
        with pytest.raises(TransitionRefused):
            resident_services.issue_route(issue=issue, actor=liaison, kind="studio", target=target)

    assert IssueLink.objects.filter(issue=issue).count() == 1
