"""CSV downloads of lists: UTF-8 with a BOM (spreadsheets then read accents right), comma
separated with decimal points, or `?sep=;` with decimal commas for French spreadsheets.

Every cell goes through `cell`, which neutralises formulas (domain/spreadsheet.py): a
text cell starting with = + - @ (or tab, CR, LF) gets a leading apostrophe.
Numbers stay numbers, text stays text: a number (quantity, cost, count: a Decimal, int
or float) is never a formula and is written as it is, so -5 and -12.5 (-12,5 with
`sep=;`) open as negative numbers; a text cell starting with a trigger is always
neutralised, even "+1" or "-5" (an item or partner named so keeps its name as text
rather than turning into the number 1 or -5), and "-1+2" of course. The CSV import
removes the apostrophe again (services/imports.py).
"""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from flask import Response, current_app, request

from ..db_session import write_intent
from ..domain.numbers import to_str
from ..domain.spreadsheet import neutralise


def wants_csv() -> bool:
    return request.args.get("format") == "csv"


def separator() -> str:
    return ";" if request.args.get("sep") in (";", "semicolon", "fr") else ","


def cell(value, sep: str = ",") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        text = to_str(value)
        return text.replace(".", ",") if sep == ";" else text
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    return neutralise(str(value))


def _lines(header, rows, sep: str):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow([neutralise(str(name)) for name in header])
    yield "\ufeff" + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([cell(v, sep) for v in row])
        yield buffer.getvalue()


def csv_response(filename: str, header, rows) -> Response:
    """`rows` (iterables of cells) under `header` as a CSV download. A callable `rows` is
    streamed: called once the view has returned, in an app context of its own (a read
    transaction that never waits on writers), so a long history never sits in memory.
    Check the filters in the view first: an error once streaming has begun cannot
    become a 4xx answer any more."""
    sep = separator()
    if callable(rows):
        app = current_app._get_current_object()

        def stream():
            with app.app_context():
                token = write_intent.set(False)
                try:
                    yield from _lines(header, rows(), sep)
                finally:
                    write_intent.reset(token)

        body = stream()
    else:
        body = "".join(_lines(header, rows, sep))
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
