import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from opinions.models import Bulletin, CommitteeSession, OpinionReport, Proposal
from tests.members.factories import LiaisonStaffFactory, MemberFactory

from .factories import (
    AssignedProposalFactory,
    CommitteeSessionFactory,
    DepartmentFactory,
    ForwardedReportFactory,
    OpinionReportFactory,
    ProposalFactory,
)

pytestmark = pytest.mark.django_db
REPORTS = reverse("admin:opinions_opinionreport_changelist")
PROPOSALS = reverse("admin:opinions_proposal_changelist")
IN_TWO_WEEKS = timezone.localdate() + datetime.timedelta(days=14)


def step_url(model: str, pk: int, step: str) -> str:
    return reverse(f"admin:opinions_{model}_step", args=[pk, step])


@pytest.fixture
def office_client(client, office):
    client.force_login(office)
    return client


@pytest.fixture
def liaison(group):
    user = LiaisonStaffFactory(username="liaison")
    group.liaison_staff.add(user)
    return user


def test_office_forwards_a_report_from_its_step_page(office_client, member, department):
    report = OpinionReportFactory(author=member, state=OpinionReport.State.IN_REVIEW)
    change = reverse("admin:opinions_opinionreport_change", args=[report.pk])
    page = office_client.get(change).content.decode()
    assert step_url("opinionreport", report.pk, "forward") in page
    assert step_url("opinionreport", report.pk, "feedback") not in page

    response = office_client.post(
        step_url("opinionreport", report.pk, "forward"),
        {"department": department.pk, "reply_due": IN_TWO_WEEKS.isoformat()},
    )

    assert response.status_code == 302
    assert response.url == change
    report.refresh_from_db()
    assert (report.state, report.department, report.reply_due) == (
        OpinionReport.State.FORWARDED,
        department,
        IN_TWO_WEEKS,
    )


def test_a_step_refused_in_this_state_changes_nothing(office_client, member, department):
    report = OpinionReportFactory(author=member, state=OpinionReport.State.DRAFT)
    response = office_client.post(
        step_url("opinionreport", report.pk, "forward"),
        {"department": department.pk, "reply_due": IN_TWO_WEEKS.isoformat()},
        follow=True,
    )
    assert "not possible" in response.content.decode()
    report.refresh_from_db()
    assert report.state == OpinionReport.State.DRAFT


