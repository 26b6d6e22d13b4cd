"""Backup and restore of the whole platform, with the proof that a restore is whole.

A backup is a directory: the database (PostgreSQL: ``pg_dump`` in its custom format; SQLite:
the online backup API), every stored file copied through the storage API (the file system or
S3/MinIO alike) and ``manifest.json`` with each table's row count and checksum, each file's
SHA-256 and the audit chain's last hash. On PostgreSQL the checksums are read in the very
snapshot ``pg_dump`` saves (an exported snapshot), so the manifest describes exactly the dump
even while the platform keeps working.

A restore goes only into an empty database and an empty storage; it then recomputes every
checksum and verifies the audit chain, and fails loudly on the first difference."""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection

MANIFEST = "manifest.json"
DUMP_PG = "database.pgdump"
DUMP_SQLITE = "database.sqlite3"
FILES = "files"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"未安装 {name}（Debian 软件包 postgresql-client）。")
    return found


class BackupError(Exception):
    pass


# — checksums of tables, from any DB-API cursor —


def _tables(cursor, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return sorted(row[0] for row in cursor.fetchall())


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value


def table_checksums(cursor, vendor: str) -> dict[str, dict]:
    """{table: {"rows": n, "sha256": …}} over every row, in a total order of all columns."""
    result = {}
    for table in _tables(cursor, vendor):
        quoted = '"' + table.replace('"', '""') + '"'
        cursor.execute(f"SELECT * FROM {quoted} LIMIT 0")  # noqa: S608 (a name from the catalogue)
        order = ", ".join(str(i + 1) for i in range(len(cursor.description)))
        cursor.execute(f"SELECT * FROM {quoted} ORDER BY {order}")  # noqa: S608
        digest, rows = hashlib.sha256(), 0
        while batch := cursor.fetchmany(2000):
            for row in batch:
                digest.update(repr(tuple(_plain(v) for v in row)).encode())
                rows += 1
        result[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return result


# — files, through the storage API —


def _stored_names(directory: str = "") -> list[str]:
    try:
        subdirectories, files = default_storage.listdir(directory)
    except FileNotFoundError:  # a file system storage whose folder was never created
        return []
    names = [f"{directory}/{f}" if directory else f for f in files]
    for sub in subdirectories:
        names.extend(_stored_names(f"{directory}/{sub}" if directory else sub))
    return names


def _sha256_of_stored(name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as stored:
        for chunk in iter(lambda: stored.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# — backup —


def _pg_env(db: dict) -> dict:
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _pg_args(db: dict) -> list[str]:
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    return args


def raw_connection():
    """A plain DB-API connection to the configured database, without Django's type converters,
    so that backup and restore read the same values the same way."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return sqlite3.connect(db["NAME"])
    import psycopg

    return psycopg.connect(
        dbname=db["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
    )


def _backup_postgresql(target: Path) -> dict:
    from psycopg import IsolationLevel

    db = connection.settings_dict
    with raw_connection() as raw:
        # One snapshot for the checksums and the dump: the manifest describes the dump exactly.
        raw.isolation_level = IsolationLevel.REPEATABLE_READ
        cursor = raw.cursor()
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        subprocess.run(  # noqa: S603 (arguments from the settings, not from a request)
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                f"--snapshot={snapshot}",
                f"--file={target / DUMP_PG}",
                *_pg_args(db),
            ],
            env=_pg_env(db),
            check=True,
            capture_output=True,
        )
        checksums = table_checksums(cursor, "postgresql")
        raw.rollback()
        return checksums


def _backup_sqlite(target: Path) -> dict:
    copy = sqlite3.connect(target / DUMP_SQLITE)
    try:
        connection.ensure_connection()
        connection.connection.backup(copy)  # consistent, while others keep writing
        return table_checksums(copy.cursor(), "sqlite")
    finally:
        copy.close()


def backup(target: Path) -> dict:
    """Write a backup into `target` (created, must be empty); returns the manifest."""
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise BackupError(f"备份目录 {target} 不是空目录。")
    started = datetime.datetime.now(datetime.UTC)
    if connection.vendor == "postgresql":
        tables = _backup_postgresql(target)
    elif connection.vendor == "sqlite":
        tables = _backup_sqlite(target)
    else:
        raise BackupError(f"不支持 {connection.vendor} 数据库的备份。")
    files = {}
    for name in sorted(_stored_names()):
        destination = target / FILES / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as stored, destination.open("wb") as out:
            shutil.copyfileobj(stored, out)
        files[name] = hashlib.sha256(destination.read_bytes()).hexdigest()
    manifest = {
        "created": started.isoformat(),
        "database": connection.vendor,
        "tables": tables,
        "files": files,
        "audit_head": _audit_head(),
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def _audit_head() -> str:
    from longcheng.audit.models import AuditRecord

    last = AuditRecord.objects.order_by("-id").values_list("hash", flat=True).first()
    return last or ""


# — restore —


def restore(source: Path) -> dict:
    """Restore `source` into the configured (empty) database and storage, then prove it."""
    manifest = json.loads((source / MANIFEST).read_text())
    if manifest["database"] != connection.vendor:
        raise BackupError(
            f"备份来自 {manifest['database']} 数据库，本系统使用 {connection.vendor}。"
        )
    with connection.cursor() as cursor:
        if _tables(cursor, connection.vendor):
            raise BackupError("目标数据库不是空库：只能恢复到新建的空数据库。")
    if _stored_names():
        raise BackupError("文件存储不是空的：只能恢复到空的存储。")
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        subprocess.run(  # noqa: S603 (arguments from the settings, not from a request)
            [
                _tool("pg_restore"),
                "--no-owner",
                "--exit-on-error",
                *_pg_args(db),
                str(source / DUMP_PG),
            ],
            env=_pg_env(db),
            check=True,
            capture_output=True,
        )
    else:
        connection.ensure_connection()
        backup_file = sqlite3.connect(source / DUMP_SQLITE)
        try:
            backup_file.backup(connection.connection)
        finally:
            backup_file.close()
    for name in manifest["files"]:
        with (source / FILES / name).open("rb") as original:
            saved = default_storage.save(name, File(original))
        if saved != name:
            raise BackupError(f"文件 {name} 被存为 {saved}。")
    return verify(manifest)


def verify(manifest: dict) -> dict:
    """Compare the live database and storage with a manifest; raise on the first difference."""
    from longcheng.audit.chain import verify_stored_chain

    connection.close()  # a fresh connection sees the restored database
    raw = raw_connection()
    try:
        tables = table_checksums(raw.cursor(), connection.vendor)
    finally:
        raw.close()
    for table, expected in manifest["tables"].items():
        if tables.get(table) != expected:
            raise BackupError(f"表 {table} 与备份不一致：{tables.get(table)} ≠ {expected}")
    for name, sha in manifest["files"].items():
        if _sha256_of_stored(name) != sha:
            raise BackupError(f"文件 {name} 与备份不一致。")
    checked, broken = verify_stored_chain()
    if broken is not None:
        raise BackupError(f"审计链断开：{broken}")
    if _audit_head() != manifest["audit_head"]:
        raise BackupError("审计链的最后一条记录与备份不一致。")
    return {
        "tables": len(tables),
        "rows": sum(t["rows"] for t in tables.values()),
        "files": len(manifest["files"]),
        "audit_records": checked,
    }
