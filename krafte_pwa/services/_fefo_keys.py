"""The copies of each lot's FEFO sort key (expiry, lot date) and status on its balance rows.

FEFO reads an item's balances with stock in its lots' order from one index
(ix_balance_item_fefo), so each balance row carries its lot's expiry and date; an item's
stock in lots not released is read from the few rows of ix_balance_item_held, so each
row carries its lot's status. The ledger writes them with the row (`_ledger._add`); a lot
whose expiry, date or status changes through the ORM has its balance rows updated in the
same flush, so in the same transaction.
"""

from sqlalchemy import bindparam, event, update
from sqlalchemy.orm import Session, attributes

from ..models import Balance, Lot

KEY = ("expiry", "lot_date", "status")


def copies(lot: Lot) -> dict:
    """The columns of a balance row that copy its lot's FEFO key and status."""
    return {"expiry": lot.expiry, "lot_date": lot.lot_date, "lot_status": lot.status}


def _rekeyed(session: Session) -> list[Lot]:
    return [lot for lot in session.dirty if isinstance(lot, Lot)
            and any(attributes.get_history(lot, name).has_changes() for name in KEY)]


def _after_flush(session: Session, _context) -> None:
    lots = _rekeyed(session)
    if not lots:
        return
    table = Balance.__table__
    session.connection().execute(
        update(table).where(table.c.lot_id == bindparam("k_lot"))
        .values(expiry=bindparam("k_expiry"), lot_date=bindparam("k_date"),
                lot_status=bindparam("k_status")),
        [{"k_lot": lot.id, "k_expiry": lot.expiry, "k_date": lot.lot_date,
          "k_status": lot.status}
         for lot in sorted(lots, key=lambda lot: lot.id)])


def install() -> None:
    """Listen on every session (once per process)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
