"""Office staff find a resident issue by the resident's name or phone; a search by number is
logged as a look at a number is, and liaison staff find only their own streets' issues."""

import pytest
from django.urls import reverse

from residents.models import PhoneSearchLog
from tests.members.factories import GroupFactory, LiaisonStaffFactory, OfficeStaffFactory

from .factories import ResidentIssueFactory, StreetFactory

CHANGELIST = reverse("admin:residents_residentissue_changelist")


@pytest.fixture
def office(db):
    return OfficeStaffFactory()


@pytest.fixture
def issues(street):
    wanted = ResidentIssueFactory(street=street, name="张桂兰", mobile="13812345678")
    other = ResidentIssueFactory(street=street, name="李大爷", mobile="13987654321")
    return wanted, other


def found(client, term) -> set:
    response = client.get(CHANGELIST, {"q": term})
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def test_office_finds_an_issue_by_the_residents_name(client, office, issues):
    client.force_login(office)

    assert found(client, "桂兰") == {issues[0]}
    assert not PhoneSearchLog.objects.exists()


@pytest.mark.parametrize(
    "typed", ["13812345678", "138 1234 5678", "+86 138-1234-5678", "１３８１２３４５６７８"]
)
def test_office_finds_an_issue_by_the_phone_however_typed_and_the_search_is_logged(
    client, office, issues, typed
):
    client.force_login(office)

    assert found(client, typed) == {issues[0]}

    log = PhoneSearchLog.objects.get()
    assert (log.searcher, log.masked_mobile) == (office, "138****5678")
    assert log.searched_at is not None
    page = client.get(CHANGELIST, {"q": typed}).content.decode()
    assert "13812345678" not in page.replace(typed, "")


def test_a_number_nobody_left_finds_nothing_and_is_logged_too(client, office, issues):
    client.force_login(office)

    assert found(client, "13700000000") == set()
    assert PhoneSearchLog.objects.get().masked_mobile == "137****0000"


def test_liaison_staff_find_by_phone_only_within_their_streets(client, street):
    liaison = LiaisonStaffFactory()
    group = GroupFactory()
    group.liaison_staff.add(liaison)
    street.group = group
    street.save()
    own = ResidentIssueFactory(street=street, mobile="13812345678")
    ResidentIssueFactory(street=StreetFactory(name="东关街道"), mobile="13812345678")
    client.force_login(liaison)

    assert found(client, "13812345678") == {own}
    assert PhoneSearchLog.objects.get().searcher == liaison


def test_search_log_is_read_only_in_the_admin(client, office, issues):
    client.force_login(office)
    found(client, "13812345678")
    log_list = reverse("admin:residents_phonesearchlog_changelist")

    page = client.get(log_list).content.decode()

    assert "138****5678" in page
    assert client.get(reverse("admin:residents_phonesearchlog_add")).status_code == 403


def test_liaison_staff_cannot_read_the_search_log(client, office, issues):
    client.force_login(office)
    found(client, "13812345678")
    client.force_login(LiaisonStaffFactory())

    response = client.get(reverse("admin:residents_phonesearchlog_changelist"))

    assert response.status_code == 403
