"""The member's studio pages (/member/studio/): duty, visits, appointments, progress."""

from django.urls import path

from . import member_booking_views

app_name = "studio_member"

urlpatterns: list = [
    path("appointments/", member_booking_views.appointment_list, name="appointments"),
    path("appointments/<int:pk>/", member_booking_views.appointment_detail, name="appointment"),
]
