"""Back up and restore the portal: the PostgreSQL database and both media folders, in one file.

    python scripts/backup.py backup [--output DIR]     # writes DIR/cppcc-backup-<time>.tar
    python scripts/backup.py restore FILE [--force]

(`make backup` and `make restore FILE=...` run these.) The archive holds `database.dump`
(pg_dump's custom format), `media/` (residents' photos, activity photos) and `private_media/`
(attachments of reports and proposals), and a `manifest.json`. It holds personal data: keep it
where the database is kept, encrypted at rest, and delete old ones.

Restoring refuses to write over a database that already has tables unless --force is given;
with --force the portal's tables are dropped and replaced, and the media folders are replaced.
The database must be PostgreSQL, and pg_dump/pg_restore must be at least the server's major
version (Debian: apt-get install postgresql-client).
"""

import argparse
import datetime
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DUMP_NAME = "database.dump"
MEDIA_NAME = "media"
PRIVATE_NAME = "private_media"
FORMAT_VERSION = 1


class BackupError(Exception):
    """What went wrong, in one sentence an operator can act on."""


def _setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def configured_paths() -> tuple[dict, Path, Path]:
    """The database settings and the two media folders of the running configuration."""
    from django.conf import settings

    from opinions.storage import private_storage

    return (
        settings.DATABASES["default"],
        Path(settings.MEDIA_ROOT),
        Path(private_storage.location),
    )


def _require_postgresql(database: dict) -> None:
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError(
            "Backups need PostgreSQL: the database is "
            f"{database['ENGINE'].rsplit('.', 1)[-1]} (DATABASE_URL). The SQLite demo is not "
            "backed up; copy db.sqlite3 and media/ by hand if you must."
        )


def _client_env(database: dict) -> dict:
    env = {**os.environ}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if database.get(key):
            env[name] = str(database[key])
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    env["PGDATABASE"] = database["NAME"]
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: apt-get install postgresql-client (the same major "
            "version as the server, or newer)."
        )
    return path


def _major(text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", text)
    return int(match.group(1)) if match else 0


def _connect(database: dict):
    import psycopg

    env = _client_env(database)
    return psycopg.connect(
        host=env.get("PGHOST"),
        port=env.get("PGPORT"),
        user=env.get("PGUSER"),
        password=env.get("PGPASSWORD"),
        dbname=database["NAME"],
        connect_timeout=5,
    )


def _check_versions(database: dict, tool: str) -> None:
    version = subprocess.run([tool, "--version"], capture_output=True, text=True)  # noqa: S603
    client = _major(version.stdout)
    with _connect(database) as connection:
        server = connection.info.server_version // 10000
    if client < server:
        raise BackupError(
            f"{Path(tool).name} is version {client} but the server is PostgreSQL {server}: "
            f"install postgresql-client-{server}."
        )


def _table_count(database: dict) -> int:
    with _connect(database) as connection:
        return connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()[0]


def backup(*, database: dict, media_root: Path, private_root: Path, output_dir: Path) -> Path:
    """Write one .tar archive of the database and both media folders; return its path."""
    _require_postgresql(database)
    pg_dump = _tool("pg_dump")
    _check_versions(database, pg_dump)
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(tz=datetime.UTC).strftime("%Y%m%d-%H%M%S")
    archive = output_dir / f"cppcc-backup-{stamp}.tar"
    with tempfile.TemporaryDirectory(prefix="cppcc-backup-") as work:
        dump = Path(work) / DUMP_NAME
        result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"],
            env=_client_env(database),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        manifest = {
            "format": FORMAT_VERSION,
            "created": datetime.datetime.now(tz=datetime.UTC).isoformat(),
            "database": database["NAME"],
        }
        partial = archive.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            info = tarfile.TarInfo("manifest.json")
            data = json.dumps(manifest, indent=2).encode()
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=DUMP_NAME)
            for name, folder in ((MEDIA_NAME, media_root), (PRIVATE_NAME, private_root)):
                if folder.is_dir():
                    tar.add(folder, arcname=name)
                else:
                    info = tarfile.TarInfo(name)
                    info.type = tarfile.DIRTYPE
                    info.mode = 0o755
                    tar.addfile(info)
        # Only a finished archive gets the final name: a crash leaves no half backup behind it.
        partial.chmod(0o600)
        partial.rename(archive)
    return archive


def _safe_members(tar: tarfile.TarFile, prefix: str) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        if member.name != prefix and not member.name.startswith(prefix + "/"):
            continue
        if not (member.isfile() or member.isdir()):
            raise BackupError(f"The archive holds a link or device ({member.name}): refused.")
        members.append(member)
    return members


def _replace_folder(tar: tarfile.TarFile, prefix: str, target: Path, work: Path) -> None:
    tar.extractall(work, members=_safe_members(tar, prefix), filter="data")
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(work / prefix), str(target))


def restore(
    archive: Path, *, database: dict, media_root: Path, private_root: Path, force: bool = False
) -> None:
    """Load an archive made by backup() into `database` and the two media folders."""
    _require_postgresql(database)
    pg_restore = _tool("pg_restore")
    if not archive.is_file():
        raise BackupError(f"No such backup file: {archive}")
    _check_versions(database, pg_restore)
    if _table_count(database) and not force:
        raise BackupError(
            f"The database {database['NAME']} already has tables: restore into an empty "
            "database, or add --force to replace what is there (the media folders too)."
        )
    with tempfile.TemporaryDirectory(prefix="cppcc-restore-") as work_dir:
        work = Path(work_dir)
        with tarfile.open(archive, "r") as tar:
            names = tar.getnames()
            if DUMP_NAME not in names or "manifest.json" not in names:
                raise BackupError(f"{archive} is not a portal backup (no {DUMP_NAME}).")
            tar.extractall(work, members=[tar.getmember(DUMP_NAME)], filter="data")
            command = [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error"]
            if force:
                command += ["--clean", "--if-exists"]
            env = _client_env(database)
            result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
                [*command, f"--dbname={database['NAME']}", str(work / DUMP_NAME)],
                env=env,
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
            _replace_folder(tar, MEDIA_NAME, media_root, work)
            _replace_folder(tar, PRIVATE_NAME, private_root, work)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="write a backup archive")
    make.add_argument("--output", type=Path, default=BASE_DIR / "backups")
    load = commands.add_parser("restore", help="load a backup archive")
    load.add_argument("file", type=Path)
    load.add_argument("--force", action="store_true", help="replace a non-empty database")
    args = parser.parse_args(argv)

    _setup_django()
    database, media_root, private_root = configured_paths()
    try:
        if args.command == "backup":
            archive = backup(
                database=database,
                media_root=media_root,
                private_root=private_root,
                output_dir=args.output,
            )
            print(f"Backup written: {archive}")
        else:
            restore(
                args.file,
                database=database,
                media_root=media_root,
                private_root=private_root,
                force=args.force,
            )
            print(f"Restored {args.file} into {database['NAME']}, {media_root}, {private_root}.")
    except BackupError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
