"""Reports forwarded to one department before several were possible keep it as their lead, and
the feedback they received becomes that department's reply."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from opinions.models import OpinionReport, ReportReply

# Members too: their later migrations add columns (the pinyin key) the old models know nothing of.
BEFORE = [
    ("opinions", "0006_search_trigram_indexes"),
    ("members", "0008_outbox_office_reads_deliveries"),
]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor


@pytest.mark.django_db(transaction=True)
def test_single_department_becomes_the_lead_and_its_feedback_its_reply():
    executor = _migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Member = old.get_model("members", "Member")
    Report = old.get_model("opinions", "OpinionReport")
    department = old.get_model("opinions", "Department").objects.create(name="区住建局")
    sector = old.get_model("members", "Sector").objects.create(name="经济界")
    user = old.get_model("members", "User").objects.create(username="13800000001")
    author = Member.objects.create(
        user=user, name="王秀英", gender="female", sector=sector, mobile="13800000001", term=8
    )
    received = timezone.now() - datetime.timedelta(days=40)
    answered = Report.objects.create(
        title="路灯",
        category="urban",
        content="路灯不亮",
        author=author,
        state="feedback",
        department=department,
        reply_due=timezone.localdate(),
        feedback="已修复路灯12盏。",
        feedback_at=received,
    )
    waiting = Report.objects.create(
        title="井盖",
        category="urban",
        content="井盖松动",
        author=author,
        state="forwarded",
        department=department,
        reply_due=timezone.localdate(),
    )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    report = OpinionReport.objects.get(pk=answered.pk)
    assert report.department_id == department.pk
    assert not report.co_departments.exists()
    reply = ReportReply.objects.get()
    assert (reply.report_id, reply.department_id, reply.is_lead, reply.text) == (
        answered.pk,
        department.pk,
        True,
        "已修复路灯12盏。",
    )
    assert reply.created_at == received
    assert OpinionReport.objects.get(pk=waiting.pk).department_id == department.pk
    assert not ReportReply.objects.filter(report_id=waiting.pk).exists()
