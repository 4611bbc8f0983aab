from django.urls import path

from . import views

app_name = "residents"

urlpatterns = [
    path("new/", views.issue_new, name="new"),
    path("new/challenge/", views.antirobot_challenge, name="antirobot_challenge"),
    path("new/done/", views.issue_done, name="done"),
    path("track/", views.issue_track, name="track"),
    path("track/feedback/", views.issue_feedback, name="feedback"),
]
