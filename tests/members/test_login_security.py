"""Login: lockout after repeated failures, equal work for known and unknown mobiles, the record
of every attempt, idle session limits, the staff second factor and the password rules."""

import datetime
import time

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from members import sessions
from members.passwords import CharacterKindsValidator, NotMobileValidator
from tests.members.factories import DEFAULT_PASSWORD, MemberFactory, OfficeStaffFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _login(client, username, password, address="10.1.1.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_sixth_attempt_refused_even_with_the_right_password_and_logged(client):
    member = MemberFactory(mobile="13912345678")
    for _ in range(4):
        assert _login(client, "13912345678", "wrong-Password1").status_code == 200
    # The fifth failure locks: its answer is already the lockout page.
    assert _login(client, "13912345678", "wrong-Password1").status_code == 429

    response = _login(client, "13912345678", DEFAULT_PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    retry_at = timezone.localtime() + datetime.timedelta(minutes=30)
    assert "暂停" in page or "锁定" in page
    assert (
        retry_at.strftime("%H:%M") in page
        or (retry_at - datetime.timedelta(minutes=1)).strftime("%H:%M") in page
    )
    failures = AccessFailureLog.objects.filter(username=member.mobile, ip_address="10.1.1.1")
    assert failures.count() == 6
    assert failures.order_by("-attempt_time", "-pk").first().locked_out
    assert not AccessLog.objects.exists()


def test_lockout_is_per_address_and_counts_the_number_however_typed(client):
    member = MemberFactory(mobile="13912345678")
    for typed in (
        "139 1234 5678",
        "139-1234-5678",
        "+86 13912345678",
        "１３９１２３４５６７８",
        "x",
    ):
        _login(client, typed if typed != "x" else "13912345678", "wrong-Password1")
    assert _login(client, "13912345678", DEFAULT_PASSWORD).status_code == 429

    # The same member from another network, and another login from the locked network.
    other = Client()
    assert _login(other, member.mobile, DEFAULT_PASSWORD, address="10.2.2.2").status_code == 302
    colleague = MemberFactory()
    assert _login(Client(), colleague.mobile, DEFAULT_PASSWORD).status_code == 302


def test_staff_unlock_a_login_in_the_admin(client):
    member = MemberFactory()
    for _ in range(5):
        _login(client, member.mobile, "wrong-Password1")
    assert _login(client, member.mobile, DEFAULT_PASSWORD).status_code == 429
    office = Client()
    office.force_login(OfficeStaffFactory())
    changelist = office.get("/admin/axes/accessattempt/")
    assert changelist.status_code == 200
    assert "访问尝试" in changelist.content.decode()
    attempt = AccessAttempt.objects.get(username=member.mobile)

    office.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )

    assert not AccessAttempt.objects.exists()
    assert _login(client, member.mobile, DEFAULT_PASSWORD).status_code == 302


def test_success_and_logout_are_logged_with_time_address_and_user(client):
    member = MemberFactory()
    assert _login(client, member.mobile, DEFAULT_PASSWORD, address="10.3.3.3").status_code == 302
    client.post("/accounts/logout/", REMOTE_ADDR="10.3.3.3")

    entry = AccessLog.objects.get()
    assert entry.username == member.user.username
    assert entry.ip_address == "10.3.3.3"
    assert entry.attempt_time and entry.logout_time


class CountingHasher(MD5PasswordHasher):
    """MD5 (the suite's fast hasher) counting how many passwords it hashes."""

    algorithm = "counting_md5"
    calls = 0

    def encode(self, password, salt):
        type(self).calls += 1
        return super().encode(password, salt)


def _hashes_for(client, username) -> int:
    CountingHasher.calls = 0
    response = _login(client, username, "wrong-Password1", address=f"10.9.9.{username[-1]}")
    assert response.status_code == 200
    return CountingHasher.calls


def test_a_wrong_password_costs_the_same_for_a_member_mobile_and_an_unknown_one(client, settings):
    settings.PASSWORD_HASHERS = ["tests.members.test_login_security.CountingHasher"]
    member = MemberFactory(mobile="13912345671")
    member.user.set_password(DEFAULT_PASSWORD)
    member.user.save()
    OfficeStaffFactory(username="office1").set_password(DEFAULT_PASSWORD)

    known = _hashes_for(client, member.mobile)
    unknown = _hashes_for(client, "13700000002")
    known_staff = _hashes_for(client, "office1")
    unknown_name = _hashes_for(client, "nobody3")

    assert known == unknown == known_staff == unknown_name == 1


def test_session_ends_after_the_idle_limit_of_the_role(client, settings):
    settings.STAFF_SESSION_IDLE_SECONDS = 1800
    settings.MEMBER_SESSION_IDLE_SECONDS = 8 * 3600
    staff = OfficeStaffFactory()
    staff_client = Client()
    assert _login(staff_client, staff.username, DEFAULT_PASSWORD).status_code == 302
    member = MemberFactory()
    assert _login(client, member.mobile, DEFAULT_PASSWORD).status_code == 302

    def expires_in(c) -> float:
        session = Session.objects.get(session_key=c.session.session_key)
        return (session.expire_date - timezone.now()).total_seconds()

    assert 1790 < expires_in(staff_client) <= 1800
    assert 8 * 3600 - 10 < expires_in(client) <= 8 * 3600

    # A request within the minute writes nothing; one after it pushes the expiry forward.
    key = staff_client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + datetime.timedelta(seconds=600)
    )
    staff_client.get("/admin/")
    assert expires_in(staff_client) < 601
    session = staff_client.session
    session[sessions.TOUCHED_KEY] = int(time.time()) - 61
    session.save()
    assert staff_client.get("/admin/").status_code == 200
    assert expires_in(staff_client) > 1790

    # Past the limit the session is gone: the admin asks for a login again.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert staff_client.get("/admin/").status_code == 302


