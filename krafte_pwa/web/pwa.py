"""The installable app: manifest, icons, service worker, offline page.

The service worker is rendered from a template with a version that is a hash of the
static files, so any change to CSS or JavaScript gives a new worker, new cache names,
and the "update available" prompt. It is served from the root so its scope is the
whole app. Manifest, icons and worker are public: browsers fetch the manifest without
cookies.
"""

import hashlib
import io
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, url_for
from flask_babel import get_locale, get_translations
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

bp = Blueprint("pwa", __name__)

THEME = "#1f4e5f"
ACCENT = "#f2b33d"
ICONS = {"icon-192": (192, False), "icon-512": (512, False), "maskable-192": (192, True),
         "maskable-512": (512, True), "apple-touch-180": (180, True),
         "scan-96": (96, False), "receive-96": (96, False)}

# Pages kept for offline reading after a visit (network first), and task pages warmed
# into that cache after login so they open offline even before a first visit.
OFFLINE_PAGES = [r"^/$", r"^/(scan|move|queue|receive|locations|station)/?$", r"^/l/",
                 r"^/loc/", r"^/mo/", r"^/station/", r"^/items/", r"^/counts/"]
OFFLINE_API = [r"^/api/v1/lots/[^/]+$"]


def static_version() -> str:
    """A hash of every static file: changes whenever CSS, JS or an icon does."""
    app = current_app
    forced = app.config.get("PWA_VERSION")
    if forced:
        return str(forced)
    cached = app.extensions.get("krafte_static_version")
    if cached and not app.debug:
        return cached
    digest = hashlib.sha256()
    root = Path(app.static_folder)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    version = digest.hexdigest()[:12]
    app.extensions["krafte_static_version"] = version
    return version


def asset_url(filename: str) -> str:
    return url_for("static", filename=filename, v=static_version())


def shell_urls() -> list[str]:
    """Precached at install. Not static/vendor (the on-device barcode decoder, 1 MB of
    wasm): the worker caches it the first time the camera opens."""
    root = Path(current_app.static_folder)
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*")
                   if p.is_file() and p.suffix in (".css", ".js", ".png", ".svg", ".woff2")
                   and p.relative_to(root).parts[0] != "vendor")
    return ([asset_url(f) for f in files]
            + [url_for("pwa.icon", name=n) for n in ("icon-192", "maskable-192")]
            + [url_for("pwa.manifest"), url_for("pwa.offline")])


def _counted(forms) -> dict:
    """A text that follows a count, for K.fmt: its form for one and for several (the page's
    Intl.PluralRules picks; French says "0 ligne", like "1 ligne")."""
    one, other = forms
    return {"one": one, "other": other}


