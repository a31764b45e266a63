"""Configuration: the only module that reads os.environ."""

import os
import tempfile
from pathlib import Path


def default_database_url(instance_path: str) -> str:
    return "sqlite:///" + str(Path(instance_path) / "krafte.db")


def from_environment(instance_path: str) -> dict:
    env = os.environ
    url = env.get("DATABASE_URL") or default_database_url(instance_path)
    if url.startswith("postgres://"):  # the form some hosts hand out
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return {
        "SECRET_KEY": env.get("SECRET_KEY") or _instance_secret(instance_path),
        "SQLALCHEMY_DATABASE_URI": url,
        "BASE_URL": env.get("KRAFTE_BASE_URL", ""),
        # This machine's address on the local network (`make run` finds it with hostname -I):
        # labels printed from a browser on localhost carry it, so phones can open them.
        "LAN_URL": env.get("KRAFTE_LAN_URL", ""),
        "CURRENCY": env.get("KRAFTE_CURRENCY", "EUR"),
        "BABEL_DEFAULT_LOCALE": env.get("KRAFTE_LOCALE", "en"),
        "MAX_CONTENT_LENGTH": int(env.get("KRAFTE_MAX_UPLOAD_BYTES", 12 * 1024 * 1024)),
        # Reverse proxies in front whose X-Forwarded-Proto/-For are trusted (0: none).
        "PROXY_HOPS": int(env.get("KRAFTE_PROXY_HOPS") or 0),
        "TOKEN_DAYS": int(env.get("KRAFTE_TOKEN_DAYS", 90)),
        # SQLite: how long a writer waits for the write lock before a 503 (seconds)
        "SQLITE_BUSY_TIMEOUT": float(env.get("KRAFTE_SQLITE_BUSY_TIMEOUT", 5)),
    }


def _instance_secret(instance_path: str) -> str:
    """A random key kept in instance/ so sessions survive restarts without configuration.

    Two processes starting on a fresh instance/ must agree on one key: each writes its own
    key to a private temporary file and links it into place; linking fails when the file
    exists, so the first link wins and every process reads that one.
    """
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")  # mode 0600
        try:
            os.write(fd, os.urandom(32).hex().encode())
            os.close(fd)
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp)
    return path.read_text().strip()
