"""Photos from the public form: checked by their content, re-encoded without metadata.

Whatever the file claims to be, Pillow must recognise it as a JPEG, PNG or WebP image and decode
it whole. The stored copy is a fresh encoding of the pixels alone, so EXIF data (the phone's GPS
position, its serial number) never reaches the disk.
"""

from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
# A 40-megapixel photo is more than any phone takes; beyond it a small file may be a
# decompression bomb.
MAX_PIXELS = 40_000_000
# Stored photos are scaled down to this longest side: enough to see a broken street lamp.
MAX_SIDE = 2560


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
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise _refuse(name, _("only JPEG, PNG and WebP photos are accepted."))
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise _refuse(name, _("the picture has too many pixels."))
            probe.verify()
        # verify() leaves the image unusable: open it again to decode the pixels.
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            source_format = image.format
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
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise _refuse(name, _("it is not a picture.")) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise _refuse(name, _("the picture is damaged or incomplete.")) from None
    return ContentFile(output.getvalue(), name=f"photo.{extension}")
