"""Run against one benchmark database (DATABASE_URL): make the logins the load tool uses, pick
the pages to measure, and count each page's queries with the test client. Prints JSON.

    DJANGO_SETTINGS_MODULE=benchmarks.bench_settings python -m benchmarks.prepare
"""

import json
import os
import sys

import django


def main() -> None:
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from members.models import Member, User
    from opinions.models import OpinionReport
    from residents.models import ResidentIssue, Street

    admin_user, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    # The member with the most reports, up to BENCH_MEMBER_REPORTS when it is set: run.py sets
    # it to what the small database's busiest member has, so that both sizes measure a member
    # with the same own work while the district's tables grow a hundredfold. (A member's own
    # list grows with their own reports; it is paginated, and that is not what big/small asks.)
    most = os.environ.get("BENCH_MEMBER_REPORTS")
    members = Member.objects.annotate(reports=Count("opinion_reports"))
    if most:
        members = members.filter(reports__lte=int(most))
    member = members.order_by("-reports", "pk").select_related("user").first()
    report = OpinionReport.objects.filter(author=member).order_by("-pk").first()
    issue = ResidentIssue.objects.order_by("pk").first()
    street = Street.objects.order_by("pk").first()
    community = street.communities.order_by("pk").first()
    pages = {
        "member dashboard": ("member", "/member/"),
        "member's report list": ("member", "/member/opinions/"),
        "report timeline page": ("member", f"/member/opinions/{report.pk}/"),
        "tracking page": ("public", f"/issues/track/?code={issue.tracking_code}"),
        "resident form GET": ("public", "/issues/new/"),
        "admin: members": ("admin", "/admin/members/member/"),
        "admin: opinion reports": ("admin", "/admin/opinions/opinionreport/"),
        "admin: resident issues": ("admin", "/admin/residents/residentissue/"),
        "bare admin: members": ("admin", "/bare-admin/members/member/"),
        "bare admin: opinion reports": ("admin", "/bare-admin/opinions/opinionreport/"),
        "bare admin: resident issues": ("admin", "/bare-admin/residents/residentissue/"),
    }
    clients = {"public": Client(), "member": Client(), "admin": Client()}
    clients["member"].force_login(member.user)
    clients["admin"].force_login(admin_user)
    counts = {}
    for name, (who, url) in pages.items():
        client = clients[who]
        client.get(url)  # warm per-process caches, as a long-running worker has them
        with CaptureQueriesContext(connection) as captured:
            status = client.get(url).status_code
        if status != 200:
            sys.exit(f"{name} {url}: HTTP {status}")
        counts[name] = len(captured)
    cookie = settings.SESSION_COOKIE_NAME
    print(
        json.dumps(
            {
                "pages": pages,
                "queries": counts,
                "sessions": {
                    "public": "",
                    "member": f"{cookie}={clients['member'].cookies[cookie].value}",
                    "admin": f"{cookie}={clients['admin'].cookies[cookie].value}",
                },
                "form": {"street": street.pk, "community": community.pk},
                "member_reports": member.reports,
                "rows": {
                    "members": Member.objects.count(),
                    "opinion reports": OpinionReport.objects.count(),
                    "resident issues": ResidentIssue.objects.count(),
                },
            }
        )
    )


if __name__ == "__main__":
    main()
