"""OpenAPI paths for accounting: settings, journal, exports, closed periods.

Merged into openapi.document(): `"paths": {..., **openapi_accounting.paths()}`.
"""

from .openapi import DEC, _obj, _op

STR = {"type": "string"}
DAY = {"type": "string", "format": "date"}
PERIOD = (("from", "query"), ("to", "query"))
SETTINGS = _obj({"method": {"enum": ["periodic", "perpetual"]},
                 "accounts": {"type": "object", "additionalProperties": STR,
                              "description": "account name -> number (French PCG defaults: "
                              "raw_materials 31, intermediates 351, wip 331, "
                              "finished_goods 355, variation_raw_materials 6031, "
                              "variation_wip 7133, variation_products 7135, "
                              "goods_received_not_invoiced 408, cost_of_goods_sold 7135, "
                              "production_absorbed 7135, adjustment_loss 658, "
                              "adjustment_gain 758, count_loss 658, count_gain 758, "
                              "scrap 658, opening_stock 471, rounding 658)"},
                 "siren": {"type": ["string", "null"], "description": "9 digits: the FEC's "
                           "file name starts with it"}})
ENTRY = _obj({"number": {"type": "integer", "description": "1, 2, … without gaps"},
              "date": DAY, "journal": STR, "label": STR,
              "document": {"type": ["string", "null"]},
              "lines": {"type": "array", "items": _obj({
                  "account": STR, "debit": DEC, "credit": DEC})}})
PERIOD_ROW = _obj({"month": {"type": "string", "pattern": r"^\d{4}-\d{2}$"},
                   "method": STR, "closed_at": {"type": "string", "format": "date-time"}})


def _file_answer(op: dict) -> dict:
    """The success answer is a file; the errors stay JSON."""
    op["responses"]["200"] = {"description": "the file", "content": {
        "text/plain": {"schema": STR}, "text/csv": {"schema": STR}}}
    return op


def paths() -> dict:
    return {
        "/accounting/settings": {
            "get": _op("The accounting method and account map", answer=SETTINGS, role="admin"),
            "put": _op("Change the method, some accounts (the others keep their number) or "
                       "the SIREN", answer=SETTINGS, role="admin", body=SETTINGS),
        },
        "/accounting/journal": {"get": _op(
            "The stock journal of a period (ISO dates, both included; default: this month "
            "so far): balanced entries to the cent from the ledger; closed months as they "
            "were frozen", role="manager", params=PERIOD,
            answer=_obj({"method": {"enum": ["periodic", "perpetual"]}, "from": DAY,
                         "to": DAY, "currency": STR,
                         "entries": {"type": "array", "items": ENTRY}}))},
        "/accounting/export": {"get": _file_answer(_op(
            "The journal of a period as a file: fec (French FEC, tab-separated, "
            "ISO 8859-15, named <SIREN>FEC<YYYYMMDD>.txt), xero (manual journal "
            "import CSV), quickbooks (QuickBooks Online journal entry import CSV) or "
            "csv", role="manager", params=(("format", "query"), *PERIOD)))},
        "/accounting/periods": {
            "get": _op("Closed months", role="manager",
                       answer=_obj({"items": {"type": "array", "items": PERIOD_ROW}})),
            "post": _op("Close a month that has ended (months close in order): its journal "
                        "is frozen; nothing can be dated in it afterwards, later corrections "
                        "are booked in the open period", status="201", answer=PERIOD_ROW,
                        idempotent=True, role="admin",
                        body=_obj({"month": {"type": "string", "pattern": r"^\d{4}-\d{2}$"}},
                                  ["month"])),
        },
    }
