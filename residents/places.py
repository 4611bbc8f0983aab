"""What the public form needs of the district's streets and communities, kept between requests.

The public form is the portal's busiest page: in a consultation week tens of thousands of
residents open it. Its empty form is the same for every visitor except for the CSRF token, so
each server process renders it once and keeps it, with a hole where the token goes
(residents/views.py fills it per request; the anti-robot widget fetches its own challenge). It
keeps the street and community lists that a POST is checked against as well.

What a process keeps belongs to one version of the places (core/kept.py): when the office
changes a street or a community, every process drops what it kept within two seconds. A
restarted process (a deploy) starts empty, so a kept page never outlives the templates and
static files it was rendered with.
"""

from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe

from core.kept import Kept

from .models import Community, Street

# Stand-in rendered into a kept page where the per-request CSRF token goes. Plain letters: they pass
# HTML escaping unchanged and cannot occur in the page otherwise.
CSRF_HOLE = "csrfHoleOfTheKeptPage"

# Kept per process, dropped by every process within two seconds of a change (core/kept.py).
_kept = Kept("residents:places")
_kept.follow(Street, Community)
_keep = _kept.get
forget = _kept.forget

CommunityRow = tuple[int, str, int, str]  # (pk, name, street_id, street name)
StreetRow = tuple[int, str, int | None, int]  # (pk, name, group_id, sort_order)


def community_rows() -> dict[int, CommunityRow]:
    """Every community with its street, by key, in the order the form lists them."""
    return _keep(
        "communities",
        lambda: {
            row[0]: row
            for row in Community.objects.values_list("pk", "name", "street_id", "street__name")
        },
    )


def street_rows() -> dict[int, StreetRow]:
    """Every street by key, in the order the form lists them."""
    return _keep(
        "streets",
        lambda: {
            row[0]: row
            for row in Street.objects.values_list("pk", "name", "group_id", "sort_order")
        },
    )


def kept_html(name: tuple, render: Callable[[], str]) -> SafeString:
    """HTML kept under `name` (say the language and the display mode it was rendered for);
    `render` makes it on a miss and must not put anything of the request into it."""
    return mark_safe(_keep(("html", *name), lambda: str(render())))  # noqa: S308 - our rendering
