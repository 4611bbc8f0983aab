"""Where attachments are kept: outside MEDIA_ROOT, so they are never served as plain files.

MEDIA_ROOT is served to anyone in the demo (and often by the web server in production); an
attachment must only leave through the download view, which checks the viewer's right.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    """PRIVATE_MEDIA_ROOT if set, else a `private_media` folder beside MEDIA_ROOT."""

    def __init__(self):
        super().__init__(base_url=None)

    # Properties rather than FileSystemStorage's cached values: tests move MEDIA_ROOT.
    @property
    def base_location(self):
        configured = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
        return configured or Path(settings.MEDIA_ROOT).parent / "private_media"

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise NotImplementedError("Attachments are served only through the download view.")


private_storage = PrivateStorage()
