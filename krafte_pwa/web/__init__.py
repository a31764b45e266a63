"""Blueprints by area, error translation, login loaders and template helpers."""

from flask import Flask, request
from flask_babel import get_locale

from ..db_session import write_intent
from ..extensions import csrf, db, login_manager
from . import i18n


def register(app: Flask) -> None:
    from . import api, auth, errors, floor, guards, items, labels, pages, production, pwa, stock

    guards.register(app)  # before any view: text, JSON depth, Idempotency-Key
    app.register_blueprint(auth.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(items.bp)
    app.register_blueprint(stock.bp)
    app.register_blueprint(labels.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(pwa.bp)
    app.register_blueprint(floor.bp)
    app.register_blueprint(production.bp)
    from . import counts, exports, reports  # counts, reports, CSV exports

    app.register_blueprint(counts.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(exports.bp)
    from . import purchasing, recall, shipments  # buying, selling, recalls

    app.register_blueprint(purchasing.bp)
    app.register_blueprint(shipments.bp)
    app.register_blueprint(recall.bp)
    from . import imports as import_pages  # CSV imports (managers)
    app.register_blueprint(import_pages.bp)
    from . import settings

    app.register_blueprint(settings.bp)
    from . import users as users_pages  # settings: users (admins)
    app.register_blueprint(users_pages.bp)
    csrf.exempt(api.bp)  # the API checks CSRF itself for cookie sessions; tokens need none
    from . import accounting  # accounting: journal, exports, closed months

    app.register_blueprint(accounting.bp)
    errors.register(app)
    auth.register_loaders(login_manager)

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

    app.jinja_env.filters.update(
        qty=i18n.fmt_quantity, money=i18n.fmt_money, date=i18n.fmt_date,
        datetime=i18n.fmt_datetime,
        movement=i18n.movement_label, lot_status=i18n.lot_status_label,
        order_status=i18n.order_status_label,
    )
    app.jinja_env.globals.update(locales=i18n.LOCALES, get_locale=get_locale)
    app.extensions["krafte_db"] = db
