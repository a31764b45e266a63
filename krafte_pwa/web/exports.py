"""CSV exports of the items and lots lists (/items.csv, /lots.csv), with the filters of the
pages and of the API. Costs and values only for who may see them."""

from datetime import date

from flask import Blueprint, request
from flask_login import current_user, login_required

from ..services import availability, queries
from ..services.queries import ZERO
from .csv_export import csv_response

bp = Blueprint("exports", __name__)


@bp.get("/items.csv")
@login_required
def items_csv():
    args = request.args
    kind, q = args.get("kind") or None, args.get("q")
    archived = args.get("archived") in ("1", "true")
    costs = current_user.sees_costs
    header = ["sku", "name", "kind", "unit", "on_hand", "reserved", "available", "on_order",
              "reorder_point", "reorder_quantity", "shelf_life_days", "requires_qc", "gtin",
              "archived"] + (["sale_price"] if costs else [])

    def rows():
        stock = availability.availability(None, date.today())
        on_order = queries.on_order_by_item()
        nothing = availability.Availability()
        for page in _pages(lambda n: queries.list_items(kind=kind, q=q, page=n, per_page=500,
                                                        include_archived=archived)):
            for item in page.rows:
                a = stock.get(item.id, nothing)
                row = [item.sku, item.name, item.kind, item.unit, a.on_hand, a.reserved,
                       a.available,
                       on_order.get(item.id, ZERO), item.reorder_point,
                       item.reorder_quantity, item.shelf_life_days, item.requires_qc,
                       item.gtin, item.archived]
                yield row + ([item.sale_price] if costs else [])

    return csv_response("items.csv", header, rows)


def _pages(fetch):
    number = 1
    while True:
        page = fetch(number)
        yield page
        if page.page * page.per_page >= page.total:
            return
        number += 1


@bp.get("/lots.csv")
@login_required
def lots_csv():
    args = request.args
    costs = current_user.sees_costs
    filters = {"item": args.get("item"), "location": args.get("location"),
               "status": args.get("status"), "expiring_before": args.get("expiring_before"),
               "include_empty": args.get("include_empty") in ("1", "true")}
    queries.list_lots(per_page=1, **filters)  # a bad filter is a 4xx now, not a cut download
    header = ["code", "item", "item_name", "status", "origin", "date", "expiry", "supplier",
              "supplier_lot", "quantity", "unit"] + (["unit_cost", "value"] if costs else [])

    def rows():
        for page in _pages(lambda n: queries.list_lots(page=n, per_page=500, **filters)):
            for lot, quantity in page.rows:
                row = [lot.code, lot.item.sku, lot.item.name, lot.status, lot.origin,
                       lot.lot_date, lot.expiry, lot.supplier.name if lot.supplier else None,
                       lot.supplier_lot, quantity, lot.item.unit]
                yield row + ([lot.unit_cost, quantity * lot.unit_cost] if costs else [])

    return csv_response("lots.csv", header, rows)
