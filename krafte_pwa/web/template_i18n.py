"""The templates' gettext: the catalogue of the request's locale is looked up once per
request, not once per sentence (Flask-Babel's own callables find the request context,
the domain, the locale and the catalogue again for each of a page's fifty sentences).
A locale forced for a while (flask_babel.force_locale) is a new locale: its catalogue is
looked up then."""

from flask import Flask, g
from flask_babel import get_locale, get_translations


def translations():
    ctx = g.get("_flask_babel")
    found = getattr(ctx, "krafte_translations", None)
    if found is not None and found[0] is getattr(ctx, "babel_locale", None):
        return found[1]
    catalogue = get_translations()
    ctx = g.get("_flask_babel")
    if ctx is not None:
        ctx.krafte_translations = (get_locale(), catalogue)
    return catalogue


def install(app: Flask) -> None:
    """In place of Flask-Babel's callables (same signatures, new-style gettext)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True)
