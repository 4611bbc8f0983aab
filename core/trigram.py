"""Trigram indexes for "words anywhere in the text" searches, on PostgreSQL only.

Django's `__icontains` (what the admin's search box runs) is `UPPER(col) LIKE UPPER('%…%')` on
PostgreSQL. A GIN index of `UPPER(col)` with pg_trgm's `gin_trgm_ops` serves exactly that
expression, for Chinese as for Latin text (the database's C.UTF-8 / zh_CN.UTF-8 character
classes count CJK characters as letters, so a three-character word has a trigram), whereas
PostgreSQL's built-in full-text search needs a word segmenter for Chinese (zhparser), which is
not packaged everywhere. The same query runs unchanged on SQLite (the demo), which has no
pg_trgm: the migration operation below does nothing there, and the models do not declare
these indexes (Django's state would otherwise try to build them on SQLite).
"""

from django.db import migrations


def trigram_index(table: str, column: str, name: str) -> migrations.RunPython:
    """A migration operation: on PostgreSQL, create pg_trgm (when missing) and a GIN trigram
    index on UPPER(`column`) of `table` named `name`; on other databases, nothing."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.quote_name
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} "
            f"USING gin ((UPPER({quote(column)}::text)) gin_trgm_ops)"
        )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")

    return migrations.RunPython(forwards, backwards, elidable=False)
