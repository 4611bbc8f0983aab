from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin with the portal's site class as `admin.site`."""

    default_site = "config.admin_site.PortalAdminSite"
