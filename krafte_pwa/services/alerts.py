"""Alerts: low stock, lots expiring soon, expired lots still in stock, lots in
quarantine; for managers, lots in stock at a zero cost whose item has no cost source.
Materials first: knowing a key ingredient runs out before it does.

Bounded whatever the history and the stock: each lot list is one statement that reads
the lots it lists through an index (the balances with stock by expiry, the lots not
released, the lots at a zero cost), at most `limit` of them, with their total counted up
to CAP + 1 (shown as "1,000+"). Low stock reads the stock of the items with a reorder
point from their value rows (one per item), less the few balances that are not usable,
in the same statement as its items, reservations and orders. Each list's statement reads
its lots' items too.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import Date, Integer, bindparam, func, select

from ..extensions import db
from ..models import Balance, Item, Location, Lot
from . import _item_sums as sums
from ._values import noted_now
from .lot_costs import has_cost_source
from .settings import get_setting

ZERO = Decimal(0)
KIND_ORDER = {"material": 0, "intermediate": 1, "product": 2}
CAP = 1000  # lots counted per list at most: more shows as "1,000+"


@dataclass
class LowStock:
    item: Item
    available: Decimal
    on_order: Decimal
    reorder_point: Decimal
    suggested: Decimal  # to order now


@dataclass
class LotAlert:
    lot: "LotSeen"
    quantity: Decimal
    days_left: int | None


class ItemSeen(NamedTuple):
    sku: str
    name: str
    unit: str


class LotSeen(NamedTuple):
    """What the lists show of a lot, read as a plain row: a list fills to its limit at a
    long history, and a lot object with its item per row cost more than the rest of the
    page."""
    code: str
    status: str
    expiry: date | None
    item: ItemSeen


SHOWN = (Lot.code, Lot.status, Lot.expiry, Item.sku, Item.name, Item.unit)


@dataclass
class Alerts:
    low_stock: list[LowStock] = field(default_factory=list)
    expiring: list[LotAlert] = field(default_factory=list)
    expired: list[LotAlert] = field(default_factory=list)
    quarantine: list[LotAlert] = field(default_factory=list)
    cost_missing: list[LotAlert] = field(default_factory=list)  # managers only
    days: int = 30
    # how many of each, shown or not, counted up to CAP + 1 for the lot lists
    totals: dict[str, int] = field(default_factory=dict)


def suggested_order(available: Decimal, on_order: Decimal, point: Decimal,
                    quantity: Decimal) -> Decimal:
    """The reorder quantity, or more when that would not lift stock back over the point."""
    return max(quantity, point - available - on_order)


@lru_cache(maxsize=1)
def _low_stock_statement():
    """The items with a reorder point and, per item, its usable stock, what is held back for
    production and sales, and what is on order: one statement (bind parameter today), built
    once. Usable stock, as availability defines it (in storage, released, not expired), is
    the item's stock in storage (its value row now) less the few balances that are not
    usable (see _item_sums). Not a row per lot in stock."""
    parts = (*sums.stock_parts(Item.id, bindparam("today", type_=Date())),
             sums.held_for_production(Item.id), sums.held_for_sales(Item.id),
             sums.on_order(Item.id))
    return (select(Item, *(part.scalar_subquery() for part in parts))
            .where(Item.archived.is_(False), Item.reorder_point > 0))


def low_stock(today: date) -> list[LowStock]:
    found = []
    rows = db.session.execute(_low_stock_statement(), {"today": today}).all()
    moved = noted_now(wip=False)  # what this transaction has moved itself, once
    for item, stock, expired, held, production, sales, ordered in rows:
        stock = (stock or ZERO) + moved.get(item.id, ZERO)
        available = (stock - (expired or ZERO) - (held or ZERO)
                     - (production or ZERO) - (sales or ZERO))
        ordered = ordered or ZERO
        if available + ordered < item.reorder_point:
            found.append(LowStock(item, available, ordered, item.reorder_point,
                                  suggested_order(available, ordered, item.reorder_point,
                                                  item.reorder_quantity)))
    found.sort(key=lambda a: (KIND_ORDER[a.item.kind],
                              (a.available + a.on_order) / a.reorder_point, a.item.sku))
    return found


def _in_storage(query):
    return (query.join(Location, Location.id == Balance.location_id)
            .where(Location.kind == "storage", Balance.quantity > 0))


def _lots_in_stock(where, limit: bool):
    """(what the list shows of each lot: SHOWN, its quantity in storage) in expiry order
    (none last), at most `limit`, and how many lots there are counted up to CAP + 1 (a
    scalar subquery of the same statement). For the lists that start from the few lots
    concerned (conditions on the lot). The lots are summed and limited first, then read
    with their items."""
    order = (Lot.expiry.is_(None), Lot.expiry, Lot.code)
    found = (_in_storage(select(Lot.id, func.sum(Balance.quantity).label("quantity"))
                         .select_from(Balance).join(Lot, Lot.id == Balance.lot_id))
             .where(*where).group_by(Lot.id).order_by(*order))
    found = (found.limit(bindparam("limit", type_=Integer())) if limit else found).subquery()
    return (select(*SHOWN, found.c.quantity, _capped_count(where, True))
            .join(found, found.c.id == Lot.id).order_by(*order)
            .join(Item, Item.id == Lot.item_id))


def _by_expiry(where, limit: bool):
    """The same for the expiry lists (conditions on the balances alone): the balances with
    stock in the span of dates are read from their index in expiry order and limited before
    a lot is read. PostgreSQL's statistics cannot tell how few balances with stock lie in a
    span of dates (most past expiry dates belong to used-up lots): joined first, it would
    read every lot."""
    found = (_in_storage(select(Balance.lot_id, Balance.expiry,
                                func.sum(Balance.quantity).label("quantity")))
             .where(*where).group_by(Balance.expiry, Balance.lot_id)
             .order_by(Balance.expiry, Balance.lot_id))
    found = (found.limit(bindparam("limit", type_=Integer())) if limit else found).subquery()
    return (select(*SHOWN, found.c.quantity, _capped_count(where, False))
            .join(found, found.c.lot_id == Lot.id)
            .join(Item, Item.id == Lot.item_id).order_by(Lot.expiry, Lot.code))


def _capped_count(where, lots: bool):
    """How many lots, counted up to CAP + 1 (more than CAP shows as "CAP+")."""
    if lots:  # from the lots concerned, each probing its balances with stock (index alone)
        query = _in_storage(select(Lot.id).select_from(Balance)
                            .join(Lot, Lot.id == Balance.lot_id))
    else:  # (expiry, lot): the order of the expiry index: SQLite reads them distinct from it
        query = _in_storage(select(Balance.expiry, Balance.lot_id))
    counted = query.where(*where).distinct().limit(bindparam("cap", type_=Integer())).subquery()
    return select(func.count()).select_from(counted).scalar_subquery()


@lru_cache(maxsize=4)
def _list_statements(costs: bool, limited: bool) -> dict:
    """Per list, its statement (bind parameters today, horizon, cap and, when `limited`, limit),
    built once: building these costs more than running them on a small database. Each row:
    (lot, quantity in storage, the list's total counted up to CAP + 1)."""
    return {key: read(where, limited) for key, (read, where) in _conditions(costs).items()}


def _conditions(costs: bool) -> dict:
    """Per list, how it is read and its conditions on the balances with stock in storage
    (and their lots): the expiry lists read the balances by expiry (their index holds only
    those with stock), the others start from the few lots concerned (partial indexes on
    lot)."""
    # the second condition lets SQLite read the partial index of lots not released
    blocked = select(Lot.id).where(Lot.status == "blocked", Lot.status != "released")
    today, horizon = bindparam("today", type_=Date()), bindparam("horizon", type_=Date())
    found = {
        "expiring": (_by_expiry, (Balance.expiry >= today, Balance.expiry <= horizon,
                                  Balance.lot_id.not_in(blocked))),
        "expired": (_by_expiry, (Balance.expiry < today,)),
        "quarantine": (_lots_in_stock, (Lot.status == "quarantine",
                                        Lot.status != "released")),
    }
    if costs:
        # the cost source is asked of the few lots at a zero cost with stock, not of every
        # item; the item list (every item) lets SQLite read the partial index of those lots
        found["cost_missing"] = (_lots_in_stock, (
            Lot.unit_cost == 0, Lot.item_id.in_(select(Item.id)),
            ~select(Item.id).where(Item.id == Lot.item_id, has_cost_source()).exists()))
    return found


def alerts(today: date | None = None, days: int | None = None,
           limit: int | None = None, costs: bool = False) -> Alerts:
    """Every alert; with `limit`, at most that many lots per list (the home page shows the
    first few, the alerts page the first hundred) while `totals` counts them up to CAP + 1.
    `costs`: also the lots whose cost is missing (for who may see costs)."""
    today = today or date.today()
    days = days or int(get_setting("expiry_warning_days"))
    found = Alerts(low_stock=low_stock(today), days=days)
    found.totals["low_stock"] = len(found.low_stock)
    params = {"today": today, "horizon": today + timedelta(days=days), "cap": CAP + 1}
    if limit is not None:
        params["limit"] = limit
    for key, statement in _list_statements(costs, limit is not None).items():
        rows = db.session.execute(statement, params).all()
        found.totals[key] = rows[0][-1] if rows else 0
        setattr(found, key, [LotAlert(LotSeen(code, status, expiry, ItemSeen(*item)),
                                      Decimal(q), (expiry - today).days if expiry else None)
                             for code, status, expiry, *item, q, _total in rows])
    return found
