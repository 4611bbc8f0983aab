"""Moving the timeline, notifications and the reminder log into core keeps every row and the
staff roles' permissions on them; the reminder log's rows then become the outbox's."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import Delivery, Notification, TimelineEntry
from members import roles

BEFORE_THE_MOVE = [("members", "0004_list_order_indexes"), ("opinions", "0004_list_order_indexes")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_are_found_after_it():
    executor = _migrate([("core", None)])  # unapplies core and everything built on it
    old = executor.loader.project_state(BEFORE_THE_MOVE).apps
    user = old.get_model("members", "User").objects.create(username="13800000001")
    subject_type = old.get_model("contenttypes", "ContentType").objects.get(
        app_label="members", model="member"
    )
    old.get_model("opinions", "TimelineEntry").objects.create(
        content_type=subject_type, object_id=7, action="submitted", to_state="submitted"
    )
    old.get_model("opinions", "Notification").objects.create(recipient=user, title="已提交")
    old.get_model("members", "ReminderLog").objects.create(
        key="activity-reminder:1:1", recipient=user
    )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    entry = TimelineEntry.objects.get()
    assert (entry.content_type.model_class().__name__, entry.object_id) == ("Member", 7)
    assert entry.action == "submitted"
    assert Notification.objects.get().recipient_id == user.pk
    # The reminder log became the outbox: the reminder sent is a sent row, not sent again.
    reminder = Delivery.objects.get()
    assert (reminder.kind, reminder.object_id, reminder.recipient_id, reminder.status) == (
        "activity-reminder",
        1,
        user.pk,
        "sent",
    )


@pytest.mark.django_db(transaction=True)
def test_staff_keep_their_permissions_on_the_moved_models():
    _migrate([("core", None)])
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    def codenames(role):
        return set(
            Group.objects.get(name=role)
            .permissions.filter(content_type__app_label="core")
            .values_list("codename", flat=True)
        )

    assert {"view_timelineentry", "view_notification", "view_reminderlog"} <= codenames(
        roles.OFFICE_STAFF
    )
    assert "view_timelineentry" in codenames(roles.LIAISON_STAFF)
    for old_app, model in [
        ("opinions", "timelineentry"),
        ("opinions", "notification"),
        ("members", "reminderlog"),
    ]:
        assert not ContentType.objects.filter(app_label=old_app, model=model).exists()
