from django.urls import path

from . import views

app_name = "departments"

urlpatterns = [
    path("", views.department_home, name="home"),
    path("reports/<int:pk>/", views.department_report, name="report_detail"),
    path("proposals/<int:pk>/", views.department_proposal, name="proposal_detail"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_read"),
]