def js_strings() -> dict:
    """Every text the JavaScript shows, in the page's language."""
    t = get_translations()
    return {
        "offline": _("Offline"), "online": _("Back online"),
        "update": _("A new version of Krafte is ready."), "reload": _("Reload"),
        "queued": _("Saved on this device. It will be sent when the network returns."),
        "sent": _("Sent."),
        "sent_n": _counted(t.ngettext("%(n)s saved action sent.", "%(n)s saved actions sent.", k)
                           for k in (1, 2)),
        "refused": _("Refused by the server"), "pending": _("Waiting to be sent"),
        "login": _("Log in again to send the saved actions."),
        "other_user": _("Saved by %(user)s: log in as %(user)s to send it."),
        "retry": _("Send again"), "discard": _("Discard"), "edit": _("Change quantity"),
        "save_send": _("Save and send"),
        "confirm_discard": _("Discard this action? It will not be sent."),
        "empty_queue": _("Nothing waiting: every action has been sent."),
        "scanning": _("Looking for a code…"), "no_code": _("No barcode found in the picture."),
        "unknown": _("Unknown code"), "not_linked": _("This barcode is not linked to an item."),
        "camera_denied": _("The camera is not available: use Photo or type the code."),
        "camera_insecure": _("The live camera needs HTTPS: use Photo instead."),
        "camera": _("Camera"), "stop": _("Stop"), "opening": _("Opening %(path)s…"),
        "move_label": _("Move %(quantity)s of %(lot)s from %(from)s to %(to)s"),
        "receipt_label": _counted(t.ngettext("Receipt of %(n)s line into %(location)s",
                                             "Receipt of %(n)s lines into %(location)s", k)
                                  for k in (1, 2)),
        "start_label": _counted(t.ngettext("Start %(order)s with %(n)s scanned lot",
                                           "Start %(order)s with %(n)s scanned lots", k)
                                for k in (1, 2)),
        "complete_label": _("Complete %(order)s: %(quantity)s"),
        "plan_label": _("Plan %(quantity)s of %(item)s"),
        "count_label": _("Count %(number)s: %(quantity)s of %(lot)s"),
        "filled_item": _("Item: %(item)s"), "filled_location": _("Location: %(code)s"),
        "wrong_lot": _("Scan a lot here."), "wrong_location": _("Scan a location here."),
        "wrong_item": _("Scan an item here."), "wrong_order": _("Scan a production order here."),
        "kind_lot": _("lot"), "kind_location": _("location"), "kind_item": _("item"),
        "kind_order": _("production order"),
        "not_needed": _("%(lot)s (%(item)s) is not needed by this order."),
        "not_suggested": _("%(lot)s is not the suggested lot: %(suggested)s expires first."),
        "not_usable": _("%(lot)s cannot be used: %(why)s."),
        "expired": _("expired"), "blocked": _("blocked"), "quarantine": _("in quarantine"),
        "ticked": _("%(lot)s picked: %(quantity)s"), "no_stock": _("%(lot)s has no stock."),
        "saved_offline": _("Saved offline"), "error": _("Something went wrong."),
        "base_unit": _("base unit"),
        "link_barcode": _("%(code)s names no item yet. Choose the item on this line, then "
                          "link the barcode: the next scan will find it."),
        "link_choose_item": _("Choose the item on this line first, then link %(code)s."),
        "linked_barcode": _("%(code)s is now linked to %(item)s."),
        "refused_n": _counted(t.ngettext("The server refused %(n)s saved action:",
                                         "The server refused %(n)s saved actions:", k)
                              for k in (1, 2)),
        "open_queue": _("Fix or discard it in the queue"),
        "label": _("Label"), "print_labels": _("Print labels (roll)"),
    }


def js_strings_json() -> Markup:
    """js_strings as the page's JSON, made once per language (they are the catalogue's)."""
    made = current_app.extensions.setdefault("krafte_js_strings", {})
    locale = str(get_locale())
    if locale not in made:  # as the tojson filter writes it
        policies = current_app.jinja_env.policies
        made[locale] = Markup(htmlsafe_json_dumps(
            js_strings(), dumps=policies["json.dumps_function"],
            **policies["json.dumps_kwargs"]))
    return made[locale]


@bp.app_context_processor
def _pwa_globals():
    return {"asset_url": asset_url, "js_strings_json": js_strings_json}


