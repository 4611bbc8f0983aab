from core.models import Notification

from .models import Department


def notifications(request):
    """The unread count for the bell on member and department pages (one COUNT query), and
    whether the user handles a department (for the nav link)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: only pages that show the bell pay for the queries. Templates call these each time
    # they name them, so read them once ({% with count=unread_notifications %}).
    return {
        "unread_notifications": lambda: Notification.objects.filter(
            recipient=user, read_at__isnull=True
        ).count(),
        "handles_departments": lambda: Department.objects.filter(handlers=user).exists(),
    }
