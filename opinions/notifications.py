"""In-app notifications (the bell) with an email sent alongside through Celery."""

from collections.abc import Iterable

from django.db import transaction

from .models import Notification


def notify(
    *, recipients: Iterable, title: str, body: str = "", url: str = ""
) -> list[Notification]:
    """Create one notification per recipient; email them after the transaction commits.

    Call inside the transition's transaction: if the step is rolled back, nobody is told.
    """
    unique = {user.pk: user for user in recipients if user is not None}
    rows = Notification.objects.bulk_create(
        [Notification(recipient=user, title=title, body=body, url=url) for user in unique.values()]
    )
    ids = [row.pk for row in rows]
    if ids:
        from .tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.delay(ids))
    return rows
