"""Fixtures: the app on SQLite and on PostgreSQL, a client, users, tokens.

Every database test runs on both databases. The PostgreSQL server is started by the
suite itself; with CI=true it must start (the leg fails rather than skips).
"""

import os

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import text

from krafte_pwa import create_app
from krafte_pwa.extensions import db
from tests.pg_server import PostgresServer, find_bin_dir

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def pg_server():
    bin_dir = find_bin_dir()
    if bin_dir is None:
        message = "PostgreSQL binaries not found (apt-get install postgresql)"
        if IN_CI:
            pytest.fail(message + ": the PostgreSQL leg is required in CI")
        pytest.skip(message)
    server = PostgresServer(bin_dir)
    try:
        server.start()
    except Exception as exc:  # a clear failure in CI, a visible skip elsewhere
        server.stop()
        if IN_CI:
            pytest.fail(f"could not start PostgreSQL: {exc}")
        pytest.skip(f"could not start PostgreSQL: {exc}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_url(pg_server):
    return pg_server.create_database("krafte_test")


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory):
    return "sqlite:///" + str(tmp_path_factory.mktemp("sqlite") / "krafte_test.db")


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """`make` compiles the catalogues; a bare pytest run should not need it. Parallel
    workers may compile the same catalogue at once: each writes a file of its own and
    renames it into place, so no worker ever reads a half-written one."""
    import tempfile
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[1]
    for po in root.glob("krafte_pwa/translations/*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source, tempfile.NamedTemporaryFile(
                    "wb", dir=mo.parent, suffix=".mo.tmp", delete=False) as target:
                write_mo(target, read_po(source))
            os.chmod(target.name, 0o644)
            os.replace(target.name, mo)


_schema_ready: set[str] = set()


class RequestClient(FlaskClient):
    """Flask reuses the test's app context for requests, so `g` would carry the previous
    request's user; a real server gives each request a fresh one."""

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        g.pop("bearer", None)
        g.pop("_flask_babel", None)
        return super().open(*args, **kwargs)


def make_app(url: str):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test",
                      "WTF_CSRF_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "BASE_URL": "http://krafte.test"})
    app.test_client_class = RequestClient
    with app.app_context():
        if url not in _schema_ready:
            db.drop_all()
            db.create_all()
            _schema_ready.add(url)
        reset_database()
        for engine in db.engines.values():
            engine.dispose()
    return app


def reset_database() -> None:
    """Empty every table: each test (and each hypothesis example) starts from nothing."""
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                              + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
    db.session.remove()


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request):
    url = request.getfixturevalue("pg_url" if request.param == "postgresql" else "sqlite_url")
    yield from _serve(make_app(url))


@pytest.fixture
def pg_app(pg_url):
    """PostgreSQL only: row locking and real concurrency."""
    yield from _serve(make_app(pg_url))


def _serve(app):
    with app.app_context():
        yield app
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()  # each test has its own app and pool: close them


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def users(app):
    from krafte_pwa.services.users import create_user

    for name, role in (("admin", "admin"), ("manager", "manager"), ("operator", "operator")):
        create_user(username=name, password=f"{name}-password", role=role)
    return {"admin": "admin-password", "manager": "manager-password",
            "operator": "operator-password"}


def _token(client, name: str) -> dict:
    response = client.post("/api/v1/tokens",
                           json={"username": name, "password": f"{name}-password"})
    assert response.status_code == 201, response.json
    return {"Authorization": "Bearer " + response.json["token"]}


@pytest.fixture
def manager(client, users):
    return _token(client, "manager")


@pytest.fixture
def operator(client, users):
    return _token(client, "operator")


@pytest.fixture
def login_as(client, users):
    def login(name: str):
        response = client.post("/login", data={"username": name,
                                               "password": f"{name}-password"})
        assert response.status_code == 302, response.data
        return client

    return login
