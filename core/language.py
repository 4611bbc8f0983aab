"""Stored text (timeline notes, actor labels, notifications) is written in the site's language."""

import functools
from collections.abc import Callable

from django.conf import settings
from django.utils import translation


def in_site_language(func: Callable) -> Callable:
    """Run `func` with the site's language active.

    Timeline notes, actor labels and notifications are stored text that members, residents and
    email readers see later, whatever language the acting staff's browser asked for.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return func(*args, **kwargs)

    return wrapper
