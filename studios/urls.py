"""Pages of the studios: the public directory, a studio's page, appointments; downloads
from a studio's archive for its members and staff."""

from django.urls import include, path

app_name = "studios"

urlpatterns = [
    path("", include("studios.directory_urls")),
    path("", include("studios.booking_urls")),
    path("", include("studios.archive_urls")),
]
