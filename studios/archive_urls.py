"""Downloads of the files in studios' archives (checked per viewer)."""

from django.urls import path

from . import archive_views

urlpatterns = [
    path("archive/<int:pk>/", archive_views.archive_file, name="archive_file"),
]
