"""What every worker would otherwise build for itself on its first requests, built once in
gunicorn's master before it forks the workers (gunicorn.conf.py), so that they share it:
the ORM's mapper configuration (relationships, loaders, events: a few MiB, done at the
first query) and Babel's locale data for the app's languages (about 4 MiB, loaded at the
first formatted number or date)."""

from babel import localedata
from sqlalchemy.orm import configure_mappers

from . import models  # noqa: F401  (every mapped class, for configure_mappers)
from .web.i18n import LOCALES


def warm_up() -> None:
    configure_mappers()
    for name in LOCALES:
        localedata.load(name)
