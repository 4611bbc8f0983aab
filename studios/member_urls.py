"""The member's studio pages (/member/studio/): duty, visits, appointments, progress."""

from django.urls import path  # noqa: F401

app_name = "studio_member"

urlpatterns: list = []
