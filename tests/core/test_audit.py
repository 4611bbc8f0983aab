import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from config.celery import app
from core.audit import AUDITED_MODELS, audit_purge_expired
from core.tasks import purge_expired_audit_entries
from members.models import Member
from opinions.models import OpinionReport
from tests.members.factories import (
    GroupFactory,
    LiaisonStaffFactory,
    MemberFactory,
    OfficeStaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:auditlog_logentry_changelist")


@pytest.fixture
def office():
    return OfficeStaffFactory(username="zhangwei", first_name="张伟")


@pytest.fixture
def member():
    return MemberFactory(
        name="王秀英",
        work_unit="城关小学",
        mobile="13811110001",
        user__username="13811110001",
        street_group=GroupFactory(),
    )


def _entries_for(obj):
    return LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk")


def _edit_member_in_admin(client, user, member, **changes):
    from tests.members.test_admin import _change_url, _form_data

    client.force_login(user)
    form = client.get(_change_url(member)).context["adminform"].form
    data = _form_data(form)
    data.update(left_on="", **changes)
    response = client.post(_change_url(member), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_admin_change_by_office_staff_records_who_when_before_and_after(client, office, member):
    before = timezone.now()
    _edit_member_in_admin(client, office, member, work_unit="区第一中学")

    entry = _entries_for(member).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == office
    assert entry.timestamp >= before
    assert entry.changes_dict["work_unit"] == ["城关小学", "区第一中学"]


def test_a_changed_mobile_is_recorded_masked(client, office, member):
    _edit_member_in_admin(client, office, member, mobile="13987654321")

    entry = _entries_for(member).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes_dict["mobile"] == ["138****0001", "139****4321"]
    assert "13811110001" not in str(entry.changes) and "13987654321" not in str(entry.changes)


def test_a_members_login_is_named_masked_in_the_trail(member):
    member.user.first_name = "秀英"
    member.user.save()

    entry = _entries_for(member.user).last()
    assert entry.object_repr == "138****0001"


def test_a_transition_on_the_member_pages_records_the_member_as_actor(client, member):
    client.force_login(member.user)
    client.post(
        reverse("opinions:report_create"),
        {
            "title": "关于解决城关小学门口交通拥堵的建议",
            "category": "transport",
            "content": "每天上下学高峰，校门口车辆乱停乱放。",
            "submit": "1",
        },
    )
    report = OpinionReport.objects.get()
    assert report.state == OpinionReport.State.SUBMITTED

    state_changes = [e for e in _entries_for(report) if "state" in e.changes_dict]
    assert state_changes[-1].changes_dict["state"][1] == OpinionReport.State.SUBMITTED
    assert {e.actor for e in _entries_for(report)} == {member.user}


def test_office_staff_read_the_trail_with_before_and_after(client, office, member):
    _edit_member_in_admin(client, office, member, work_unit="区第一中学")
    entry = _entries_for(member).filter(action=LogEntry.Action.UPDATE).get()

    listing = client.get(CHANGELIST)
    assert listing.status_code == 200
    assert entry in listing.context["cl"].result_list
    detail = client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk]))
    page = detail.content.decode()
    assert detail.status_code == 200
    assert "城关小学" in page and "区第一中学" in page and "张伟" in page
    assert "13811110001" not in page


def test_liaison_staff_and_members_cannot_see_the_trail(client, member):
    entry = _entries_for(member).first()
    for user in (LiaisonStaffFactory(), member.user):
        client.force_login(user)
        assert client.get(CHANGELIST).status_code in (302, 403)
        detail = client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk]))
        assert detail.status_code in (302, 403)


@pytest.mark.parametrize("superuser", [False, True])
def test_nobody_edits_or_deletes_an_entry(client, office, member, superuser):
    user = UserFactory(is_staff=True, is_superuser=True) if superuser else office
    entry = _entries_for(member).first()
    client.force_login(user)

    change = reverse("admin:auditlog_logentry_change", args=[entry.pk])
    assert client.post(change, {"object_repr": "forged"}).status_code == 403
    delete = reverse("admin:auditlog_logentry_delete", args=[entry.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    bulk = client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302, 403)
    assert client.get(reverse("admin:auditlog_logentry_add")).status_code == 403

    entry.refresh_from_db()
    assert entry.object_repr == "王秀英"


def test_purge_keeps_entries_younger_than_the_retention(settings, member):
    settings.AUDIT_RETENTION_DAYS = 200
    now = timezone.now()
    young, old = (
        _entries_for(member).first(),
        LogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(Member),
            object_pk=str(member.pk),
            object_repr="旧记录",
            action=LogEntry.Action.UPDATE,
        ),
    )
    LogEntry.objects.filter(pk=old.pk).update(timestamp=now - datetime.timedelta(days=201))
    LogEntry.objects.filter(pk=young.pk).update(timestamp=now - datetime.timedelta(days=199))

    assert audit_purge_expired(now=now) == 1
    assert list(LogEntry.objects.filter(pk__in=[young.pk, old.pk])) == [young]


def test_purge_keeps_six_months_whatever_the_setting(settings, member):
    settings.AUDIT_RETENTION_DAYS = 30
    entry = _entries_for(member).first()
    LogEntry.objects.filter(pk=entry.pk).update(
        timestamp=timezone.now() - datetime.timedelta(days=182)
    )

    assert purge_expired_audit_entries() == 0
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_purge_runs_nightly_in_beat():
    task = PeriodicTask.objects.get(task="core.tasks.purge_expired_audit_entries")
    assert task.enabled
    assert task.task in app.tasks


def test_every_audited_model_exists():
    from auditlog.registry import auditlog
    from django.apps import apps

    for label in AUDITED_MODELS:
        assert auditlog.contains(apps.get_model(label)), label


def test_the_trail_list_costs_the_same_queries_for_many_entries(client, office):
    client.force_login(office)
    GroupFactory.create_batch(3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(CHANGELIST).status_code == 200
    GroupFactory.create_batch(30)
    MemberFactory.create_batch(5)
    with CaptureQueriesContext(connection) as many:
        assert client.get(CHANGELIST).status_code == 200
    assert len(many) == len(few)


def test_the_admin_home_shows_the_trail_in_chinese_to_office_staff_only(client, office):
    client.force_login(office)
    assert "审计日志" in client.get(reverse("admin:index")).content.decode()
    client.force_login(LiaisonStaffFactory())
    assert "审计日志" not in client.get(reverse("admin:index")).content.decode()


def test_the_address_behind_a_proxy_is_recorded_and_a_garbled_one_breaks_nothing(
    client, settings, office, member
):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    _edit_member_in_admin(client, office, member, work_unit="甲单位")
    client.defaults["HTTP_X_REAL_IP"] = "203.0.113.7"
    _edit_member_in_admin(client, office, member, work_unit="乙单位")
    client.defaults["HTTP_X_REAL_IP"] = "not an address"
    _edit_member_in_admin(client, office, member, work_unit="丙单位")

    updates = _entries_for(member).filter(action=LogEntry.Action.UPDATE)
    assert [e.changes_dict["work_unit"][1] for e in updates] == ["甲单位", "乙单位", "丙单位"]
    assert [e.remote_addr for e in updates] == ["127.0.0.1", "203.0.113.7", "127.0.0.1"]
