"""Locations offered by the pages' pickers, and what a location holds, page by page."""

from sqlalchemy import select

from ..extensions import db
from ..models import Balance, Location, Lot
from . import _inputs as read
from ._keyset import LotPage, Segment, capped_count, lot_page

PER_PAGE = 50


def storage_locations() -> list[Location]:
    """Storage locations in use, by code: where stock can be put or moved to."""
    return db.session.execute(
        select(Location).where(Location.kind == "storage", Location.archived.is_(False))
        .order_by(Location.code)).scalars().all()


def _at(lot: Lot) -> tuple:
    return 0, (lot.item_id, lot.id)


def location_lots(code, *, after: str | None = None, before: str | None = None,
                  per_page: int = PER_PAGE) -> tuple[Location, LotPage]:
    """The lots with stock at a location, grouped by item, oldest lot first: one page,
    read in the order of ix_balance_location_in_stock (after or before a lot's code), and
    their number counted up to the cap."""
    location = read.location(code, storage_only=False)
    in_stock = (Balance.location_id == location.id, Balance.quantity > 0)
    segments = [Segment(in_stock, (Balance.item_id, Balance.lot_id))]
    found = lot_page(lambda _s: select(Balance.item_id, Balance.lot_id, Balance.quantity),
                     segments, _at, after=after, before=before, per_page=per_page,
                     total=capped_count(select(Balance.lot_id).where(*in_stock)))
    return location, found
