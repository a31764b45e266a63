"""Krafte PWA: inventory and production for small batch manufacturers."""

import functools
import os
import weakref
from datetime import timedelta
from pathlib import Path

from flask import Flask

from . import config as config_module
from .db_session import configure_engine
from .extensions import babel, csrf, db, limiter, login_manager, migrate


def _forget_pool(engine_ref) -> None:
    engine = engine_ref()
    if engine is not None:
        engine.dispose(close=False)


MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(config_module.from_environment(app.instance_path))
    app.config.update(
        # no ping at every checkout: PostgreSQL connections are checked without a round
        # trip, pinged only when suspect (db_session._check_on_checkout)
        SQLALCHEMY_ENGINE_OPTIONS={},
        WTF_CSRF_TIME_LIMIT=None,  # a tablet left on the station all day still posts
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_DURATION=timedelta(days=14),  # "remember me" on a shared tablet
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
    )
    # Login limits count in the database, shared by every app process (web/login_limits.py).
    app.config.update(RATELIMIT_STORAGE_URI="krafte-db://", RATELIMIT_STRATEGY="fixed-window")
    if config:
        app.config.update(config)
    app.json.sort_keys = False  # answers keep the contract's field order

    from . import models  # noqa: F401  (mappers registered before the first query)
    from .services import _fefo_keys, outbox

    outbox.install()  # stock changes write the channels' messages in their transaction
    _fefo_keys.install()  # a lot re-dated re-dates its balances in the same transaction

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    from .web import login_limits  # noqa: F401  (registers the krafte-db:// storage)

    limiter.init_app(app)

    from .web import i18n

    babel.init_app(app, locale_selector=i18n.select_locale)
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        configure_engine(engine, busy_timeout=app.config["SQLITE_BUSY_TIMEOUT"])
        # Preloaded by gunicorn (--preload): a worker forked from the master never uses
        # a connection the master opened.
        os.register_at_fork(after_in_child=functools.partial(_forget_pool, weakref.ref(engine)))

    from .web import register, security

    security.init_app(app)
    register(app)

    from .cli import register_cli

    register_cli(app)
    return app
