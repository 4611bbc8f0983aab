from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import health, views

admin.site.site_header = _("CPPCC member duty portal")
admin.site.site_title = _("CPPCC member duty portal")
admin.site.index_title = _("Office administration")
# No model list beside every admin page: the index and the breadcrumbs lead to each list, and
# the sidebar cost every changelist a rendering of every model of the portal.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("", views.home, name="home"),
    path("elder-mode/", views.elder_mode_switch, name="elder_mode"),
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("members.account_urls")),
    path("member/", include("opinions.member_urls")),
    path("member/", include("members.urls")),
    path("department/", include("opinions.department_urls")),
    path("issues/", include("residents.urls")),
    path("studios/", include("studios.urls")),
    path("member/studio/", include("studios.member_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
