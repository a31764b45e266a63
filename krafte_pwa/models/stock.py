"""Lots, the append-only movement ledger, balances (a cache of the ledger), lot events."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.vocabulary import MovementKind
from ..extensions import db
from .types import Money, Quantity, utcnow

LOT_ORIGINS = ("receipt", "production", "opening")


class Lot(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    origin: Mapped[str] = mapped_column(String(12))
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"))
    supplier_lot: Mapped[str | None] = mapped_column(String(60))
    lot_date: Mapped[date] = mapped_column(Date)
    expiry: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="released")
    unit_cost: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("receipt.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    item = relationship("Item")
    supplier = relationship("Partner")
    receipt = relationship("Receipt", back_populates="lots")

    __table_args__ = (
        CheckConstraint("status IN ('released', 'quarantine', 'blocked')", name="status"),
        CheckConstraint("origin IN ('receipt', 'production', 'opening')", name="origin"),
        CheckConstraint("unit_cost >= 0", name="unit_cost"),
        Index("ix_lot_item_fefo", "item_id", "expiry", "lot_date"),
        # the alert lists start from the few lots they concern, not from every lot
        Index("ix_lot_expiry", "expiry"),
        Index("ix_lot_not_released", "status", sqlite_where=text("status <> 'released'"),
              postgresql_where=text("status <> 'released'")),
        Index("ix_lot_zero_cost", "item_id", sqlite_where=text("unit_cost = 0"),
              postgresql_where=text("unit_cost = 0")),
    )


class Movement(db.Model):
    """One signed change of stock of a lot at a location. Never updated, never deleted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit_cost: Mapped[Decimal] = mapped_column(Money())
    kind: Mapped[int] = mapped_column(SmallInteger)
    document: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    lot = relationship("Lot")
    location = relationship("Location")
    user = relationship("User")

    __table_args__ = (
        CheckConstraint("quantity <> 0", name="nonzero"),
        Index("ix_movement_lot_location", "lot_id", "location_id"),
        Index("ix_movement_item_created", "item_id", "created_at"),
        # the stock journal reads a day of movements from this index alone
        Index("ix_movement_created", "created_at", "item_id", "kind", "location_id",
              "quantity", "unit_cost", "document", "id"),
        Index("ix_movement_document", "document"),
        # valuations and the journal sum a span of time from the index alone, item by item
        # (already grouped by item: no sort)
        Index("ix_movement_item_value", "item_id", "created_at", "location_id", "kind",
              "quantity", "unit_cost", "document", "id"),
    )

    @property
    def kind_name(self) -> str:
        return MovementKind.NAMES.get(self.kind, str(self.kind))


class Balance(db.Model):
    """On hand per (lot, location): the sum of its movements, kept in the same transaction."""

    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    # copies of the lot's expiry and date, written with the row and again whenever the
    # lot's change (services/_fefo_keys.py): the expiry alerts read the few balances with
    # stock in a span of dates from one index, FEFO an item's first rows in FEFO order
    expiry: Mapped[date | None] = mapped_column(Date)
    lot_date: Mapped[date | None] = mapped_column(Date)
    # and of its status: what is held in lots not released is read from their few rows
    lot_status: Mapped[str] = mapped_column(String(12), default="released",
                                            server_default="released")

    lot = relationship("Lot", lazy="joined", innerjoin=True)
    location = relationship("Location", lazy="joined", innerjoin=True)

    __table_args__ = (
        CheckConstraint("quantity >= 0", name="not_negative"),
        Index("ix_balance_location", "location_id"),
        # most balances of a long-lived workshop are used-up lots at zero: lists of what is
        # in stock (alerts, exports, valuation) scan only the rows with stock
        Index("ix_balance_in_stock", "lot_id", "location_id", "item_id", "quantity",
              sqlite_where=text("quantity > 0"), postgresql_where=text("quantity > 0")),
        # availability and FEFO of some items read only their balances with stock
        Index("ix_balance_item_in_stock", "item_id", "lot_id", "location_id", "quantity",
              sqlite_where=text("quantity > 0"), postgresql_where=text("quantity > 0")),
        # FEFO reads an item's rows with stock in the order of their lots' expiry (none
        # last) and date: a range of this index, stopped after the first rows
        Index("ix_balance_item_fefo", "item_id", "expiry", "lot_date", "lot_id",
              "location_id", "quantity",
              sqlite_where=text("quantity > 0"), postgresql_where=text("quantity > 0")),
        # a location's page: its rows with stock, item by item, lot by lot, a page at a time
        Index("ix_balance_location_in_stock", "location_id", "item_id", "lot_id", "quantity",
              sqlite_where=text("quantity > 0"), postgresql_where=text("quantity > 0")),
        # an item's stock in lots not released (quarantine, blocked): a few rows, however
        # many such lots the history has left used up
        Index("ix_balance_item_held", "item_id", "lot_status", "lot_id", "location_id",
              "quantity",
              sqlite_where=text("quantity > 0 AND lot_status <> 'released'"),
              postgresql_where=text("quantity > 0 AND lot_status <> 'released'")),
        # lots expired or expiring with stock, in expiry order, whatever the history
        Index("ix_balance_expiry_in_stock", "expiry", "lot_id", "location_id", "item_id",
              "quantity",
              sqlite_where=text("quantity > 0 AND expiry IS NOT NULL"),
              postgresql_where=text("quantity > 0 AND expiry IS NOT NULL")),
    )


class LotEvent(db.Model):
    """Changes to a lot that are not quantities: status, with who, when and why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    old_value: Mapped[str | None] = mapped_column(String(40))
    new_value: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user = relationship("User")
