"""The public directory of studios (/studios/) and each studio's page."""

from django.urls import path

from . import views

urlpatterns: list = [
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.studio_page, name="studio"),
]
