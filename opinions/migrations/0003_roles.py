"""Give the staff roles their admin permissions on reports, proposals and departments."""

from django.db import migrations

from members.roles import LIAISON_STAFF, OFFICE_STAFF, crud, grant_in_migration


def grant(apps, schema_editor):
    grant_in_migration(
        apps,
        OFFICE_STAFF,
        "opinions",
        crud("opinionreport", "proposal", "department", "declinereason", "bulletin")
        + crud("committeesession", "reportadoption", "leaderinstruction", "proposalreply")
        + ["view_attachment", "view_timelineentry", "view_notification"],
    )
    # Liaison staff review the reports and proposals of their groups' members (the admin
    # scopes the rows); the lists the office maintains they only read.
    grant_in_migration(
        apps,
        LIAISON_STAFF,
        "opinions",
        ["view_opinionreport", "change_opinionreport", "view_proposal", "change_proposal"]
        + ["view_department", "view_declinereason", "view_bulletin", "view_committeesession"]
        + ["view_reportadoption", "view_leaderinstruction", "view_proposalreply"]
        + ["view_attachment", "view_timelineentry"],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("opinions", "0002_reports_proposals"),
        ("members", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
