from .common import Department, Notification, TimelineEntry

__all__ = ["Department", "Notification", "TimelineEntry"]
