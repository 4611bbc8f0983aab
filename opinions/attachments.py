"""Checking uploaded attachments by what they contain, not by what they are called.

A file is accepted when its first bytes (and, for Office files, the package's
[Content_Types].xml) show it is a PDF, a Word .docx, an Excel .xlsx, a JPEG or a PNG, when its
name claims that same type, when it is within the size limit, and when the whole container
holds what that type may hold (`_check_container`):

- JPEG and PNG: decoded whole by Pillow within core/images.py's memory budget (24 MP), and no
  web page code (`<script`, `<html`…) anywhere in the file: a picture followed by HTML is a
  page waiting for a browser that guesses types;
- .docx and .xlsx: a zip package whose every part is named and typed as a document's part may
  be: no executable, script, web page or macro part (EXECUTABLE_SUFFIXES, vbaProject.bin), no
  part whose first bytes are an executable (MZ) or a web page, at most MAX_PACKAGE_PARTS parts;
- PDF: parsed by pypdf, every object read; refused when unreadable, protected by a password,
  or carrying JavaScript, launch actions or embedded files (none of which a report needs).

Old binary Word and Excel files (.doc, .xls) and PowerPoint are not accepted, as before.
"""

import re
import zipfile
from pathlib import PurePath, PurePosixPath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.images import (
    MAX_PIXELS,
    PictureRefused,
    contains_markup,
    decode_bounded,
    head_has_markup,
)

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
# A long report has a few dozen parts; thousands are a zip made to wear the checker out.
MAX_PACKAGE_PARTS = 2000
# Parts no document needs, by the end of their name: programs, scripts, web pages, macros.
EXECUTABLE_SUFFIXES = (
    ".exe", ".dll", ".com", ".scr", ".msi", ".cpl", ".pif", ".lnk", ".jar",
    ".bat", ".cmd", ".vbs", ".vbe", ".js", ".jse", ".wsf", ".wsh", ".ps1", ".psm1", ".hta",
    ".sh", ".html", ".htm", ".xhtml", ".mht", ".mhtml", ".svg",
)  # fmt: skip
FORBIDDEN_PARTS = ("vbaproject.bin", "vbadata.xml")
_FORBIDDEN_CONTENT_TYPES = re.compile(
    rb"ContentType=\"[^\"]*(html|javascript|ecmascript|x-msdownload|x-msdos-program|"
    rb"x-sh|vbaProject|macroEnabled)[^\"]*\"",
    re.IGNORECASE,
)
# What a PDF may not carry: scripts, programs started on opening, files inside the file.
_PDF_ACTIVE_KEYS = {"/JS", "/JavaScript", "/Launch", "/EmbeddedFile", "/EmbeddedFiles"}
_PDF_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/RichMedia", "/GoToE"}


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


def _refused(message: str, name: str, code: str, **params) -> ValidationError:
    return ValidationError(message % {"name": name, **params}, code=code)


def _check_picture(upload, kind: str, name: str) -> None:
    formats = {"JPEG"} if kind == Kind.JPEG else {"PNG"}
    try:
        image = decode_bounded(upload, formats=formats)
    except PictureRefused as refused:
        if refused.reason == PictureRefused.TOO_MANY_PIXELS:
            raise _refused(
                _("“%(name)s” has too many pixels: a picture may have at most %(limit)s million."),
                name,
                "too_many_pixels",
                limit=MAX_PIXELS // 1_000_000,
            ) from None
        raise _refused(
            _("“%(name)s” is damaged or not a whole picture: it could not be decoded."),
            name,
            "damaged",
        ) from None
    image.close()
    if contains_markup(upload):
        raise _refused(
            _("“%(name)s” contains web page code, which is not accepted in an attachment."),
            name,
            "active_content",
        )


