"""Admin lists count at most a bound of rows (core/admin_pagination.py) and say so."""

import pytest
from django.urls import reverse

from core.admin_pagination import BoundedCountPaginator
from tests.members.factories import GroupFactory, LiaisonStaffFactory, OfficeStaffFactory
from tests.residents.factories import ResidentIssueFactory, StreetFactory

pytestmark = pytest.mark.django_db

URL = reverse("admin:residents_residentissue_changelist")


@pytest.fixture
def small_bound(monkeypatch):
    monkeypatch.setattr(BoundedCountPaginator, "count_limit", 4)
    monkeypatch.setattr("residents.admin.ResidentIssueAdmin.list_per_page", 2)


def _page(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def test_below_the_bound_the_count_is_exact(client, small_bound):
    ResidentIssueFactory.create_batch(3)
    response = _page(client, OfficeStaffFactory())
    cl = response.context["cl"]
    assert cl.result_count == 3 and not cl.paginator.capped
    paginator_text = response.content.decode().split('class="paginator"')[1].split("</p>")[0]
    assert "3 " in paginator_text and "超过" not in paginator_text


def test_past_the_bound_the_list_says_there_are_more_and_offers_no_select_all(client, small_bound):
    ResidentIssueFactory.create_batch(7)
    response = _page(client, OfficeStaffFactory())
    cl = response.context["cl"]
    assert cl.paginator.capped and cl.result_count == 4
    assert cl.paginator.num_pages == 2
    paginator_text = response.content.decode().split('class="paginator"')[1].split("</p>")[0]
    assert "超过 4 条" in paginator_text and "筛选" in paginator_text
    # "Select all 4" would be a number that is not the whole list.
    assert 'class="question' not in response.content.decode()


def test_the_bound_counts_a_liaisons_own_rows_only(client, small_bound):
    liaison = LiaisonStaffFactory()
    group = GroupFactory()
    group.liaison_staff.add(liaison)
    ResidentIssueFactory.create_batch(3, street=StreetFactory(group=group))
    ResidentIssueFactory.create_batch(6)
    cl = _page(client, liaison).context["cl"]
    assert cl.result_count == 3 and not cl.paginator.capped


def test_a_filtered_list_past_the_bound_is_exact_once_narrowed(client, small_bound):
    street = StreetFactory()
    ResidentIssueFactory.create_batch(2, street=street)
    ResidentIssueFactory.create_batch(6)
    office = OfficeStaffFactory()
    assert _page(client, office).context["cl"].paginator.capped
    cl = _page(client, office, street=street.pk).context["cl"]
    assert cl.result_count == 2 and not cl.paginator.capped
