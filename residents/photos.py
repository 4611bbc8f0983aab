"""Photos from the public form: checked by their content, re-encoded without metadata.

Whatever the file claims to be, Pillow must recognise it as a JPEG, PNG or WebP image and decode
it whole, within the memory budget of core/images.py (a photo of more than 24 megapixels is
refused). The stored copy is a fresh encoding of the pixels alone, so EXIF data (the phone's GPS
position, its serial number) never reaches the disk.
"""

from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import ImageOps

from core.images import PictureRefused, decode_bounded

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
# Stored photos are scaled down to this longest side: enough to see a broken street lamp.
MAX_SIDE = 2560


_REASONS = {
    PictureRefused.NOT_A_PICTURE: _("it is not a picture."),
    PictureRefused.WRONG_FORMAT: _("only JPEG, PNG and WebP photos are accepted."),
    PictureRefused.TOO_MANY_PIXELS: _("the picture has too many pixels."),
    PictureRefused.DAMAGED: _("the picture is damaged or incomplete."),
}


def _refuse(name: str, reason) -> ValidationError:
    return ValidationError(
        _("“%(name)s” was not accepted: %(reason)s"),
        code="invalid_photo",
        params={"name": name, "reason": reason},
    )


def sanitize_photo(upload) -> ContentFile:
    """Return a re-encoded copy of the uploaded image, or raise ValidationError.

    Nothing is written anywhere: the caller stores the returned file, or drops it.
    """
    name = getattr(upload, "name", "") or _("photo")
    limit = settings.RESIDENT_ISSUE_PHOTO_MAX_BYTES
    if upload.size > limit:
        raise _refuse(name, _("it is larger than %(size)s.") % {"size": filesizeformat(limit)})
    try:
        image = decode_bounded(upload, formats=ACCEPTED_FORMATS, side=MAX_SIDE)
    except PictureRefused as refused:
        raise _refuse(name, _REASONS[refused.reason]) from None
    with image:
        source_format = image.format
        try:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            output = BytesIO()
            has_alpha = image.mode in ("RGBA", "LA") or (
                image.mode == "P" and "transparency" in image.info
            )
            if source_format == "PNG" and has_alpha:
                image.save(output, format="PNG", optimize=True)
                extension = "png"
            else:
                image.convert("RGB").save(output, format="JPEG", quality=85, optimize=True)
                extension = "jpg"
        except (OSError, SyntaxError, ValueError, EOFError):
            raise _refuse(name, _REASONS[PictureRefused.DAMAGED]) from None
    return ContentFile(output.getvalue(), name=f"photo.{extension}")
