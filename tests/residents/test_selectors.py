import datetime

import pytest
from django.utils import timezone

from residents import services
from residents.models import ResidentIssue
from residents.selectors import (
    issues_linked_to,
    issues_visible_to,
    normalize_tracking_code,
    possible_duplicates,
    text_similarity,
)
from tests.members.factories import (
    GroupFactory,
    LiaisonStaffFactory,
    MemberFactory,
    OfficeStaffFactory,
)

from .factories import ResidentIssueFactory, StreetFactory

LAMP = "和平里3号楼东门的路灯坏了一个多月，晚上出门很黑，老人摔倒过。"


def _at(issue, days_ago):
    ResidentIssue.objects.filter(pk=issue.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    issue.refresh_from_db()
    return issue


@pytest.fixture
def lamp(street):
    return ResidentIssueFactory(street=street, place="和平里3号楼", description=LAMP)


def test_duplicates_are_similar_issues_of_the_same_street_and_category(lamp, street):
    same = ResidentIssueFactory(
        street=street, place="和平里3号楼东门", description="3号楼东门路灯坏了很久了，晚上很黑。"
    )
    unrelated = ResidentIssueFactory(
        street=street, place="人民公园", description="公园里的健身器材生锈，孩子玩耍有危险。"
    )
    other_street = ResidentIssueFactory(
        street=StreetFactory(name="东关街道"), place="和平里3号楼", description=LAMP
    )
    other_category = ResidentIssueFactory(
        street=street,
        category=ResidentIssue.Category.ENVIRONMENT,
        place="和平里3号楼",
        description=LAMP,
    )

    found = possible_duplicates(lamp, viewer=OfficeStaffFactory())

    assert same in found
    assert unrelated not in found
    assert other_street not in found and other_category not in found
    assert found[0].similarity > 0


def test_duplicates_only_within_thirty_days_and_never_merged_ones(lamp, street):
    old = _at(ResidentIssueFactory(street=street, place="和平里3号楼", description=LAMP), 40)
    merged_survivor = ResidentIssueFactory(street=street, place="和平里3号楼", description=LAMP)
    merged = ResidentIssueFactory(
        street=street,
        place="和平里3号楼",
        description=LAMP,
        state=ResidentIssue.State.MERGED,
        merged_into=merged_survivor,
    )

    found = possible_duplicates(lamp, viewer=OfficeStaffFactory())

    assert old not in found and merged not in found
    assert merged_survivor in found


def test_liaison_staff_see_as_duplicates_only_issues_of_their_scope(lamp, street):
    """An issue routed to a liaison's group from another group's street: its look-alikes of
    that street are another group's issues, neither listed nor offered for merging."""
    from residents.models import IssueLink

    liaison = LiaisonStaffFactory()
    own_group = GroupFactory()
    own_group.liaison_staff.add(liaison)
    office = OfficeStaffFactory()
    IssueLink.objects.create(issue=lamp, kind="group", group=own_group, created_by=office)
    twin = ResidentIssueFactory(street=street, place="和平里3号楼", description=LAMP)
    routed_twin = ResidentIssueFactory(street=street, place="和平里3号楼", description=LAMP)
    IssueLink.objects.create(issue=routed_twin, kind="group", group=own_group, created_by=office)

    found = possible_duplicates(lamp, viewer=liaison)

    assert found == [routed_twin]
    assert twin in possible_duplicates(lamp, viewer=office)


def test_text_similarity_fallback_ranks_overlapping_chinese_text_higher():
    close = text_similarity(LAMP, "3号楼东门路灯坏了很久了，晚上很黑。")
    far = text_similarity(LAMP, "公园里的健身器材生锈，孩子玩耍有危险。")

    assert close > 0.12 > far


def test_liaison_staff_see_issues_of_their_streets_and_routed_to_their_groups(db):
    liaison = LiaisonStaffFactory()
    own_group = GroupFactory()
    own_group.liaison_staff.add(liaison)
    own_street = StreetFactory(name="城关街道", group=own_group)
    in_own_street = ResidentIssueFactory(street=own_street)
    elsewhere = ResidentIssueFactory(street=StreetFactory(name="东关街道"))
    routed_to_member = ResidentIssueFactory(street=elsewhere.street)
    routed_to_group = ResidentIssueFactory(street=elsewhere.street)
    office = OfficeStaffFactory()
    for issue in (routed_to_member, routed_to_group):
        issue.state = ResidentIssue.State.ACCEPTED
        issue.save()
    member = MemberFactory(street_group=own_group)
    services.issue_route(issue=routed_to_member, actor=office, kind="member", target=member)
    services.issue_route(issue=routed_to_group, actor=office, kind="group", target=own_group)

    visible = set(issues_visible_to(liaison))

    assert visible == {in_own_street, routed_to_member, routed_to_group}
    assert set(issues_visible_to(office)) == {
        in_own_street,
        elsewhere,
        routed_to_member,
        routed_to_group,
    }
    assert not issues_visible_to(member.user).exists()
    assert list(issues_linked_to(own_group)) == [routed_to_group]


def test_tracking_codes_are_read_as_residents_type_them():
    assert normalize_tracking_code(" ab2c-d3ef 9 ") == "AB2CD3EF9"
