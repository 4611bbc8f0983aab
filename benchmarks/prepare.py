"""Run against one benchmark database (DATABASE_URL): pick the logins and the pages to measure,
count each page's queries with the test client, note which tables each page reads and how many
rows every table holds. Prints JSON on its last line.

    DJANGO_SETTINGS_MODULE=benchmarks.bench_settings python benchmarks/prepare.py

It imports only what every revision of the portal has (the models of members, opinions and
residents, the role names), so that `benchmarks/compare.py` runs this same file against an
older checkout; the studios' pages are measured where the revision has them (studio_pages).
"""

import json
import re
import sys

import django

OFFICE_USERNAME = "scale-office"
LIAISON_USERNAME = "scale-liaison"
TABLE = re.compile(r'(?:FROM|JOIN) "(\w+)"')


def staff_users():
    """The office and liaison staff logins seed_scale made; a database seeded by an older
    revision (which made none) gets the same two here: the office role, and the liaison role
    running the first three street groups of the scale data and its first sector group."""
    from django.contrib.auth.models import Group as Role

    from members import roles
    from members.models import Group, User

    users = {}
    for username, role in ((OFFICE_USERNAME, roles.OFFICE_STAFF), (LIAISON_USERNAME, None)):
        user, created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
        if created:
            user.groups.add(Role.objects.get(name=role or roles.LIAISON_STAFF))
            if role is None:
                scale = Group.objects.filter(name__startswith="规模").order_by("pk")
                for group in [
                    *scale.filter(kind=Group.Kind.STREET)[:3],
                    *scale.filter(kind=Group.Kind.SECTOR)[:1],
                ]:
                    group.liaison_staff.add(user)
        users[username] = user
    return users[OFFICE_USERNAME], users[LIAISON_USERNAME]


def chosen_members():
    """The member with the average number of own reports (rounded, at least one: the report
    page needs one) and the busiest member, each with their count."""
    from django.db.models import Count

    from members.models import Member
    from opinions.models import OpinionReport

    members = Member.objects.count()
    average = OpinionReport.objects.count() / members
    target = max(1, round(average))
    counted = Member.objects.annotate(reports=Count("opinion_reports"))
    typical = (
        counted.filter(reports__gte=target).order_by("reports", "pk").select_related("user")[0]
    )
    busiest = counted.order_by("-reports", "pk").select_related("user")[0]
    return average, typical, busiest


def liaison_visible(liaison) -> dict[str, int] | None:
    """How many rows of each measured changelist the liaison sees (None where a revision keeps
    its selectors elsewhere)."""
    try:
        from members.selectors import members_visible_to
        from opinions.selectors import reports_visible_to
        from residents.selectors import issues_visible_to
    except ImportError:
        return None
    rows = {
        "members": members_visible_to(liaison).count(),
        "opinion reports": reports_visible_to(liaison).count(),
        "resident issues": issues_visible_to(liaison).count(),
    }
    try:
        from studios.selectors import studios_visible_to
    except ImportError:
        return rows
    return rows | {"studios": studios_visible_to(liaison).count()}


def studio_pages() -> tuple[dict[str, tuple[str, str]], object | None]:
    """The studios' pages, and the login of the member whose studio page is measured: the
    public page of the studio with the most duty slots and activities, its lead member's
    studio page, the office's 1+123 overview of every studio. Nothing on a revision without
    the studios (or without one of these pages), or on a database without a public studio."""
    from django.core.exceptions import FieldError
    from django.db.models import Count
    from django.urls import NoReverseMatch, reverse

    try:
        from studios.models import StudioMember
        from studios.selectors import public_studios

        busiest = (
            public_studios()
            .annotate(
                slot_count=Count("duty_slots", distinct=True),
                activity_count=Count("activities", distinct=True),
            )
            .order_by("-slot_count", "-activity_count", "pk")
            .first()
        )
    except (ImportError, FieldError):
        return {}, None
    if busiest is None:
        return {}, None
    lead = (
        StudioMember.objects.filter(studio=busiest, member__user__is_active=True)
        .select_related("member__user")
        .order_by("role", "pk")  # "lead" before "resident"
        .first()
    )
    wanted = {
        "studio page (public)": ("public", "studios:studio", [busiest.pk]),
        "member's studio page": ("member-studio", "studio_member:home", []),
        # Not "(office)" at the end: run.py pairs such a name with a bare admin of its table.
        "admin: studios' 1+123 overview, office staff": (
            "office",
            "admin:studios_annualplan_overview",
            [],
        ),
    }
    pages = {}
    for name, (who, route, args) in wanted.items():
        if who == "member-studio" and lead is None:
            continue
        try:
            pages[name] = (who, reverse(route, args=args))
        except NoReverseMatch:
            continue
    user = lead.member.user if "member's studio page" in pages else None
    return pages, user


