"""Recipes (versioned), production orders, their reservations and picks, genealogy."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import Money, Quantity, utcnow


class Recipe(db.Model):
    """One version of what goes into an item. A version an order used is never edited:
    editing it makes the next version and deactivates this one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    version: Mapped[int] = mapped_column(Integer)
    yield_quantity: Mapped[Decimal] = mapped_column(Quantity())  # output base unit, per batch
    labour_minutes: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    labour_rate: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))  # per hour
    overhead_per_batch: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    overhead_percent: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    instructions: Mapped[str | None] = mapped_column(Text)
    # output expiry never later than the earliest consumed expiry (per item)
    cap_expiry: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    item = relationship("Item")
    lines = relationship("RecipeLine", order_by="RecipeLine.position",
                         cascade="all, delete-orphan", back_populates="recipe")

    __table_args__ = (
        UniqueConstraint("item_id", "version"),
        CheckConstraint("yield_quantity > 0", name="yield_positive"),
        CheckConstraint("labour_minutes >= 0 AND labour_rate >= 0 AND overhead_per_batch >= 0"
                        " AND overhead_percent >= 0", name="costs_not_negative"),
    )


class RecipeLine(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    recipe_id: Mapped[int] = mapped_column(ForeignKey("recipe.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity())  # as entered, in `unit`
    unit: Mapped[str] = mapped_column(String(20))
    loss_percent: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    base_quantity: Mapped[Decimal] = mapped_column(Quantity())  # per batch, component base unit

    recipe = relationship(Recipe, back_populates="lines")
    item = relationship("Item")

    __table_args__ = (
        UniqueConstraint("recipe_id", "position"),
        CheckConstraint("base_quantity > 0 AND loss_percent >= 0", name="positive"),
    )


class ProductionOrder(db.Model):
    """MO-YYYY-NNNN: planned → in_progress → completed, or cancelled from an open state."""

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    recipe_id: Mapped[int] = mapped_column(ForeignKey("recipe.id"), index=True)
    planned_quantity: Mapped[Decimal] = mapped_column(Quantity())
    status: Mapped[str] = mapped_column(String(12), default="planned")
    wip_location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    output_location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    output_lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"), unique=True)
    actual_quantity: Mapped[Decimal | None] = mapped_column(Quantity())
    # planned at current lot costs when planned; actual from consumed lots when completed
    planned_material_cost: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    planned_labour_cost: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    planned_overhead_cost: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    actual_material_cost: Mapped[Decimal | None] = mapped_column(Money())
    actual_labour_cost: Mapped[Decimal | None] = mapped_column(Money())
    actual_overhead_cost: Mapped[Decimal | None] = mapped_column(Money())
    override_reason: Mapped[str | None] = mapped_column(Text)
    override_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str | None] = mapped_column(Text)
    # the order this one makes an intermediate for: that order waits for this one to start
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("production_order.id"),
                                                  index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)

    item = relationship("Item")
    recipe = relationship(Recipe)
    wip_location = relationship("Location", foreign_keys=[wip_location_id])
    output_location = relationship("Location", foreign_keys=[output_location_id])
    output_lot = relationship("Lot")
    reservations = relationship("Reservation", order_by="Reservation.position",
                                back_populates="order")
    picks = relationship("Pick", order_by="Pick.id", back_populates="order")
    parent = relationship("ProductionOrder", remote_side=[id], back_populates="sub_orders")
    sub_orders = relationship("ProductionOrder", back_populates="parent",
                              order_by="ProductionOrder.id")

    # Not stored: the FEFO suggestions planning computed (item id -> (takes, missing)),
    # so its answer shows them without reading stock again.
    suggestions = None

    __table_args__ = (
        CheckConstraint("status IN ('planned', 'in_progress', 'completed', 'cancelled')",
                        name="status"),
        CheckConstraint("planned_quantity > 0", name="planned_positive"),
        Index("ix_production_order_status", "status"),
    )

    @property
    def planned_total_cost(self) -> Decimal:
        return self.planned_material_cost + self.planned_labour_cost + self.planned_overhead_cost

    @property
    def actual_total_cost(self) -> Decimal | None:
        if self.actual_material_cost is None:
            return None
        return (self.actual_material_cost + (self.actual_labour_cost or 0)
                + (self.actual_overhead_cost or 0))


class Reservation(db.Model):
    """What an order needs of one item (`required`) and still holds back from others
    (`quantity`: reserved while planned, zero once picked or closed)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("production_order.id"))
    position: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    required: Mapped[Decimal] = mapped_column(Quantity())
    quantity: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))

    order = relationship(ProductionOrder, back_populates="reservations")
    item = relationship("Item")

    __table_args__ = (
        UniqueConstraint("order_id", "item_id"),
        CheckConstraint("quantity >= 0 AND quantity <= required", name="within_required"),
        Index("ix_reservation_item", "item_id"),
    )


class Pick(db.Model):
    """A lot picked from a location into the order's WIP, and what became of it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("production_order.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))  # picked from
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    consumed: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    returned: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    wasted: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    waste_reason: Mapped[str | None] = mapped_column(Text)
    overridden: Mapped[bool] = mapped_column(Boolean, default=False)  # expired, allowed
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    order = relationship(ProductionOrder, back_populates="picks")
    # a pick is always shown with its lot and where it came from
    lot = relationship("Lot", lazy="joined", innerjoin=True)
    location = relationship("Location", lazy="joined", innerjoin=True)

    __table_args__ = (
        UniqueConstraint("order_id", "lot_id", "location_id"),
        CheckConstraint("quantity > 0 AND consumed >= 0 AND returned >= 0 AND wasted >= 0"
                        " AND consumed + returned + wasted <= quantity", name="accounted"),
    )


class Genealogy(db.Model):
    """Which input lot, how much, went into which output lot (and by which order)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("production_order.id"), index=True)
    output_lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"))
    input_lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity())

    order = relationship(ProductionOrder)
    output_lot = relationship("Lot", foreign_keys=[output_lot_id])
    input_lot = relationship("Lot", foreign_keys=[input_lot_id])

    __table_args__ = (
        UniqueConstraint("output_lot_id", "input_lot_id"),
        CheckConstraint("quantity > 0", name="positive"),
        Index("ix_genealogy_input", "input_lot_id"),
    )
