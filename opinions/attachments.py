"""Checking uploaded attachments by what they contain, not by what they are called.

A file is accepted when its first bytes (and, for Office files, the package's
[Content_Types].xml) show it is a PDF, a Word .docx, an Excel .xlsx, a JPEG or a PNG, when its
name claims that same type, and when it is within the size limit.
"""

import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .models import Attachment

MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ACCEPT = ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"

Kind = Attachment.Kind
_EXTENSIONS = {
    ".pdf": Kind.PDF,
    ".docx": Kind.DOCX,
    ".xlsx": Kind.XLSX,
    ".jpg": Kind.JPEG,
    ".jpeg": Kind.JPEG,
    ".png": Kind.PNG,
}
_OFFICE_MAIN_PARTS = {
    Kind.DOCX: b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    Kind.XLSX: b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
# [Content_Types].xml is a few kilobytes; a bigger one is not an Office file we want to unpack.
_CONTENT_TYPES_MAX = 256 * 1024


def _office_kind(upload) -> str | None:
    try:
        with zipfile.ZipFile(upload) as package:
            info = package.getinfo("[Content_Types].xml")
            if info.file_size > _CONTENT_TYPES_MAX:
                return None
            content_types = package.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    for kind, main_part in _OFFICE_MAIN_PARTS.items():
        if main_part in content_types:
            return kind
    return None


def detect_kind(upload) -> str | None:
    """The attachment kind the content shows, or None when it is none we accept."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    kind = None
    if head.startswith(b"%PDF-"):
        kind = Kind.PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = Kind.PNG
    elif head.startswith(b"\xff\xd8\xff"):
        kind = Kind.JPEG
    elif head.startswith(b"PK\x03\x04"):
        kind = _office_kind(upload)
    upload.seek(0)
    return kind


def validate_attachment(upload) -> str:
    """Return the checked kind of `upload`, or raise ValidationError saying what is wrong."""
    name = PurePath(upload.name or "").name
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; an attachment may be at most %(limit)s.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(MAX_ATTACHMENT_BYTES),
            },
            code="too_large",
        )
    kind = detect_kind(upload)
    if kind is None:
        raise ValidationError(
            _(
                "“%(name)s” is not a PDF, Word (.docx), Excel (.xlsx), JPEG or PNG file "
                "(its content was checked)."
            )
            % {"name": name},
            code="bad_type",
        )
    claimed = _EXTENSIONS.get(PurePath(name).suffix.lower())
    if claimed != kind:
        raise ValidationError(
            _("“%(name)s” does not contain what its name says: its content is %(kind)s.")
            % {"name": name, "kind": Kind(kind).label},
            code="type_mismatch",
        )
    return kind


def validate_attachment_count(*, existing: int, added: int) -> None:
    if existing + added > MAX_ATTACHMENTS:
        raise ValidationError(
            _("At most %(limit)s attachments are allowed (%(existing)s already attached).")
            % {"limit": MAX_ATTACHMENTS, "existing": existing},
            code="too_many",
        )
