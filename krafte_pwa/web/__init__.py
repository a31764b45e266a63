"""Blueprints by area, error translation, login loaders and template helpers."""

from flask import Flask, request
from flask_babel import get_locale

from ..db_session import write_intent
from ..extensions import csrf, db, login_manager
from . import i18n, template_i18n


def register(app: Flask) -> None:
    from . import api, auth, errors, floor, guards, items, labels, pages, production, pwa, stock

    guards.register(app)  # before any view: text, JSON depth, Idempotency-Key
    from . import (  # the office's areas
        accounting,
        channels,
        counts,
        exports,
        imports,
        planning,
        purchasing,
        recall,
        reports,
        sales,
        settings,
        shipments,
        users,
    )

    for area in (auth, pages, items, stock, labels, api, pwa, floor, production, planning,
                 counts, reports, exports, purchasing, shipments, recall, imports, settings,
                 users, accounting, sales, channels):
        app.register_blueprint(area.bp)
    csrf.exempt(api.bp)  # the API checks CSRF itself for cookie sessions; tokens need none
    errors.register(app)
    auth.register_loaders(login_manager)
    _transaction_hooks(app)
    app.jinja_env.filters.update(
        qty=i18n.fmt_quantity, money=i18n.fmt_money, date=i18n.fmt_date,
        datetime=i18n.fmt_datetime,
        movement=i18n.movement_label, lot_status=i18n.lot_status_label,
        order_status=i18n.order_status_label,
    )
    app.jinja_env.globals.update(locales=i18n.LOCALES, get_locale=get_locale)
    template_i18n.install(app)
    app.extensions["krafte_db"] = db


def _transaction_hooks(app: Flask) -> None:
    @app.before_request
    def _transaction_kind():
        # On SQLite every request begins deferred: it reads (login, lookups, validation)
        # without the write lock and takes it at its first write (see db_session).
        request._write_token = write_intent.set(False)

    @app.teardown_request
    def _reset(_exc=None):
        token = getattr(request, "_write_token", None)
        if token is not None:
            request._write_token = None  # a streamed answer tears the request down twice
            write_intent.reset(token)
