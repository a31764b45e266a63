"""Backup and restore from the command line, on SQLite and PostgreSQL.

A backup is readable by its owner only and puts no password on a command line; a
restore into an empty database gives back the same rows, at the migration head, and
refuses to replace a database holding data unless forced.
"""

import json
import os
import stat
import sys

import flask_migrate
import pytest
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select

from krafte_pwa import MIGRATIONS, create_app
from krafte_pwa.extensions import db
from krafte_pwa.models import Balance, Lot, Movement, User
from tests.factories import candle_workshop, receive
from tests.test_migrations import keep_logging  # noqa: F401  (fixture)

pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request, tmp_path, keep_logging):  # noqa: F811
    """Two empty databases of one kind: a workshop's and the one it is restored into."""
    if request.param == "sqlite":
        urls = ["sqlite:///" + str(tmp_path / f"{name}.db") for name in ("shop", "new")]
    else:
        server = request.getfixturevalue("pg_server")
        os.environ["PATH"] = server.bin_dir + os.pathsep + os.environ["PATH"]
        urls = [server.create_database(f"krafte_{name}") for name in ("shop", "new")]
    apps = [create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t",
                        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}) for url in urls]
    for app in apps:
        with app.app_context():
            flask_migrate.upgrade()
    yield apps
    for app in apps:
        with app.app_context():
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()


def snapshot() -> dict:
    rows = {}
    for model in (Lot, Movement, Balance, User):
        table = model.__table__
        rows[table.name] = sorted(tuple(str(v) for v in row)
                                  for row in db.session.execute(select(table)).all())
    db.session.rollback()
    return rows


def at_head() -> bool:
    with db.engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_heads()
    return set(current) == set(ScriptDirectory(MIGRATIONS).get_heads())


def run(app, *args):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
        db.session.remove()
        return result


def test_backup_is_private_and_restores_the_same_rows(databases, tmp_path):
    shop, new = databases
    with shop.app_context():
        from krafte_pwa.services.users import create_user

        candle_workshop()
        code = receive("WAX", "1200", cost="0.01")
        receive("WICK", "50")
        create_user(username="ana", password="ana-password", role="operator")
        from krafte_pwa.services.stock import transfer_stock

        transfer_stock(lot=code, source="STORE", destination="SHELF", quantity="200")
        before = snapshot()
    target = tmp_path / "backup.file"
    result = run(shop, "backup", str(target))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

    result = run(new, "restore", str(target))
    assert result.exit_code == 0, result.output
    with new.app_context():
        assert snapshot() == before
        assert at_head()


def test_restore_refuses_a_database_with_data_unless_forced(databases, tmp_path):
    shop, new = databases
    with shop.app_context():
        candle_workshop()
        receive("WAX", "10")
        before = snapshot()
    target = tmp_path / "backup.file"
    assert run(shop, "backup", str(target)).exit_code == 0
    with new.app_context():
        from krafte_pwa.services.users import create_user

        create_user(username="someone", password="someone-password", role="admin")
        theirs = snapshot()
    result = run(new, "restore", str(target))
    assert result.exit_code != 0
    assert "not empty" in result.output and "--force" in result.output
    with new.app_context():
        assert snapshot() == theirs  # nothing replaced
    result = run(new, "restore", "--force", str(target))
    assert result.exit_code == 0, result.output
    with new.app_context():
        assert snapshot() == before
        assert at_head()


def test_backup_refuses_to_overwrite_a_file(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "t",
                      "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "a.db")})
    target = tmp_path / "exists.db"
    target.write_text("keep me")
    result = run(app, "backup", str(target))
    assert result.exit_code != 0 and "already exists" in result.output
    assert target.read_text() == "keep me"


FAKE_PG_DUMP = """#!{python}
import json, os, sys
with open({record!r}, "w") as f:
    json.dump({{"argv": sys.argv, "env": dict(os.environ)}}, f)
sys.stdout.buffer.write(b"PGDMP fake dump")
"""


def test_pg_dump_gets_the_password_in_its_environment_never_in_argv(tmp_path, monkeypatch):
    record = tmp_path / "pg_dump.json"
    fake = tmp_path / "bin" / "pg_dump"
    fake.parent.mkdir()
    fake.write_text(FAKE_PG_DUMP.format(python=sys.executable, record=str(record)))
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(fake.parent) + os.pathsep + os.environ["PATH"])
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI":
                      "postgresql+psycopg://krafte:s3cret-Pw%40x@db.example:6543/workshop"})
    target = tmp_path / "shop.dump"
    result = run(app, "backup", str(target))
    assert result.exit_code == 0, result.output
    seen = json.loads(record.read_text())
    assert not any("s3cret" in arg for arg in seen["argv"]), seen["argv"]
    assert seen["env"]["PGPASSWORD"] == "s3cret-Pw@x"
    assert (seen["env"]["PGHOST"], seen["env"]["PGPORT"], seen["env"]["PGUSER"],
            seen["env"]["PGDATABASE"]) == ("db.example", "6543", "krafte", "workshop")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes() == b"PGDMP fake dump"