def table_rows() -> dict[str, int]:
    """Exact row counts of every table of the database that holds any row."""
    from django.db import connection

    rows = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - catalog names
            count = cursor.fetchone()[0]
            if count:
                rows[table] = count
    return rows


def main() -> None:
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from opinions.models import OpinionReport
    from residents.models import ResidentIssue, Street

    office, liaison = staff_users()
    average, typical, busiest = chosen_members()
    issue = ResidentIssue.objects.order_by("pk").first()
    street = Street.objects.order_by("pk").first()
    community = street.communities.order_by("pk").first()
    pages = {}
    for label, member in (("average member", typical), ("busiest member", busiest)):
        report = OpinionReport.objects.filter(author=member).order_by("-pk").first()
        who = "member-busiest" if member is busiest else "member-average"
        pages[f"member dashboard ({label})"] = (who, "/member/")
        pages[f"member's report list ({label})"] = (who, "/member/opinions/")
        pages[f"report timeline page ({label})"] = (who, f"/member/opinions/{report.pk}/")
    pages["tracking page"] = ("public", f"/issues/track/?code={issue.tracking_code}")
    pages["resident form GET"] = ("public", "/issues/new/")
    for name, url in (
        ("members", "members/member/"),
        ("opinion reports", "opinions/opinionreport/"),
        ("resident issues", "residents/residentissue/"),
    ):
        pages[f"admin: {name} (office)"] = ("office", f"/admin/{url}")
        pages[f"admin: {name} (liaison)"] = ("liaison", f"/admin/{url}")
        pages[f"bare admin: {name}"] = ("office", f"/bare-admin/{url}")
    users = {
        "member-average": typical.user,
        "member-busiest": busiest.user,
        "office": office,
        "liaison": liaison,
    }
    more_pages, studio_member = studio_pages()
    pages.update(more_pages)
    if studio_member is not None:
        users["member-studio"] = studio_member
    clients = {"public": Client()}
    for who, user in users.items():
        clients[who] = Client()
        clients[who].force_login(user)
    counts, reads = {}, {}
    for name, (who, url) in pages.items():
        client = clients[who]
        client.get(url)  # warm per-process caches, as a long-running worker has them
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"{name} {url}: HTTP {response.status_code}")
        counts[name] = len(captured)
        reads[name] = sorted(
            {t for q in captured.captured_queries for t in TABLE.findall(q["sql"])}
        )
    cookie = settings.SESSION_COOKIE_NAME
    sessions = {"public": ""}
    sessions.update({who: f"{cookie}={clients[who].cookies[cookie].value}" for who in users})
    liaison_rows = liaison_visible(liaison)
    print(
        json.dumps(
            {
                "pages": pages,
                "queries": counts,
                "reads": reads,
                "sessions": sessions,
                "form": {"street": street.pk, "community": community.pk},
                "members": {
                    "average reports": average,
                    "average member": typical.reports,
                    "busiest member": busiest.reports,
                },
                "liaison rows": liaison_rows,
                "rows": table_rows(),
            }
        )
    )


if __name__ == "__main__":
    main()
