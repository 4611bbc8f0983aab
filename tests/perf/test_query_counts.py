"""Query counts of the benchmarked pages that the app suites do not already pin down.

Already covered elsewhere (and measured by benchmarks/): the member dashboard
(tests/members/test_views.py), the member's report list and a report's page
(tests/opinions/test_query_counts.py), the tracking page and the form GET
(tests/residents/test_views.py), and the admin changelists of members, opinion reports and
resident issues (tests/members/test_admin.py, tests/opinions/test_admin.py,
tests/residents/test_admin.py). Here: the resident form's valid POST, and the form GET as the
issue table grows, which is what a busy consultation week does.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from residents.models import ResidentIssue
from tests.residents.conftest import CAPTCHA_PASSED
from tests.residents.factories import CommunityFactory, StreetFactory

pytestmark = pytest.mark.django_db

NEW = reverse("residents:new")


@pytest.fixture(autouse=True)
def _captcha_and_rates(settings):
    settings.CAPTCHA_TEST_MODE = True
    settings.RESIDENT_ISSUE_SUBMIT_RATE = None


def _post(client, community) -> int:
    data = {
        "category": ResidentIssue.Category.PUBLIC_FACILITIES,
        "street": community.street_id,
        "community": community.pk,
        "place": "和平里3号楼东门",
        "description": "路灯坏了一个多月，晚上出门很黑。",
        "name": "张先生",
        "mobile": "13912345678",
        "consent": "on",
        **CAPTCHA_PASSED,
    }
    with CaptureQueriesContext(connection) as captured:
        response = client.post(NEW, data)
    assert response.status_code == 302, response.content.decode()[:500]
    return len(captured)


def _get(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(NEW).status_code == 200
    return len(captured)


def _grow(count):
    for _ in range(count):
        CommunityFactory(street=StreetFactory())


def test_resident_form_post_runs_as_many_queries_with_many_issues_and_communities(client):
    community = CommunityFactory()
    _post(client, community)  # warms the per-process caches (content types)
    few = _post(client, community)
    _grow(20)
    for _ in range(30):
        _post(client, community)
    assert _post(client, community) == few
    assert ResidentIssue.objects.count() == 33
    # One transaction: the issue and its timeline row; the streets are kept, the anti-robot
    # check reads no table.
    assert few <= 10


def test_resident_form_get_runs_as_many_queries_with_many_issues(client):
    community = CommunityFactory()
    _get(client)
    few = _get(client)
    _grow(20)
    for _ in range(30):
        _post(client, community)
    assert _get(client) == few
