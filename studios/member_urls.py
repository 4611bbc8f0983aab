"""The member's studio pages (/member/studio/): duty, visits, appointments, progress."""

from django.urls import path

from . import member_booking_views, member_views

app_name = "studio_member"

urlpatterns: list = [
    path("", member_views.studio_home, name="home"),
    path("visits/new/", member_views.visit_new, name="visit_new"),
    path("visits/<int:pk>/", member_views.visit_detail, name="visit_detail"),
    path("appointments/", member_booking_views.appointment_list, name="appointments"),
    path("appointments/<int:pk>/", member_booking_views.appointment_detail, name="appointment"),
]
