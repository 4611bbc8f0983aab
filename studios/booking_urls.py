"""Appointments residents ask for on a studio's public page, and checking one with its code."""

from django.urls import path

from . import booking_views

urlpatterns = [
    path("<int:pk>/book/", booking_views.appointment_new, name="book"),
    path("appointment/", booking_views.appointment_check, name="appointment"),
    path("appointment/done/", booking_views.appointment_done, name="appointment_done"),
    path("appointment/cancel/", booking_views.appointment_cancel, name="appointment_cancel"),
]
