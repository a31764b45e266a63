"""`flask --app krafte_pwa init`: an empty installation of one's own (migrations applied,
no demo data), the first admin asked for or given as options, refused once users exist;
on SQLite and PostgreSQL."""

import os
import uuid

import pytest
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select

from krafte_pwa import MIGRATIONS, create_app
from krafte_pwa.extensions import db
from krafte_pwa.models import Item, Lot, User
from tests.test_migrations import keep_logging  # noqa: F401  (fixture)

pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_app(request, tmp_path, keep_logging):  # noqa: F811
    """An app on a database with nothing in it, not even tables."""
    if request.param == "sqlite":
        url = "sqlite:///" + str(tmp_path / "fresh.db")
    else:
        server = request.getfixturevalue("pg_server")
        os.environ["PATH"] = server.bin_dir + os.pathsep + os.environ["PATH"]
        url = server.create_database(f"krafte_init_{uuid.uuid4().hex[:8]}")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    yield app
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def run(app, *args, input=None):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args), input=input)
        db.session.remove()
        return result


def counts(app) -> dict:
    with app.app_context():
        got = {model.__name__: db.session.execute(select(func.count(model.id))).scalar_one()
               for model in (User, Item, Lot)}
        admin = db.session.execute(select(User)).scalars().first()
        got["admin"] = (admin.username, admin.role) if admin else None
        db.session.remove()  # SQLite: one writer, and every transaction is one here
        with db.engine.connect() as conn:
            heads = MigrationContext.configure(conn).get_current_heads()
        got["at_head"] = set(heads) == set(ScriptDirectory(MIGRATIONS).get_heads())
        return got


def test_init_asks_for_the_first_admin_and_loads_no_demo(empty_app):
    result = run(empty_app, "init", input="marie\nlong-secret-9\nlong-secret-9\n")
    assert result.exit_code == 0, result.output
    assert "First admin's username" in result.output and "Password" in result.output
    assert "long-secret-9" not in result.output  # hidden
    assert counts(empty_app) == {"User": 1, "Item": 0, "Lot": 0, "at_head": True,
                                 "admin": ("marie", "admin")}
    with empty_app.app_context():
        from krafte_pwa.services.users import authenticate

        assert authenticate("marie", "long-secret-9") is not None
        db.session.remove()

    # Users exist: refused, nothing changed; --if-empty says so and succeeds.
    again = run(empty_app, "init", "--username", "other", "--password", "long-secret-9")
    assert again.exit_code == 1 and "users already" in again.output
    quiet = run(empty_app, "init", "--if-empty")
    assert quiet.exit_code == 0 and "nothing to do" in quiet.output
    assert counts(empty_app)["User"] == 1


def test_init_for_scripts_with_options_and_a_bad_password_changes_nothing(empty_app):
    short = run(empty_app, "init", "--username", "ops", "--password", "x")
    assert short.exit_code == 1
    assert counts(empty_app)["User"] == 0
    result = run(empty_app, "init", "--username", "ops", "--password", "long-secret-9")
    assert result.exit_code == 0, result.output
    assert counts(empty_app)["admin"] == ("ops", "admin")
