"""Sales margin over a period: revenue (shipped quantity × the order line's unit price),
cost of goods sold (the shipped lots' unit costs) and gross margin per product, customer
or channel; best sellers and slow movers. Read-only; dated by the shipment's date."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from ..domain.recipes import material_value, money
from ..errors import BadInput
from ..extensions import db
from ..messages import _
from ..models import Balance, Item, SalesOrder, SalesOrderLine, Shipment, ShipmentLine, ShipmentLot
from .report_lists import _period

ZERO = Decimal(0)
GROUPS = ("product", "customer", "channel")


@dataclass
class MarginRow:
    key: str
    name: str
    quantity: Decimal  # base units shipped (products only: mixed units elsewhere)
    revenue: Decimal
    cost: Decimal
    last_sold: date | None = None
    on_hand: Decimal | None = None

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.cost

    @property
    def margin_percent(self) -> Decimal | None:
        if self.revenue == 0:
            return None
        return (self.margin * 100 / self.revenue).quantize(Decimal("0.1"))


@dataclass
class Margin:
    start: date
    end: date
    rows: list[MarginRow]

    @property
    def revenue(self) -> Decimal:
        return sum((r.revenue for r in self.rows), ZERO)

    @property
    def cost(self) -> Decimal:
        return sum((r.cost for r in self.rows), ZERO)

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.cost


def _shipped(start: date, end: date):
    """(shipment line id, item, customer, channel, quantity, unit price, day) of sales
    order shipments in the period."""
    return db.session.execute(
        select(ShipmentLine.id, Item.sku, Item.name, SalesOrder.customer, SalesOrder.channel,
               ShipmentLine.quantity, SalesOrderLine.unit_price, Shipment.shipped_at)
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .join(SalesOrderLine, SalesOrderLine.id == ShipmentLine.sales_line_id)
        .join(SalesOrder, SalesOrder.id == SalesOrderLine.order_id)
        .join(Item, Item.id == ShipmentLine.item_id)
        .where(Shipment.shipped_at >= datetime.combine(start, time()),
               Shipment.shipped_at < datetime.combine(end + timedelta(days=1), time()))
    ).all()


def _costs(line_ids) -> dict[int, Decimal]:
    pairs = defaultdict(list)
    ids = list(line_ids)
    for start in range(0, len(ids), 500):
        for line_id, quantity, cost in db.session.execute(
                select(ShipmentLot.line_id, ShipmentLot.quantity, ShipmentLot.unit_cost)
                .where(ShipmentLot.line_id.in_(ids[start:start + 500]))):
            pairs[line_id].append((quantity, cost))
    return {line_id: material_value(p) for line_id, p in pairs.items()}


def margin(by="product", since=None, until=None) -> Margin:
    """Rows by revenue, highest first; amounts rounded to the cent per row."""
    if by not in GROUPS:
        raise BadInput(_("by must be one of %(choices)s", choices=", ".join(GROUPS)),
                       details={"field": "by"})
    start, end = _period(since, until)
    rows = _shipped(start, end)
    costs = _costs(r[0] for r in rows)
    groups: dict[str, list] = {}
    for line_id, sku, name, customer, channel, quantity, price, at in rows:
        key, label = {"product": (sku, name), "customer": (customer, customer),
                      "channel": (channel, channel)}[by]
        entry = groups.setdefault(key, [label, ZERO, [], ZERO, None])
        entry[1] += quantity
        entry[2].append((quantity, price or ZERO))
        entry[3] += costs.get(line_id, ZERO)
        entry[4] = max(entry[4] or at.date(), at.date())
    result = [MarginRow(key, label, quantity, money(material_value(revenue)), money(cost),
                        last)
              for key, (label, quantity, revenue, cost, last) in groups.items()]
    result.sort(key=lambda r: (-r.revenue, r.key))
    return Margin(start, end, result)


def best_sellers(since=None, until=None, limit: int = 10) -> list[MarginRow]:
    """Products by quantity shipped, most first."""
    rows = margin("product", since, until).rows
    return sorted(rows, key=lambda r: (-r.quantity, r.key))[:limit]


def slow_movers(since=None, until=None, limit: int = 10) -> list[MarginRow]:
    """Products in stock that sold least over the period (nothing sold first)."""
    sold = {r.key: r for r in margin("product", since, until).rows}
    stock = dict(db.session.execute(
        select(Balance.item_id, func.sum(Balance.quantity)).where(Balance.quantity > 0)
        .group_by(Balance.item_id)).all())
    products = db.session.execute(select(Item).where(
        Item.kind == "product", Item.archived.is_(False), Item.id.in_(list(stock)))).scalars()
    rows = []
    for item in products:
        row = sold.get(item.sku) or MarginRow(item.sku, item.name, ZERO, ZERO, ZERO)
        row.on_hand = Decimal(stock[item.id])
        rows.append(row)
    rows.sort(key=lambda r: (r.quantity, r.key))
    return rows[:limit]
