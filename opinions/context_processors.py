from core.models import Notification

from .models import Department


def notifications(request):
    """The unread count for the bell on member and department pages (one COUNT query), and
    whether the user handles a department (for the nav link)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: only pages that show the bell pay for the queries, and each at most once however
    # many of a page's parts name it (the menu and the sub-menu both show the count).
    return {
        "unread_notifications": _once(
            lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        ),
        "handles_departments": _once(lambda: Department.objects.filter(handlers=user).exists()),
    }


def _once(read):
    """`read`, called at most once: templates call a callable each time they name it."""
    found = []

    def value():
        if not found:
            found.append(read())
        return found[0]

    return value
