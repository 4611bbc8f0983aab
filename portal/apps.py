from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top of the project: commands that bring every app together (the demo, the scale
    data). Nothing imports it."""

    name = "portal"
    verbose_name = "portal"
