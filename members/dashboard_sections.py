"""What apps above members add to the member's dashboard (/member/): the registry of sections.

The dashboard is the members app's page, but some of what a member does lives in apps that
sit above it (a member studio's duty and visits). Those apps register a section here, from
their AppConfig.ready(): a template and a function giving its context for a member, or None
when the member has nothing there. The dashboard renders the sections in the order they were
registered; members never imports the apps that fill them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .models import Member


@dataclass(frozen=True)
class DashboardSection:
    key: str
    # Rendered with `section` (the context below) besides the dashboard's own context.
    template: str
    # The section's context for a member, or None to leave the section out. A constant number
    # of queries (one, typically), whatever the member's data: the dashboard's count is tested.
    context: Callable[[Member], dict | None]


@dataclass(frozen=True)
class RenderedSection:
    template: str
    context: dict


SECTIONS: dict[str, DashboardSection] = {}


def register(section: DashboardSection) -> DashboardSection:
    SECTIONS[section.key] = section
    return section


def sections_for(member: Member) -> list[RenderedSection]:
    """The sections the member's dashboard shows, each with its context."""
    shown = []
    for section in SECTIONS.values():
        context = section.context(member)
        if context is not None:
            shown.append(RenderedSection(section.template, context))
    return shown
