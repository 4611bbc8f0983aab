from django.urls import path

from . import views
from .drafts import PROPOSAL_DRAFT, REPORT_DRAFT

app_name = "opinions"

# Drafts of both kinds share their pages (opinions/drafts.py); the URLs stay each kind's own.
REPORT = {"kind": REPORT_DRAFT}
PROPOSAL = {"kind": PROPOSAL_DRAFT}

urlpatterns = [
    path("opinions/", views.report_list, name="report_list"),
    path("opinions/new/", views.draft_form, REPORT, name="report_create"),
    path("opinions/<int:pk>/", views.report_detail, name="report_detail"),
    path("opinions/<int:pk>/edit/", views.draft_form, REPORT, name="report_edit"),
    path("opinions/<int:pk>/submit/", views.draft_submit, REPORT, name="report_submit"),
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/new/", views.draft_form, PROPOSAL, name="proposal_create"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/edit/", views.draft_form, PROPOSAL, name="proposal_edit"),
    path("proposals/<int:pk>/submit/", views.draft_submit, PROPOSAL, name="proposal_submit"),
    path("proposals/<int:pk>/evaluate/", views.proposal_evaluate, name="proposal_evaluate"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_read"),
]
