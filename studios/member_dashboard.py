"""The member's studios on their dashboard (/member/): a line leading to /member/studio/, for
members who belong to a studio. A section of members' dashboard (members/dashboard_sections.py),
registered when this module is imported, from StudiosConfig.ready()."""

from members.dashboard_sections import DashboardSection, register

from . import selectors


def studio_section(member) -> dict | None:
    """The member's studios (exited ones too: their page keeps their history), one query; None
    for a member of no studio."""
    studios = list(
        selectors.studios_of_member(member)
        .only("pk", "name", "state")
        .order_by("name_pinyin", "pk")
    )
    return {"studios": studios} if studios else None


SECTION = register(
    DashboardSection(
        key="studios",
        template="studios/member/_dashboard_section.html",
        context=studio_section,
    )
)
