"""Keep the CAPTCHA's challenges (django-simple-captcha's table) out of PostgreSQL's write-ahead
log: every visit to the public form writes one and every submission deletes one, and a
challenge is worth nothing after a crash. An unlogged table skips the log and its flush; after a
crash it comes back empty, and it is not copied to standby servers: a resident whose challenge
was lost is asked to answer a new one, as after any wrong answer.

The CAPTCHA has since been replaced (0006_remove_captcha_challenges) and django-simple-captcha
is no longer installed: on a new database this migration does nothing, and it no longer
depends on that app's migrations.
"""

from django.db import migrations

TABLE = "captcha_captchastore"


def _alter(schema_editor, logged: bool) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite (the demo) has no write-ahead log of this kind
    if TABLE not in schema_editor.connection.introspection.table_names():
        return  # a database made after django-simple-captcha was removed
    mode = "LOGGED" if logged else "UNLOGGED"
    schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(TABLE)} SET {mode}")


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0004_remove_expired_captchas_schedule"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: _alter(schema_editor, logged=False),
            lambda apps, schema_editor: _alter(schema_editor, logged=True),
        )
    ]
