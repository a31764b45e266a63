"""Items, their pack units and barcodes, locations, partners."""

from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.units import ItemUnits
from ..extensions import db
from .types import Money, Quantity, utcnow

ITEM_KINDS = ("material", "intermediate", "product")


class Partner(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    is_supplier: Mapped[bool] = mapped_column(Boolean, default=False)
    is_customer: Mapped[bool] = mapped_column(Boolean, default=False)


class Location(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    # storage, or wip: the virtual location of one production order
    kind: Mapped[str] = mapped_column(String(12), default="storage")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    parent = relationship("Location", remote_side=[id])

    __table_args__ = (CheckConstraint("kind IN ('storage', 'wip')", name="kind"),)


class Item(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12))
    unit: Mapped[str] = mapped_column(String(12))
    reorder_point: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    reorder_quantity: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    shelf_life_days: Mapped[int | None] = mapped_column(Integer)
    requires_qc: Mapped[bool] = mapped_column(Boolean, default=False)
    gtin: Mapped[str | None] = mapped_column(String(14), unique=True)
    density: Mapped[Decimal | None] = mapped_column(Money())  # g per ml
    default_location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    default_supplier_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"))
    sale_price: Mapped[Decimal | None] = mapped_column(Money())
    # per base unit: the cost of a lot received without a price and no purchase price known
    standard_cost: Mapped[Decimal | None] = mapped_column(Money())
    description: Mapped[str | None] = mapped_column(Text)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at = mapped_column(db.DateTime, default=utcnow)

    default_location = relationship(Location)
    default_supplier = relationship(Partner)
    pack_units = relationship("PackUnit", order_by="PackUnit.name", cascade="all, delete-orphan")
    barcodes = relationship("ItemBarcode", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("kind IN ('material', 'intermediate', 'product')", name="kind"),
        CheckConstraint("reorder_point >= 0 AND reorder_quantity >= 0", name="reorder"),
    )

    @property
    def units(self) -> ItemUnits:
        packs = tuple((p.name, p.quantity, p.unit) for p in self.pack_units)
        return ItemUnits(base=self.unit, packs=packs, density=self.density)


class PackUnit(db.Model):
    """An item's own unit: drum = 25 kg, box = 12 pcs."""

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    name: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit: Mapped[str] = mapped_column(String(12))

    __table_args__ = (UniqueConstraint("item_id", "name"),)


class ItemBarcode(db.Model):
    """A supplier's barcode that names one of our items (besides its GTIN)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
