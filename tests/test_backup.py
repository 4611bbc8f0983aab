"""`make backup` / `make restore`: a backup restored into a fresh database and fresh media
folders holds every row of every table and every file, byte for byte."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from opinions.storage import private_storage
from tests.members.factories import ActivityFactory, MemberFactory
from tests.opinions.factories import ForwardedReportFactory
from tests.residents.factories import ResidentIssueFactory

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "backup.py"
_spec = importlib.util.spec_from_file_location("portal_backup", SCRIPT)
backup_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(backup_script)


def _connect(dbname: str, **kwargs):
    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        dbname=dbname,
        **kwargs,
    )


@pytest.fixture
def fresh_database():
    """An empty database beside the test database, dropped afterwards."""
    name = f"{settings.DATABASES['default']['NAME']}_restore"
    with _connect("postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield {**settings.DATABASES["default"], "NAME": name}
    with _connect("postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fingerprint(cursor) -> dict[str, tuple[int, str]]:
    """Every table of the public schema: its row count and a digest of all its rows."""
    cursor.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
    )
    tables = sorted(row[0] for row in cursor.fetchall())
    result = {}
    for table in tables:
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "  # noqa: S608 - names from the catalog
            f'FROM "{table}" t'
        )
        result[table] = tuple(cursor.fetchone())
    return result


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }


def test_backup_restores_every_row_and_file_into_a_fresh_database(tmp_path, fresh_database):
    member = MemberFactory(name="王秀英")
    ActivityFactory.create_batch(3)
    ForwardedReportFactory(author=member)
    ResidentIssueFactory.create_batch(2)
    default_storage.save("issues/2026/03/photo.jpg", ContentFile(b"\xff\xd8\xff\xe0 photo"))
    default_storage.save("activities/2026/03/义诊.jpg", ContentFile(b"\xff\xd8\xff\xe0 clinic"))
    private_storage.save("attachments/report.pdf", ContentFile(b"%PDF-1.4 report"))
    media_root = Path(settings.MEDIA_ROOT)
    private_root = Path(private_storage.location)

    archive = backup_script.backup(
        database=settings.DATABASES["default"],
        media_root=media_root,
        private_root=private_root,
        output_dir=tmp_path / "backups",
    )
    restored_media = tmp_path / "restored" / "media"
    restored_private = tmp_path / "restored" / "private_media"
    backup_script.restore(
        archive, database=fresh_database, media_root=restored_media, private_root=restored_private
    )

    with connection.cursor() as cursor:
        expected = _fingerprint(cursor)
    with _connect(fresh_database["NAME"]) as restored, restored.cursor() as cursor:
        found = _fingerprint(cursor)
    assert expected["members_member"][0] >= 1 and expected["residents_residentissue"][0] == 2
    assert found == expected
    assert _files(restored_media) == _files(media_root)
    assert _files(restored_private) == _files(private_root)
    assert len(_files(restored_media)) == 2 and len(_files(restored_private)) == 1


def test_restore_refuses_a_database_that_has_tables_unless_forced(tmp_path, fresh_database):
    MemberFactory()
    archive = backup_script.backup(
        database=settings.DATABASES["default"],
        media_root=Path(settings.MEDIA_ROOT),
        private_root=Path(private_storage.location),
        output_dir=tmp_path,
    )
    target = {
        "database": fresh_database,
        "media_root": tmp_path / "m",
        "private_root": tmp_path / "p",
    }
    backup_script.restore(archive, **target)

    with pytest.raises(backup_script.BackupError, match="already has tables"):
        backup_script.restore(archive, **target)
    backup_script.restore(archive, force=True, **target)
    with _connect(fresh_database["NAME"]) as restored:
        assert restored.execute("SELECT count(*) FROM members_member").fetchone()[0] == 1


def test_on_sqlite_the_script_says_it_needs_postgresql(tmp_path):
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "backup", "--output", str(tmp_path)],
        env={
            "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
            "DEBUG": "1",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 1
    assert "need PostgreSQL" in result.stderr or "needs PostgreSQL" in result.stderr
    assert not list(tmp_path.glob("*.tar"))
