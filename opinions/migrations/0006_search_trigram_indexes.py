"""Trigram indexes for the admin's search over the title and content of reports and
proposals (core/trigram.py: PostgreSQL only; the demo's SQLite runs the same query unindexed)."""

from django.db import migrations

from core.trigram import trigram_index


class Migration(migrations.Migration):
    dependencies = [
        ("opinions", "0005_timeline_and_notifications_moved_to_core"),
    ]

    operations = [
        trigram_index("opinions_opinionreport", "title", "report_title_trgm"),
        trigram_index("opinions_opinionreport", "content", "report_content_trgm"),
        trigram_index("opinions_proposal", "title", "proposal_title_trgm"),
        trigram_index("opinions_proposal", "content", "proposal_content_trgm"),
    ]
