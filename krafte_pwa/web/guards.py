"""Checks at the edge, before any view runs: text the database cannot store and JSON too
deep to walk are refused once here with a 400, instead of failing somewhere inside.

- NUL characters and lone surrogates in the path, the query string, form fields and
  JSON bodies (keys and values) -> 400 `bad_text` (PostgreSQL refuses NUL in text,
  neither database can store half a surrogate pair);
- JSON nested deeper than MAX_JSON_DEPTH, or not parseable at all -> 400 `bad_json`;
- an Idempotency-Key longer than 200 characters or not printable ASCII -> 400
  `bad_idempotency_key`.
"""

from flask import Flask, request

from ..errors import BadInput
from ..messages import _

MAX_JSON_DEPTH = 32
MAX_IDEMPOTENCY_KEY = 200
# Views that read their body as raw bytes first (a shop's signed webhook): the signature is
# checked over those bytes before anything parses them; the view checks the JSON itself.
RAW_BODY = {"api.channel_webhook"}


def bad_text(value: str | None) -> bool:
    """True for text with a NUL or a lone surrogate (not encodable as UTF-8)."""
    if value is None:  # e.g. a multipart part without a name
        return False
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _refuse_text(where: str):
    message = {
        "path": _("the address contains a NUL character or invalid Unicode"),
        "query": _("the query string contains a NUL character or invalid Unicode"),
        "form": _("a form field contains a NUL character or invalid Unicode"),
    }.get(where) or _("the JSON body contains a NUL character or invalid Unicode")
    raise BadInput(message, code="bad_text", details={"field": where})


def check_json(data) -> None:
    """Walks a parsed JSON document without recursion: depth and text of keys and values."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if bad_text(value):
                _refuse_text("body")
        elif isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise BadInput(_("the JSON body is nested deeper than %(depth)s levels",
                                 depth=MAX_JSON_DEPTH), code="bad_json")
            if isinstance(value, dict):
                for key, item in value.items():
                    if bad_text(key):
                        _refuse_text("body")
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in value)


def idempotency_key(key: str | None) -> str | None:
    """The Idempotency-Key header checked: None when absent or blank."""
    if key is None or not key.strip():
        return None
    key = key.strip()
    if len(key) > MAX_IDEMPOTENCY_KEY or not all(" " <= c <= "~" for c in key):
        raise BadInput(_("Idempotency-Key must have 1 to %(max)s printable ASCII characters",
                         max=MAX_IDEMPOTENCY_KEY), code="bad_idempotency_key")
    return key


def check_request() -> None:
    if bad_text(request.path):
        _refuse_text("path")
    for name, values in request.args.lists():
        if bad_text(name) or any(bad_text(v) for v in values):
            _refuse_text("query")
    if request.method in ("GET", "HEAD", "OPTIONS") or request.endpoint in RAW_BODY:
        return
    idempotency_key(request.headers.get("Idempotency-Key"))
    if request.is_json:
        try:
            data = request.get_json(silent=True)  # cached for the view
        except RecursionError:  # too deep for the parser itself
            raise BadInput(_("the JSON body is nested deeper than %(depth)s levels",
                             depth=MAX_JSON_DEPTH), code="bad_json") from None
        if data is not None:  # not JSON at all: the view says what it expected
            check_json(data)
    elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, values in request.form.lists():
            if bad_text(name) or any(bad_text(v) for v in values):
                _refuse_text("form")
        for upload in request.files.values():
            if upload.filename and bad_text(upload.filename):
                _refuse_text("form")


def register(app: Flask) -> None:
    app.before_request(check_request)
