"""Public pages of the studios: the directory, a studio's page, appointments."""

from django.urls import include, path

app_name = "studios"

urlpatterns = [
    path("", include("studios.directory_urls")),
    path("", include("studios.booking_urls")),
]
