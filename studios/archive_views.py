"""The only way out for a file of a studio's archive (档案): to the studio's members and to
staff whose scope includes the studio; a 404 for anyone else, as for a file that does not
exist."""

import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control

from opinions.views import CONTENT_TYPES

from . import selectors
from .models import ArchiveItem


@login_required
def archive_file(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(ArchiveItem.objects.prefetch_related("attachments"), pk=pk)
    attachment = item.attachment
    if attachment is None or not selectors.archive_item_viewable_by(request.user, item):
        raise Http404
    content_type = (
        CONTENT_TYPES.get(attachment.kind) or mimetypes.guess_type(attachment.original_name)[0]
    )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.display_name,
        content_type=content_type or "application/octet-stream",
    )
    patch_cache_control(response, private=True, no_store=True)
    return response
