"""Resident issues, opinion reports, proposals and members leave by their own ways out (closing,
declining, leaving): no list action deletes them in bulk, and only a superuser deletes one."""

import pytest
from django.urls import reverse

from members.models import Member
from opinions.models import OpinionReport, Proposal
from residents.models import ResidentIssue
from tests.members.factories import MemberFactory, OfficeStaffFactory, UserFactory
from tests.opinions.factories import OpinionReportFactory, ProposalFactory
from tests.residents.factories import ResidentIssueFactory

pytestmark = pytest.mark.django_db

KEPT = [
    (ResidentIssue, ResidentIssueFactory),
    (OpinionReport, OpinionReportFactory),
    (Proposal, ProposalFactory),
    (Member, MemberFactory),
]


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize(("model", "factory"), KEPT)
def test_office_staff_cannot_delete_from_the_list_or_the_record(client, model, factory):
    row = factory()
    client.force_login(OfficeStaffFactory())

    changelist = client.get(_url(model, "changelist"))
    assert changelist.status_code == 200
    assert b"delete_selected" not in changelist.content

    # The bulk action posted by hand is refused too.
    client.post(
        _url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert model.objects.filter(pk=row.pk).exists()

    assert client.get(_url(model, "delete", row.pk)).status_code == 403
    assert client.post(_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=row.pk).exists()

    change = client.get(_url(model, "change", row.pk))
    assert change.status_code == 200
    assert _url(model, "delete", row.pk).encode() not in change.content


@pytest.mark.parametrize(("model", "factory"), KEPT)
def test_superuser_deletes_one_record_from_its_page_not_from_the_list(client, model, factory):
    row, other = factory(), factory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    changelist = client.get(_url(model, "changelist"))
    assert b"delete_selected" not in changelist.content
    client.post(
        _url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk, other.pk], "post": "yes"},
    )
    assert model.objects.filter(pk__in=[row.pk, other.pk]).count() == 2

    assert client.get(_url(model, "delete", row.pk)).status_code == 200
    response = client.post(_url(model, "delete", row.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not model.objects.filter(pk=row.pk).exists()
    assert model.objects.filter(pk=other.pk).exists()
