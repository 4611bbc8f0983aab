"""Decoding uploaded pictures whole, within a memory budget.

A photo's file can be small while its pixels are not: a 40-megapixel JPEG decoded to RGB is
about 120 MB in a worker, and a crafted PNG of a few kilobytes can claim far more (a
decompression bomb). So a picture is decoded whole (a file that only starts like a JPEG is
refused), but never beyond these limits:

- at most MAX_PIXELS (24 megapixels): the largest photo a current phone saves by default
  (most save 12 MP; some 24 MP), so no real photo is refused;
- a JPEG is decoded at a reduced scale (Pillow's `draft`, done by the JPEG decoder itself while
  it reads every block of the file): a 24 MP photo costs about 18 MB, not 72;
- a PNG or WebP cannot be decoded at a reduced scale, so it may have at most
  MAX_FULL_DECODE_PIXELS (12 MP, about 48 MB with transparency): screenshots and scans are
  far smaller.

Pillow's own bomb check (`Image.MAX_IMAGE_PIXELS`) is lowered to the same limit at start-up,
for every other place that opens a picture (the admin's image fields).
"""

import re

from PIL import Image, UnidentifiedImageError

MAX_PIXELS = 24_000_000
MAX_FULL_DECODE_PIXELS = 12_000_000
# Reduced-scale decoding keeps at least this longest side: what the portal ever shows.
DECODE_SIDE = 2560


# Web page code that has no business in a picture (matched on lower-cased bytes).
_MARKUP = re.compile(rb"<(script|html|!doctype html|iframe|body|svg|object|embed)[\s>/]")
_SCAN_CHUNK = 1024 * 1024


def contains_markup(upload) -> bool:
    """Whether web page code appears anywhere in `upload`: a picture followed by HTML is a page
    waiting for a browser that guesses types."""
    upload.seek(0)
    tail = b""
    try:
        while chunk := upload.read(_SCAN_CHUNK):
            # Overlap the chunks so that a tag cut in two is still found.
            window = (tail + chunk).lower()
            if _MARKUP.search(window):
                return True
            tail = window[-32:]
        return False
    finally:
        upload.seek(0)


def head_has_markup(head: bytes) -> bool:
    return bool(_MARKUP.search(head.lower()))


class PictureRefused(Exception):
    """Why a picture was refused: `reason` is one of the constants below."""

    NOT_A_PICTURE = "not_a_picture"
    WRONG_FORMAT = "wrong_format"
    TOO_MANY_PIXELS = "too_many_pixels"
    DAMAGED = "damaged"

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def limit_pillow() -> None:
    """Pillow refuses (DecompressionBombError) any image above twice this many pixels and
    warns above it; used by CoreConfig.ready."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class _KeepOpen:
    """The upload as Pillow sees it: closing the image must not close the upload, which the
    caller still reads (to store it, or to check it further)."""

    def __init__(self, upload):
        self._upload = upload

    def __getattr__(self, name):
        return getattr(self._upload, name)

    def close(self) -> None:
        pass


def decode_bounded(upload, *, formats: set[str], side: int = DECODE_SIDE) -> Image.Image:
    """The decoded picture of `upload` (a JPEG possibly at a reduced scale, at least `side`
    pixels on its longest side when it has them), or PictureRefused.

    The caller closes the returned image.
    """
    upload = _KeepOpen(upload)
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in formats:
                raise PictureRefused(PictureRefused.WRONG_FORMAT)
            width, height = probe.size
            limit = MAX_PIXELS if probe.format == "JPEG" else MAX_FULL_DECODE_PIXELS
            if width * height > limit:
                raise PictureRefused(PictureRefused.TOO_MANY_PIXELS)
            probe.verify()
        # verify() leaves the image unusable: open it again to decode the pixels.
        upload.seek(0)
        image = Image.open(upload)
        try:
            if image.format == "JPEG":
                image.draft("RGB", (side, side))
            image.load()
        except BaseException:
            image.close()
            raise
        return image
    except PictureRefused:
        raise
    except Image.DecompressionBombError:
        raise PictureRefused(PictureRefused.TOO_MANY_PIXELS) from None
    except UnidentifiedImageError:
        raise PictureRefused(PictureRefused.NOT_A_PICTURE) from None
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError):
        raise PictureRefused(PictureRefused.DAMAGED) from None
