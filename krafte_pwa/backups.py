"""Backup and restore of the database, for the `backup` and `restore` commands.

A backup is readable by its owner only: the file is created with mode 0600 before a byte
is written. No password ever goes on a command line (where `ps` shows it to every user
of the machine): pg_dump and pg_restore get the connection in PG* environment variables.

- SQLite: SQLite's online backup API, page by page, consistent while the server writes;
  restoring copies the backup into the live database file the same way.
- PostgreSQL: `pg_dump --format=custom` to the file; `pg_restore --clean --if-exists`
  in one transaction to put it back.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import URL

from .extensions import db

SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"


class BackupError(Exception):
    pass


def _private_file(path: Path) -> int:
    """A new file only its owner can read, open for writing."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(f"{path} already exists: choose another name") from None
    os.fchmod(fd, 0o600)  # whatever the umask
    return fd


def pg_environment(url: URL) -> dict:
    """The connection as libpq's environment variables (the password among them)."""
    env = dict(os.environ)
    for name, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                        ("PGPASSWORD", url.password), ("PGDATABASE", url.database),
                        ("PGSSLMODE", url.query.get("sslmode"))):
        if value is not None:
            env[name] = str(value)
    if "host" in url.query and url.host is None:  # a Unix socket directory
        env["PGHOST"] = str(url.query["host"])
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client "
                          "(apt-get install postgresql-client)")
    return found


def backup(url: URL, path: Path) -> None:
    if url.get_backend_name() == "sqlite":
        os.close(_private_file(path))
        source = sqlite3.connect(url.database)
        dest = sqlite3.connect(path)
        try:
            with dest:
                source.backup(dest)  # consistent while others write
        finally:
            dest.close()
            source.close()
        return
    fd = _private_file(path)
    try:
        done = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-password"],
                              stdout=fd, stderr=subprocess.PIPE, env=pg_environment(url),
                              check=False)
    finally:
        os.close(fd)
    if done.returncode != 0:
        path.unlink(missing_ok=True)
        raise BackupError("pg_dump failed: " + done.stderr.decode(errors="replace").strip())


def data_held() -> str:
    """What the database holds that a restore would replace ('' when nothing)."""
    from .models import Item, Lot, User

    tables = set(inspect(db.engine).get_table_names())
    held = []
    for model, name in ((Item, "items"), (Lot, "lots"), (User, "users")):
        if model.__tablename__ in tables:
            count = db.session.execute(select(func.count()).select_from(model)).scalar_one()
            if count:
                held.append(f"{count} {name}")
    db.session.rollback()
    return ", ".join(held)


def check_can_restore(url: URL, path: Path) -> None:
    with path.open("rb") as f:
        head = f.read(16)
    if url.get_backend_name() == "sqlite":
        if head != SQLITE_HEADER:
            raise BackupError(f"{path} is not an SQLite backup"
                              + (" (it is a PostgreSQL dump)"
                                 if head.startswith(PG_CUSTOM_HEADER) else ""))
    elif not head.startswith(PG_CUSTOM_HEADER):
        raise BackupError(f"{path} is not a pg_dump custom-format file"
                          + (" (it is an SQLite backup)" if head == SQLITE_HEADER else ""))


def restore(url: URL, path: Path) -> None:
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        live = sqlite3.connect(url.database, timeout=30)
        try:
            source.backup(live)  # the live file takes the backup's pages, server running
        finally:
            live.close()
            source.close()
        return
    done = subprocess.run(
        [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
         "--single-transaction", "--exit-on-error", "--no-password",
         "--dbname", url.database, str(path)],
        capture_output=True, env=pg_environment(url), check=False)
    if done.returncode != 0:
        raise BackupError("pg_restore failed: " + done.stderr.decode(errors="replace").strip())
