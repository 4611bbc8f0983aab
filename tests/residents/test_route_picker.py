"""The route-to picker of a resident issue: Django admin's autocomplete fed by the issue's own
endpoint, offering the groups and members of the issue's street first, then the rest, each in
pinyin order; scoped for liaison staff; a choice outside what the user may pick writes nothing."""

import pytest
from django.urls import reverse

from residents.models import IssueLink, ResidentIssue
from residents.selectors import ROUTE_PAGE_SIZE
from tests.members.factories import (
    GroupFactory,
    LiaisonStaffFactory,
    MemberFactory,
    OfficeStaffFactory,
    UserFactory,
)

from .factories import ResidentIssueFactory, StreetFactory


def targets_url(issue):
    return reverse("admin:residents_residentissue_route_targets", args=[issue.pk])


def _pick(client, issue, **params):
    response = client.get(targets_url(issue), params)
    assert response.status_code == 200
    return response.json()


def _texts(data) -> list[list[str]]:
    return [[child["text"] for child in section["children"]] for section in data["results"]]


@pytest.fixture
def near_group(db):
    return GroupFactory(name="城关街道活动组")


@pytest.fixture
def far_group(db):
    return GroupFactory(name="北关街道活动组")


@pytest.fixture
def issue(near_group):
    street = StreetFactory(name="城关街道", group=near_group)
    return ResidentIssueFactory(street=street, state=ResidentIssue.State.ACCEPTED)


@pytest.fixture
def people(near_group, far_group):
    GroupFactory(name="安定街道活动组")  # first in pinyin order, but of another street
    for name in ["赵敏", "张伟"]:
        MemberFactory(name=name, street_group=near_group, sector__name="经济界")
    for name in ["王芳", "李娜"]:
        MemberFactory(name=name, street_group=far_group, sector__name="经济界")


@pytest.fixture
def office_client(client, db):
    client.force_login(OfficeStaffFactory())
    return client


def test_the_streets_group_and_members_come_first_then_the_rest_in_pinyin_order(
    office_client, issue, people
):
    data = _pick(office_client, issue)

    assert _texts(data) == [
        ["城关街道活动组"],
        ["张伟（经济界）", "赵敏（经济界）"],
        ["安定街道活动组", "北关街道活动组"],
        ["李娜（经济界）", "王芳（经济界）"],
    ]
    assert data["results"][0]["children"][0]["id"].startswith("group:")
    assert data["pagination"] == {"more": False}


def test_the_picker_finds_by_name_and_by_pinyin(office_client, issue, people):
    assert _texts(_pick(office_client, issue, term="张")) == [["张伟（经济界）"]]
    assert _texts(_pick(office_client, issue, term="zhang")) == [["张伟（经济界）"]]
    assert _texts(_pick(office_client, issue, term="李")) == [["李娜（经济界）"]]
    assert _texts(_pick(office_client, issue, term="beiguan")) == []  # whole-word pinyin
    assert _texts(_pick(office_client, issue, term="bei")) == [["北关街道活动组"]]


def test_a_long_roster_comes_a_page_at_a_time_at_a_constant_query_count(
    office_client, issue, people, django_assert_max_num_queries
):
    for n in range(ROUTE_PAGE_SIZE + 5):
        MemberFactory(name=f"孙{n:02d}")

    with django_assert_max_num_queries(20):
        first = _pick(office_client, issue)
    with django_assert_max_num_queries(20):
        second = _pick(office_client, issue, page=2)

    assert sum(map(len, _texts(first))) == ROUTE_PAGE_SIZE
    assert first["pagination"]["more"] is True
    assert second["pagination"]["more"] is False
    ids = [c["id"] for data in (first, second) for s in data["results"] for c in s["children"]]
    assert len(ids) == len(set(ids)) == 3 + 4 + ROUTE_PAGE_SIZE + 5  # groups, members, 孙…


def test_liaison_staff_are_offered_only_their_own_groups_and_members(
    client, issue, people, near_group
):
    liaison = LiaisonStaffFactory()
    near_group.liaison_staff.add(liaison)
    client.force_login(liaison)

    assert _texts(_pick(client, issue)) == [
        ["城关街道活动组"],
        ["张伟（经济界）", "赵敏（经济界）"],
    ]
    assert _texts(_pick(client, issue, term="li")) == []


def test_other_users_cannot_list_an_issues_route_targets(client, issue, people, far_group):
    other_liaison = LiaisonStaffFactory()
    far_group.liaison_staff.add(other_liaison)
    client.force_login(other_liaison)
    assert client.get(targets_url(issue)).status_code == 404  # not an issue of their streets

    client.force_login(UserFactory())  # not staff: the admin's login page
    assert client.get(targets_url(issue)).status_code == 302


def test_routing_to_someone_outside_the_users_reach_is_refused_and_writes_nothing(
    client, issue, people, near_group
):
    liaison = LiaisonStaffFactory()
    near_group.liaison_staff.add(liaison)
    client.force_login(liaison)
    outsider = MemberFactory(name="李娜二", street_group=GroupFactory(name="西关活动组"))
    url = reverse("admin:residents_residentissue_step", args=[issue.pk, "route"])

    for value in [f"member:{outsider.pk}", "member:abc", "studio:1", ""]:
        response = client.post(url, {"route-destination": value}, follow=True)
        messages = [str(m) for m in response.context["messages"]]
        assert any("活动组、委员或委员工作室" in m for m in messages), messages

    assert not IssueLink.objects.exists()
    issue.refresh_from_db()
    assert issue.state == ResidentIssue.State.ACCEPTED


def test_routing_to_a_picked_member_of_the_street_hands_the_issue_on(office_client, issue, people):
    zhang = MemberFactory._meta.model.objects.get(name="张伟")
    url = reverse("admin:residents_residentissue_step", args=[issue.pk, "route"])

    office_client.post(url, {"route-destination": f"member:{zhang.pk}"})

    assert IssueLink.objects.get(issue=issue).member == zhang


def test_the_change_page_loads_the_autocomplete_from_djangos_own_static_files(office_client, issue):
    html = office_client.get(
        reverse("admin:residents_residentissue_change", args=[issue.pk])
    ).content.decode()
    assert 'class="admin-autocomplete"' in html
    assert f'data-ajax--url="{targets_url(issue)}"' in html
    assert "admin/js/vendor/select2/select2.full" in html
    assert "admin/js/autocomplete.js" in html
