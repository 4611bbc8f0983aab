"""In-app notifications (the bell) with an email sent alongside through the outbox.

Written inside the transaction of the step they tell about, so a rolled-back step tells nobody;
the email rows are written in the same transaction and sent once it commits (core/delivery.py).
A recipient without an email address still gets the notification in the portal.
"""

from collections.abc import Callable, Iterable

from .delivery import deliveries_for_notifications
from .language import in_site_language
from .models import Notification


def notify(
    *, recipients: Iterable, title: str, body: str = "", url: str = ""
) -> list[Notification]:
    """Create one notification per recipient and its email in the outbox; the emails are sent
    after the transaction commits.

    Call inside the transition's transaction: if the step is rolled back, nobody is told.
    """
    unique = {user.pk: user for user in recipients if user is not None}
    rows = Notification.objects.bulk_create(
        [Notification(recipient=user, title=title, body=body, url=url) for user in unique.values()]
    )
    deliveries_for_notifications(rows)
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