def test_bad_step_input_is_shown_on_the_form(office_client, member, department):
    report = OpinionReportFactory(author=member, state=OpinionReport.State.IN_REVIEW)
    response = office_client.post(
        step_url("opinionreport", report.pk, "forward"),
        {"department": department.pk, "reply_due": "2000-01-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reply_due"]
    report.refresh_from_db()
    assert report.state == OpinionReport.State.IN_REVIEW


def test_edit_with_consent_step_needs_the_consent_box(office_client, member):
    report = OpinionReportFactory(author=member, state=OpinionReport.State.SUBMITTED)
    url = step_url("opinionreport", report.pk, "edit")
    assert office_client.get(url).context["form"].initial["content"] == report.content
    response = office_client.post(
        url, {"title": report.title, "content": "改了", "consent_note": ""}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"author_consented", "consent_note"}
    report.refresh_from_db()
    assert report.content != "改了"


def test_the_change_page_does_not_save_edits(office_client, member):
    report = OpinionReportFactory(author=member, state=OpinionReport.State.SUBMITTED)
    change = reverse("admin:opinions_opinionreport_change", args=[report.pk])
    page = office_client.get(change).content.decode()
    assert 'name="_save"' not in page
    office_client.post(change, {"title": "偷改的标题"})
    report.refresh_from_db()
    assert report.title != "偷改的标题"


def test_bulk_start_review_reports_refusals(office_client, member):
    ready = OpinionReportFactory(author=member, state=OpinionReport.State.SUBMITTED)
    draft = OpinionReportFactory(author=member, state=OpinionReport.State.DRAFT)
    office_client.post(
        REPORTS,
        {"action": "start_review_selected", "_selected_action": [ready.pk, draft.pk]},
    )
    ready.refresh_from_db()
    draft.refresh_from_db()
    assert (ready.state, draft.state) == ("in_review", "draft")


def test_filters_by_state_overdue_and_search_by_member(office_client, member, other_member):
    late = ForwardedReportFactory(
        author=member, reply_due=timezone.localdate() - datetime.timedelta(days=2)
    )
    on_time = ForwardedReportFactory(author=other_member)
    draft = OpinionReportFactory(author=other_member)

    def listed(query):
        return set(office_client.get(REPORTS + query).context["cl"].queryset)

    assert listed("?overdue=yes") == {late}
    assert listed("?state__exact=forwarded") == {late, on_time}
    assert listed(f"?q={member.name}") == {late}
    assert listed("?category__exact=urban") == {late, on_time, draft}


def test_report_list_shows_author_department_and_an_overdue_mark(office_client, member):
    late = ForwardedReportFactory(
        author=member, reply_due=timezone.localdate() - datetime.timedelta(days=2)
    )
    ForwardedReportFactory(author=member)  # due later

    html = office_client.get(REPORTS).content.decode()

    assert html.count("<strong>overdue</strong>") == 1  # this suite runs in English
    assert html.count(member.name) >= 2 and late.department.name in html


def test_proposal_department_filter_covers_lead_and_co_handlers(office_client, department):
    lead = AssignedProposalFactory(lead_department=department)
    co = AssignedProposalFactory()
    co.co_departments.add(department)
    AssignedProposalFactory()
    queryset = office_client.get(f"{PROPOSALS}?department={department.pk}").context["cl"].queryset
    assert set(queryset) == {lead, co}


def test_liaison_staff_see_only_their_groups_members_items(client, liaison, member, other_member):
    mine = OpinionReportFactory(author=member, title="本组委员的信息")
    theirs = OpinionReportFactory(author=other_member, title="别组委员的信息")
    coauthored = OpinionReportFactory(author=other_member, title="本组委员参与的信息")
    coauthored.coauthors.add(member)
    my_proposal = ProposalFactory(proposer=member)
    ProposalFactory(proposer=other_member)
    client.force_login(liaison)

    assert set(client.get(REPORTS).context["cl"].queryset) == {mine, coauthored}
    assert set(client.get(PROPOSALS).context["cl"].queryset) == {my_proposal}
    change = reverse("admin:opinions_opinionreport_change", args=[theirs.pk])
    assert client.get(change).status_code == 302  # the admin's "does not exist" redirect
    assert client.post(step_url("opinionreport", theirs.pk, "close")).status_code == 404


def test_liaison_staff_take_steps_on_their_groups_reports(client, liaison, member):
    report = OpinionReportFactory(author=member, state=OpinionReport.State.SUBMITTED)
    client.force_login(liaison)
    client.post(step_url("opinionreport", report.pk, "review"))
    report.refresh_from_db()
    assert report.state == OpinionReport.State.IN_REVIEW


def _export(client, url, query=""):
    response = client.post(f"{url}export/{query}", {"format": "0", "resource": "0"})
    assert response.status_code == 200, response.content[:500]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_excel_export_follows_the_filters_and_has_no_phone_numbers(office_client, member):
    ForwardedReportFactory(author=member, title="已转办的信息")
    OpinionReportFactory(author=member, title="草稿信息")

    rows = _export(office_client, REPORTS, "?state__exact=forwarded")

    titles = [row[1] for row in rows[1:]]
    assert titles == ["已转办的信息"]
    assert member.name in rows[1][4]
    assert not any(member.mobile in str(cell) for row in rows for cell in row)


def test_proposal_export_lists_numbers_and_units(office_client, department):
    proposal = AssignedProposalFactory(lead_department=department, number=12)
    proposal.co_departments.add(DepartmentFactory(name="区财政局"))
    rows = _export(office_client, PROPOSALS)
    assert rows[1][1] == "八届四次 No. 0012"
    assert rows[1][8:10] == ["区住房和城乡建设局", "区财政局"]


def test_liaison_export_is_scoped(client, liaison, member, other_member):
    OpinionReportFactory(author=member, title="本组")
    OpinionReportFactory(author=other_member, title="别组")
    client.force_login(liaison)
    assert [row[1] for row in _export(client, REPORTS)[1:]] == ["本组"]


def test_bulletin_issues_are_numbered_per_year(office_client):
    add = reverse("admin:opinions_bulletin_add")
    for _ in range(2):
        office_client.post(add, {"year": 2025, "title": "", "published_on": "2025-03-01"})
    office_client.post(add, {"year": 2026, "title": "", "published_on": "2026-01-05"})
    assert sorted(Bulletin.objects.values_list("year", "number")) == [
        (2025, 1),
        (2025, 2),
        (2026, 1),
    ]


def test_make_current_moves_the_numbering_to_another_session(office_client, session):
    fifth = CommitteeSessionFactory(term=8, session=5, name="八届五次", is_current=False)
    office_client.post(
        reverse("admin:opinions_committeesession_changelist"),
        {"action": "make_current", "_selected_action": [fifth.pk]},
    )
    assert CommitteeSession.objects.get(is_current=True) == fifth


def test_office_assigns_a_proposal(office_client, department):
    proposal = AssignedProposalFactory(
        state=Proposal.State.FILED, lead_department=None, deadline=None
    )
    co = DepartmentFactory(name="区财政局")
    office_client.post(
        step_url("proposal", proposal.pk, "assign"),
        {"lead": department.pk, "co_handlers": [co.pk], "deadline": IN_TWO_WEEKS.isoformat()},
    )
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.ASSIGNED
    assert list(proposal.co_departments.all()) == [co]


# --- Query counts stay flat as rows grow -----------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _reports(count, author):
    for _ in range(count):
        report = ForwardedReportFactory(author=author)
        report.coauthors.add(MemberFactory())


def _proposals(count, proposer):
    for _ in range(count):
        proposal = AssignedProposalFactory(proposer=proposer)
        proposal.co_departments.add(DepartmentFactory())


@pytest.mark.parametrize("who", ["office", "liaison"])
@pytest.mark.parametrize(("url", "make"), [(REPORTS, _reports), (PROPOSALS, _proposals)])
def test_changelist_queries_do_not_grow_with_rows(client, office, liaison, member, who, url, make):
    client.force_login(office if who == "office" else liaison)
    make(3, member)
    _queries(client, url)  # warms the per-process caches (content types)
    few = _queries(client, url)
    make(12, member)
    assert _queries(client, url) == few


def test_change_page_queries_do_not_grow_with_the_timeline(office_client, member, office):
    from opinions import services

    report = services.opinion_report_create(
        actor=member.user, author=member, title="t", content="c", category="other"
    )
    services.opinion_report_submit(report=report, actor=member.user)
    services.opinion_report_start_review(report=report, actor=office)
    services.opinion_report_adopt(report=report, actor=office, level=1)
    url = reverse("admin:opinions_opinionreport_change", args=[report.pk])
    _queries(office_client, url)
    few = _queries(office_client, url)
    for level in (2, 3, 4):
        services.opinion_report_adopt(report=report, actor=office, level=level)
        services.opinion_report_record_instruction(
            report=report, actor=office, leader="区长", text="阅"
        )
    assert _queries(office_client, url) == few


def test_proposal_change_page_queries_do_not_grow_with_replies(office_client, office, department):
    from opinions import services

    proposal = AssignedProposalFactory(lead_department=department)
    co = DepartmentFactory(name="区财政局")
    proposal.co_departments.add(co)
    url = reverse("admin:opinions_proposal_change", args=[proposal.pk])
    services.proposal_co_reply(proposal=proposal, actor=office, department=co, text="一")
    _queries(office_client, url)
    few = _queries(office_client, url)
    for text in ("二", "三", "四"):
        services.proposal_co_reply(proposal=proposal, actor=office, department=co, text=text)
    assert _queries(office_client, url) == few


def test_roles_get_their_permissions_from_the_migration():
    from django.contrib.auth.models import Group as AuthGroup

    from members import roles

    office = set(
        AuthGroup.objects.get(name=roles.OFFICE_STAFF).permissions.values_list(
            "codename", flat=True
        )
    )
    liaison = set(
        AuthGroup.objects.get(name=roles.LIAISON_STAFF).permissions.values_list(
            "codename", flat=True
        )
    )
    assert {"change_opinionreport", "change_proposal", "add_declinereason"} <= office
    assert {"change_opinionreport", "view_department"} <= liaison
    assert "add_declinereason" not in liaison
    assert "delete_opinionreport" not in liaison
