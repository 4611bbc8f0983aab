"""Reports and proposals are found in the admin by words in their content, not only the title;
on PostgreSQL the search is served by trigram indexes (core/trigram.py)."""

import pytest
from django.db import connection
from django.urls import reverse

from opinions.models import OpinionReport, Proposal
from tests.members.factories import LiaisonStaffFactory

from .factories import OpinionReportFactory, ProposalFactory

pytestmark = pytest.mark.django_db
REPORTS = reverse("admin:opinions_opinionreport_changelist")
PROPOSALS = reverse("admin:opinions_proposal_changelist")


def found(client, url, term) -> set:
    response = client.get(url, {"q": term})
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def test_a_word_only_in_a_reports_content_finds_it(client, office, member):
    wanted = OpinionReportFactory(
        author=member,
        title="关于学校周边安全的建议",
        content="XX小学校门口早晚高峰人车混行，建议设立护学岗。",
        state=OpinionReport.State.SUBMITTED,
    )
    OpinionReportFactory(author=member, title="关于路灯的建议", content="和平里路灯损坏。")
    client.force_login(office)

    assert found(client, REPORTS, "护学岗") == {wanted}
    assert found(client, REPORTS, "学校周边") == {wanted}


def test_a_word_only_in_a_proposals_content_finds_it(client, office, member):
    wanted = ProposalFactory(
        proposer=member,
        title="关于养老服务的提案",
        content="建议在社区建设老年食堂和日间照料中心。",
    )
    ProposalFactory(proposer=member, title="关于停车的提案", content="老旧小区停车难。")
    client.force_login(office)

    assert found(client, PROPOSALS, "老年食堂") == {wanted}
    assert Proposal.objects.count() == 2


def test_liaison_staff_search_only_their_groups_reports(client, group, member, other_member):
    liaison = LiaisonStaffFactory()
    group.liaison_staff.add(liaison)
    own = OpinionReportFactory(author=member, content="校门口需要护学岗")
    OpinionReportFactory(author=other_member, content="校门口需要护学岗")
    client.force_login(liaison)

    assert found(client, REPORTS, "护学岗") == {own}


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("opinions_opinionreport", "content"),
        ("opinions_opinionreport", "title"),
        ("opinions_proposal", "content"),
        ("opinions_proposal", "title"),
    ],
)
def test_content_search_can_use_a_trigram_index(table, column):
    # The planner picks the index once the table is big; on a test's few rows, forbid the
    # sequential and ordered index scans to see that the trigram index (GIN: bitmap scans
    # only) serves the admin's exact expression.
    model = OpinionReport if table == "opinions_opinionreport" else Proposal
    sql, params = model.objects.filter(**{f"{column}__icontains": "护学岗"}).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)  # noqa: S608 (Django's own SQL)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "_trgm" in plan, plan
