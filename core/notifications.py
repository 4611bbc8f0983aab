"""In-app notifications (the bell) with an email sent alongside through Celery.

Written inside the transaction of the step they tell about, so a rolled-back step tells nobody;
the emails are queued once the transaction commits.
"""

from collections.abc import Callable, Iterable

from django.db import transaction

from .language import in_site_language
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


@in_site_language
def notify_in_site_language(*, recipients, title: Callable[[], str], body="", url="") -> None:
    """`title` and `body` are functions so that their text is made in the site's language."""
    notify(
        recipients=recipients,
        title=title(),
        body=body() if callable(body) else body,
        url=url,
    )