def _check_package(upload, name: str) -> None:
    def bad_part(part: str) -> ValidationError:
        return _refused(
            _(
                "“%(name)s” contains a part that a document may not hold "
                "(a program, script, macro or web page: %(part)s)."
            ),
            name,
            "active_content",
            part=part,
        )

    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as package:
            parts = package.infolist()
            if len(parts) > MAX_PACKAGE_PARTS:
                raise bad_part(_("too many parts"))
            content_types = package.read("[Content_Types].xml")
            found = _FORBIDDEN_CONTENT_TYPES.search(content_types)
            if found:
                raise bad_part(found.group(1).decode("ascii", "replace"))
            for info in parts:
                part = PurePosixPath(info.filename.replace("\\", "/")).name.lower()
                if part.endswith(EXECUTABLE_SUFFIXES) or part in FORBIDDEN_PARTS:
                    raise bad_part(PurePosixPath(info.filename).name)
                if info.is_dir():
                    continue
                with package.open(info) as stream:
                    head = stream.read(512)
                if head.startswith(b"MZ") or head_has_markup(head):
                    raise bad_part(PurePosixPath(info.filename).name)
    except ValidationError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError, EOFError):
        raise _refused(
            _("“%(name)s” is damaged: its package could not be read."), name, "damaged"
        ) from None
    finally:
        upload.seek(0)


# pypdf is imported by the PDF check itself: a web worker that never checks a PDF does not
# carry it.


def _pdf_objects(reader):
    from pypdf.generic import IndirectObject

    for generation, numbers in reader.xref.items():
        for number in numbers:
            yield reader.get_object(IndirectObject(number, generation, reader))
    for number in reader.xref_objStm:
        yield reader.get_object(IndirectObject(number, 0, reader))


def _pdf_is_active(obj, depth: int = 0) -> bool:
    """Whether `obj` or a dictionary nested in it (not behind a reference: each referenced
    object is visited on its own) names a script, a launch or an embedded file."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    if depth > 32:
        return True  # nesting no real document has
    if isinstance(obj, DictionaryObject):
        if _PDF_ACTIVE_KEYS.intersection(obj.keys()):
            return True
        action = obj.get("/S")
        if isinstance(action, NameObject) and action in _PDF_ACTIVE_ACTIONS:
            return True
        values = obj.values()
    elif isinstance(obj, ArrayObject):
        values = obj
    else:
        return False
    return any(
        _pdf_is_active(value, depth + 1)
        for value in values
        if isinstance(value, DictionaryObject | ArrayObject)
    )


def _check_pdf(upload, name: str) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    upload.seek(0)
    try:
        reader = PdfReader(upload)
        if reader.is_encrypted:
            raise _refused(
                _("“%(name)s” is protected by a password: attach it without one."),
                name,
                "encrypted",
            )
        if len(reader.pages) < 1:
            raise PyPdfError("no pages")
        active = any(_pdf_is_active(obj) for obj in _pdf_objects(reader))
    except ValidationError:
        raise
    except Exception:  # pypdf raises many kinds of errors on a broken file
        raise _refused(
            _("“%(name)s” is damaged or not a PDF: it could not be read."), name, "damaged"
        ) from None
    finally:
        upload.seek(0)
    if active:
        raise _refused(
            _(
                "“%(name)s” contains scripts, launch actions or embedded files, "
                "which are not accepted in a PDF."
            ),
            name,
            "active_content",
        )


def _check_container(upload, kind: str, name: str) -> None:
    """Refuse what only looks like `kind` from its first bytes (see the module's docstring)."""
    if kind in (Kind.JPEG, Kind.PNG):
        _check_picture(upload, kind, name)
    elif kind in (Kind.DOCX, Kind.XLSX):
        _check_package(upload, name)
    elif kind == Kind.PDF:
        _check_pdf(upload, name)


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
    _check_container(upload, kind, name)
    upload.seek(0)
    return kind


def validate_attachment_count(*, existing: int, added: int) -> None:
    if existing + added > MAX_ATTACHMENTS:
        raise ValidationError(
            _("At most %(limit)s attachments are allowed (%(existing)s already attached).")
            % {"limit": MAX_ATTACHMENTS, "existing": existing},
            code="too_many",
        )
