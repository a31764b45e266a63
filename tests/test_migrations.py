"""Migrations and models agree, on an empty SQLite file and an empty PostgreSQL database.

`flask db upgrade` must build exactly the schema the models describe (autogenerate finds
nothing to do), and every migration must go down to base and up again. Whatever revisions
exist are covered: the tests upgrade to all heads, and one test insists there is one head,
since `make migrate` runs `flask db upgrade`.
"""

import logging

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import inspect

from krafte_pwa import create_app
from krafte_pwa.extensions import db

# migrations/env.py (Flask-Migrate's template) tries db.get_engine() first, which
# Flask-SQLAlchemy 3.1 deprecates; returning db.engine there would silence this.
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")


@pytest.fixture
def keep_logging():
    """Alembic's env.py runs logging.config.fileConfig, which disables every logger it does
    not name and replaces the root handlers; put things back for the rest of the session."""
    manager = logging.Logger.manager
    root = logging.getLogger()
    saved_root = (root.level, list(root.handlers))
    saved = {name: (lg.disabled, lg.level, list(lg.handlers), lg.propagate)
             for name, lg in manager.loggerDict.items() if isinstance(lg, logging.Logger)}
    yield
    root.setLevel(saved_root[0])
    root.handlers[:] = saved_root[1]
    for name, lg in list(manager.loggerDict.items()):
        if not isinstance(lg, logging.Logger):
            continue
        disabled, level, handlers, propagate = saved.get(name, (False, logging.NOTSET, [], True))
        lg.disabled, lg.propagate = disabled, propagate
        lg.setLevel(level)
        lg.handlers[:] = handlers


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_app(request, tmp_path, keep_logging):
    """An app on a database that has no tables at all."""
    if request.param == "sqlite":
        url = "sqlite:///" + str(tmp_path / "migrations.db")
    else:
        url = request.getfixturevalue("pg_server").create_database("krafte_migrations")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test"})
    with app.app_context():
        yield app
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def script_heads() -> set[str]:
    config = current_app.extensions["migrate"].migrate.get_config()
    return set(ScriptDirectory.from_config(config).get_heads())


def database_heads() -> set[str]:
    with db.engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def differences() -> list:
    """What `flask db migrate` would write: empty when the schema is the models'."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True, "render_as_batch": conn.dialect.name == "sqlite"})
        return compare_metadata(context, db.metadata)


def tables() -> set[str]:
    with db.engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def test_upgrade_builds_exactly_the_schema_of_the_models(empty_app):
    assert tables() == set()
    flask_migrate.upgrade(revision="heads")
    assert database_heads() == script_heads()
    assert tables() == set(db.metadata.tables) | {"alembic_version"}
    assert differences() == []


def test_every_migration_goes_down_to_base_and_up_again(empty_app):
    flask_migrate.upgrade(revision="heads")
    flask_migrate.downgrade(revision="base")
    assert tables() <= {"alembic_version"}
    assert database_heads() == set()
    flask_migrate.upgrade(revision="heads")
    assert database_heads() == script_heads()
    assert differences() == []


def test_migrations_form_one_line_with_a_single_head(keep_logging):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "SECRET_KEY": "test"})
    with app.app_context():
        heads = script_heads()
        for engine in db.engines.values():
            engine.dispose()
    assert len(heads) == 1, f"several heads {sorted(heads)}: merge them (flask db merge)"
