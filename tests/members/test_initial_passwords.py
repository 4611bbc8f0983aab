"""Initial passwords issued in bulk by the office: the printed sheet, logging in with a slip,
the forced change at the first login, and who may do it."""

import re

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import password_validation
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members import services
from members.models import Member, User
from members.passwords import (
    READABLE_DIGITS,
    READABLE_LOWER,
    READABLE_UPPER,
    generate_initial_password,
)
from tests.members.factories import (
    GroupFactory,
    LiaisonStaffFactory,
    MemberFactory,
    OfficeStaffFactory,
)

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
CHANGELIST = reverse("admin:members_member_changelist")
SLIP = re.compile(
    r'<dd class="slip-code">(?P<login>\d{11})</dd>\s*<dt>[^<]*</dt>'
    r'<dd class="slip-code slip-password">(?P<password>[^<]+)</dd>'
)


@pytest.fixture
def office():
    return OfficeStaffFactory(username="zhangwei", first_name="张伟")


@pytest.fixture
def imported():
    """Members as the roster import leaves them: a login without a usable password."""
    group = GroupFactory()
    members = [
        MemberFactory(name=name, mobile=mobile, user__username=mobile, street_group=group)
        for name, mobile in (("王秀英", "13811110001"), ("李建国", "13811110002"))
    ]
    for member in members:
        member.user.set_unusable_password()
        member.user.save()
    return members


def _issue(client, user, members):
    client.force_login(user)
    return client.post(
        CHANGELIST,
        {"action": "issue_initial_passwords", "_selected_action": [m.pk for m in members]},
    )


def _slips(response) -> dict[str, str]:
    return {m["login"]: m["password"] for m in SLIP.finditer(response.content.decode())}


def _login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.9.9.9")


def test_office_gets_one_printable_slip_per_member_with_a_working_password(
    client, office, imported
):
    response = _issue(client, office, imported)

    assert response.status_code == 200
    page = response.content.decode()
    assert "王秀英" in page and "李建国" in page
    slips = _slips(response)
    assert set(slips) == {"13811110001", "13811110002"}
    assert len(set(slips.values())) == 2
    assert "no-store" in response["Cache-Control"]
    assert "css/password-slips.css" in page and "<style" not in page and " style=" not in page
    assert not mail.outbox
    for member in Member.objects.filter(pk__in=[m.pk for m in imported]).select_related("user"):
        assert member.user.must_change_password
        assert member.user.check_password(slips[member.mobile])

    # Logging in with a slip works, through the login page (django-axes needs the request).
    fresh = client.__class__()
    response = _login(fresh, "13811110001", slips["13811110001"])
    assert response.status_code == 302


def test_first_login_is_forced_to_change_then_reaches_the_member_home(client, office, imported):
    password = _slips(_issue(client, office, imported))["13811110001"]
    member_client = client.__class__()
    _login(member_client, "13811110001", password)

    for url in (reverse("members:dashboard"), reverse("opinions:report_list"), "/"):
        response = member_client.get(url)
        assert response.status_code == 302, url
        assert response.url == reverse("password_change")
    assert member_client.get(reverse("password_change")).status_code == 200

    response = member_client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "Qiuyue-2026-xin",
            "new_password2": "Qiuyue-2026-xin",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("members:dashboard")
    assert member_client.get(reverse("members:dashboard")).status_code == 200
    user = User.objects.get(username="13811110001")
    assert not user.must_change_password
    assert user.check_password("Qiuyue-2026-xin") and not user.check_password(password)

    # The next login goes straight to the member's home.
    again = client.__class__()
    response = _login(again, "13811110001", "Qiuyue-2026-xin")
    assert response.url == reverse("members:dashboard")
    assert again.get(response.url).status_code == 200


def test_a_refused_new_password_keeps_the_obligation(client, office, imported):
    password = _slips(_issue(client, office, imported))["13811110001"]
    member_client = client.__class__()
    _login(member_client, "13811110001", password)

    response = member_client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "12345678", "new_password2": "12345678"},
    )

    assert response.status_code == 200
    assert User.objects.get(username="13811110001").must_change_password
    assert member_client.get(reverse("members:dashboard")).url == reverse("password_change")


@pytest.mark.parametrize("make_user", [LiaisonStaffFactory, lambda: MemberFactory().user])
def test_only_office_staff_can_issue_initial_passwords(client, imported, make_user):
    user = make_user()
    before = {m.pk: m.user.password for m in imported}

    response = _issue(client, user, imported)

    assert response.status_code in (200, 302, 403)
    assert not _slips(response)
    for member in Member.objects.filter(pk__in=before).select_related("user"):
        assert member.user.password == before[member.pk]
        assert not member.user.must_change_password
    with pytest.raises(PermissionDenied):
        services.initial_passwords_issue(members=Member.objects.filter(pk__in=before), actor=user)


def test_liaison_staff_are_not_offered_the_action(client, imported):
    liaison = LiaisonStaffFactory()
    imported[0].street_group.liaison_staff.add(liaison)
    client.force_login(liaison)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert "issue_initial_passwords" not in response.content.decode()


def test_members_who_left_get_no_password_and_nothing_is_written(client, office, imported):
    gone = MemberFactory(name="赵离任", status=Member.Status.LEFT, left_on="2025-01-01")
    response = _issue(client, office, [*imported, gone])

    assert response.status_code == 302
    message = str(next(iter(get_messages(response.wsgi_request))))
    assert "赵离任" in message
    assert not User.objects.filter(must_change_password=True).exists()


def test_the_issue_is_in_the_audit_trail_with_who_did_it(client, office, imported):
    _issue(client, office, imported)

    entries = LogEntry.objects.filter(
        content_type__model="user",
        object_id__in=[m.user_id for m in imported],
        action=LogEntry.Action.UPDATE,
        changes__must_change_password=["False", "True"],
    )
    assert entries.count() == 2
    assert {e.actor for e in entries} == {office}
    assert all("13811" not in e.object_repr for e in entries)


def test_issuing_costs_the_same_queries_for_more_members(client, office):
    group = GroupFactory()
    _issue(client, office, MemberFactory.create_batch(1, street_group=group))  # warm caches
    few = MemberFactory.create_batch(2, street_group=group)
    many = MemberFactory.create_batch(10, street_group=group)
    with CaptureQueriesContext(connection) as two:
        _issue(client, office, few)
    with CaptureQueriesContext(connection) as ten:
        _issue(client, office, many)
    assert len(ten) == len(two)


def test_generated_passwords_are_readable_and_pass_the_rules():
    member = MemberFactory(mobile="13811112222", user__username="13811112222")
    readable = set(READABLE_LOWER + READABLE_UPPER + READABLE_DIGITS + "-")
    for _ in range(200):
        password = generate_initial_password(member.user)
        assert set(password) <= readable
        password_validation.validate_password(password, member.user)
