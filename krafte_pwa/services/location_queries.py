"""Locations offered by the pages' pickers."""

from sqlalchemy import select

from ..extensions import db
from ..models import Location


def storage_locations() -> list[Location]:
    """Storage locations in use, by code: where stock can be put or moved to."""
    return db.session.execute(
        select(Location).where(Location.kind == "storage", Location.archived.is_(False))
        .order_by(Location.code)).scalars().all()