@bp.get("/manifest.webmanifest")
def manifest():
    icon = lambda name, size, purpose="any": {  # noqa: E731
        "src": url_for("pwa.icon", name=name), "sizes": f"{size}x{size}", "type": "image/png",
        "purpose": purpose}
    data = {
        "id": "/", "name": "Krafte", "short_name": "Krafte",
        "description": _("Inventory and production for small batch manufacturers"),
        "start_url": "/?source=pwa", "scope": "/", "display": "standalone",
        "orientation": "any", "theme_color": THEME, "background_color": "#f6f7f4",
        "icons": [icon("icon-192", 192), icon("icon-512", 512),
                  icon("maskable-192", 192, "maskable"), icon("maskable-512", 512, "maskable")],
        "shortcuts": [
            {"name": _("Scan"), "short_name": _("Scan"), "url": url_for("floor.scan"),
             "icons": [icon("scan-96", 96)]},
            {"name": _("Receive goods"), "short_name": _("Receive"),
             "url": url_for("stock.receive"), "icons": [icon("receive-96", 96)]},
        ],
    }
    response = current_app.response_class(current_app.json.dumps(data),
                                          mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/sw.js")
def service_worker():
    body = render_template("pwa/sw.js", version=static_version(), shell=shell_urls(),
                           offline_url=url_for("pwa.offline"), pages=OFFLINE_PAGES,
                           api=OFFLINE_API)
    return Response(body, mimetype="text/javascript", headers={
        "Cache-Control": "no-cache", "Service-Worker-Allowed": "/"})


@bp.get("/offline")
def offline():
    # Cached at install: nothing user-specific in it (no token, no name).
    return render_template("pwa/offline.html")


@bp.get("/pwa/token")
@login_required
def token():
    """A fresh CSRF token for replaying queued actions from a page cached long ago."""
    response = {"csrf_token": generate_csrf(), "user": current_user.username}
    return response, 200, {"Cache-Control": "no-store"}


@bp.get("/icons/<name>.png")
def icon(name):
    if name not in ICONS:
        abort(404)
    size, maskable = ICONS[name]
    return Response(_icon_png(name, size, maskable), mimetype="image/png",
                    headers={"Cache-Control": "public, max-age=86400"})


@lru_cache(maxsize=16)
def _icon_png(name: str, size: int, maskable: bool) -> bytes:
    """Drawn once per process: a teal tile, a white K, an amber QR finder mark."""
    from PIL import Image, ImageDraw, ImageFont  # loaded when an icon is first drawn

    from ..labels.text import FONT_FILES

    scale = 4  # drawn large, reduced: smooth edges without a vector library
    side = size * scale
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:  # full bleed; the content stays inside the 80 % safe circle
        draw.rectangle((0, 0, side, side), fill=THEME)
        inner = int(side * 0.16)
    else:
        draw.rounded_rectangle((0, 0, side - 1, side - 1), radius=side // 5, fill=THEME)
        inner = int(side * 0.08)
    box = (inner, inner, side - inner, side - inner)
    span = box[2] - box[0]
    if name.startswith("scan"):
        _finder(draw, box[0], box[1], span // 2.6)
        _finder(draw, box[2] - span // 2.6, box[1], span // 2.6)
        _finder(draw, box[0], box[3] - span // 2.6, span // 2.6)
    elif name.startswith("receive"):
        w = span // 8
        mid = side // 2
        draw.rectangle((mid - w, box[1], mid + w, box[1] + span * 0.5), fill="white")
        draw.polygon([(mid - 3 * w, box[1] + span * 0.45), (mid + 3 * w, box[1] + span * 0.45),
                      (mid, box[1] + span * 0.75)], fill="white")
        draw.rectangle((box[0], box[3] - w, box[2], box[3]), fill=ACCENT)
    else:
        font = ImageFont.truetype(str(FONT_FILES[True]), int(span * 0.82))
        draw.text((side * 0.44, side * 0.47), "K", font=font, fill="white", anchor="mm")
        _finder(draw, box[2] - span * 0.3, box[3] - span * 0.3, span * 0.3, ACCENT)
    image = image.resize((size, size), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _finder(draw, x, y, s, colour="white"):
    """A QR finder pattern: ring, gap, centre."""
    draw.rectangle((x, y, x + s, y + s), fill=colour)
    draw.rectangle((x + s / 7, y + s / 7, x + s * 6 / 7, y + s * 6 / 7), fill=THEME)
    draw.rectangle((x + s * 2 / 7, y + s * 2 / 7, x + s * 5 / 7, y + s * 5 / 7), fill=colour)
