"""A consistent backup of the site, and its restore (`manage.py backup_site`, `restore_site`).

A backup is a folder:

    database.dump      PostgreSQL: `pg_dump --format=custom` (one snapshot, taken inside a
                       single repeatable-read transaction, so it is consistent while the site
                       keeps writing)
    database.sqlite3   SQLite: SQLite's online backup API (what the shell's `.backup` does)
    media.tar.gz       every file in the media storage: MEDIA_ROOT, or the S3 bucket
    manifest.json      when, from which engine, and row counts to check a restore against

The database goes first, media second. Media names never change content (originals get
generated names, renditions content-derived ones), so every file the dump refers to is in
the tarball unless it was deleted in between; files added in between are harmless extras.

Restore goes into an empty database (`manage.py migrate` is not run first: the dump has the
schema) and an empty media folder or bucket.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction


class BackupError(Exception):
    pass


def _pg_env_and_args(db: dict) -> tuple[dict, list[str]]:
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return env, args


def _run(command: list[str], env: dict) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def counted_models():
    """Every installed model with a table of its own (core names no app above it)."""
    return [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]


def counts() -> dict[str, int]:
    """Rows per model: what a restore must find again."""
    return {model._meta.label: model._base_manager.count() for model in counted_models()}


def backup_database(folder: Path) -> tuple[str, dict[str, int]]:
    """The database file and its rows per model, both of one moment: on a live site rows
    come and go between any two statements, so counting beside the copy could not be
    checked against it."""
    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        env, args = _pg_env_and_args(db)
        target = folder / "database.dump"
        # pg_dump reads the snapshot this transaction counted in.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            found = counts()
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *args,
                 f"--snapshot={snapshot}", "--file", str(target), db["NAME"]],
                env,
            )  # fmt: skip
        return target.name, found
    if connection.vendor == "sqlite":
        target = folder / "database.sqlite3"
        source = sqlite3.connect(db["NAME"])
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
            # Counted in the copy itself.
            found = {
                model._meta.label: copy.execute(
                    f'SELECT COUNT(*) FROM "{model._meta.db_table}"'
                ).fetchone()[0]
                for model in counted_models()
            }
        finally:
            copy.close()
            source.close()
        return target.name, found
    raise BackupError(f"Backups of {connection.vendor} databases are not supported.")


def _walk_storage(storage, prefix=""):
    folders, files = storage.listdir(prefix)
    for name in files:
        yield f"{prefix}{name}"
    for folder in folders:
        yield from _walk_storage(storage, f"{prefix}{folder}/")


def backup_media(folder: Path) -> int:
    target = folder / "media.tar.gz"
    count = 0
    with tarfile.open(target, "w:gz") as archive:
        if settings.MEDIA_STORAGE == "local":
            root = Path(settings.MEDIA_ROOT)
            if root.is_dir():
                for path in sorted(root.rglob("*")):
                    if path.is_file():
                        archive.add(path, arcname=str(path.relative_to(root)))
                        count += 1
        else:
            for name in _walk_storage(default_storage):
                with default_storage.open(name, "rb") as source:
                    data = source.read()
                info = tarfile.TarInfo(name)
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
                count += 1
    return count


def backup(folder: Path) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "engine": connection.vendor,
    }
    manifest["database"], manifest["counts"] = backup_database(folder)
    manifest["media_files"] = backup_media(folder)
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def read_manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / "manifest.json").read_text())
    except FileNotFoundError:
        raise BackupError(f"{folder} holds no manifest.json: not a backup folder.") from None


def restore_database(folder: Path, manifest: dict) -> None:
    db = settings.DATABASES["default"]
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            f"The backup is of a {manifest['engine']} database; this site uses {connection.vendor}."
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            )
            if cursor.fetchone()[0]:
                raise BackupError(f"Database {db['NAME']} is not empty: restore into a new one.")
        connection.close()
        env, args = _pg_env_and_args(db)
        _run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *args,
             "--dbname", db["NAME"], str(folder / manifest["database"])],
            env,
        )  # fmt: skip
        return
    target = Path(db["NAME"])
    if target.exists() and target.stat().st_size:
        raise BackupError(f"{target} exists: restore into a new file.")
    connection.close()
    source = sqlite3.connect(folder / manifest["database"])
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()


def restore_media(folder: Path) -> int:
    count = 0
    with tarfile.open(folder / "media.tar.gz", "r:gz") as archive:
        if settings.MEDIA_STORAGE == "local":
            root = Path(settings.MEDIA_ROOT)
            root.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=root.parent) as staging:
                archive.extractall(staging, filter="data")
                for path in sorted(Path(staging).rglob("*")):
                    if path.is_file():
                        final = root / path.relative_to(staging)
                        final.parent.mkdir(parents=True, exist_ok=True)
                        shutil.move(path, final)
                        count += 1
        else:
            for member in archive:
                if member.isfile():
                    data = archive.extractfile(member).read()
                    default_storage.save(member.name, ContentFile(data))
                    count += 1
    return count


def restore(folder: Path) -> dict:
    manifest = read_manifest(folder)
    restore_database(folder, manifest)
    restored = restore_media(folder)
    # Models the backup's release did not have yet are not compared.
    found = counts()
    differ = {
        label: (number, found.get(label))
        for label, number in manifest["counts"].items()
        if found.get(label) != number
    }
    if differ:
        raise BackupError(f"Restored rows differ from the backup's (backup, now): {differ}.")
    return {**manifest, "restored_media_files": restored}