def _admin_login(client, username, token=""):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": DEFAULT_PASSWORD, "otp_token": token},
    )


def test_staff_with_an_authenticator_must_give_its_code(client):
    staff = OfficeStaffFactory()
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)

    refused = _admin_login(client, staff.username)
    assert refused.status_code == 200
    assert "验证码" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    wrong = _admin_login(client, staff.username, "000000")
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session

    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    assert _admin_login(client, staff.username, code).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_staff_without_an_authenticator_log_in_as_before(client):
    staff = OfficeStaffFactory()
    assert _admin_login(client, staff.username).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_member_login_page_does_not_skip_the_second_factor(client):
    staff = OfficeStaffFactory()
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    assert _login(client, staff.username, DEFAULT_PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 302


def test_staff_set_up_an_authenticator(client):
    staff = OfficeStaffFactory()
    client.force_login(staff)
    page = client.get("/accounts/two-factor/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)

    wrong = client.post("/accounts/two-factor/", {"token": "000000"})
    assert wrong.status_code == 200
    device.refresh_from_db()
    assert not device.confirmed

    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post("/accounts/two-factor/", {"token": code}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_members_have_no_second_factor_page(client):
    client.force_login(MemberFactory().user)
    assert client.get("/accounts/two-factor/").status_code == 403


@pytest.mark.parametrize(
    "password",
    ["Ab1!", "abcdefgh1", "ABCDEFGH1", "abcdefghAB", "longpassword", "12345678901"],
)
def test_passwords_too_short_or_of_fewer_than_three_kinds_are_refused(password):
    with pytest.raises(ValidationError):
        password_validation.validate_password(password)


def test_a_password_of_three_kinds_is_accepted():
    password_validation.validate_password("Qinghe-road7")
    CharacterKindsValidator().validate("qinghe-road7")


def test_a_password_containing_the_member_mobile_is_refused():
    member = MemberFactory(mobile="13912345678")
    with pytest.raises(ValidationError, match="手机号|mobile"):
        NotMobileValidator().validate("Ab!13912345678", user=member.user)
    with pytest.raises(ValidationError):
        password_validation.validate_password("Ab!13912345678", user=member.user)
    NotMobileValidator().validate("Ab!13800001111", user=member.user)
