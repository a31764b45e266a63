"""The stock-level outbox: a message for every channel that offers an item whose available
quantity may have changed, written in the same transaction as the change.

What marks an item as touched:
- the ledger (`_ledger.post` calls `touch`): stock came in, left or moved;
- reservations and what decides them, seen by the ORM as they are flushed: production
  and sales reservations, production orders opening or closing, lots released, blocked
  or re-dated (`watch` registers a class).

Just before the transaction commits, one INSERT … SELECT writes a message for each channel
that offers a touched item; a transaction that touched nothing sends no statement, one
that touched only items no channel offers inserts no row. The worker (`channel_push`)
sends them later.
"""

from collections.abc import Callable, Iterable

from sqlalchemy import DateTime, event, insert, literal, select
from sqlalchemy.orm import Session, attributes

from ..models import (
    Channel,
    ChannelProduct,
    Lot,
    OutboxMessage,
    ProductionOrder,
    Reservation,
    SalesReservation,
)
from ..models.types import utcnow

_TOUCHED = "krafte_touched_items"
# class -> (attributes whose change matters or None for any, item ids of an instance)
_WATCHED: dict[type, tuple[tuple[str, ...] | None, Callable[[object], Iterable[int]]]] = {}


def touch(session: Session, item_ids: Iterable[int]) -> None:
    """Mark items whose available quantity may have changed in this transaction."""
    session.info.setdefault(_TOUCHED, set()).update(item_ids)


def watch(cls: type, changed: tuple[str, ...] | None, item_ids) -> None:
    """Rows of `cls` flushed (new, deleted, or with one of `changed` changed) touch the
    items `item_ids(instance)` names."""
    _WATCHED[cls] = (changed, item_ids)


def _order_items(order) -> list[int]:
    return [r.item_id for r in order.reservations]


watch(Reservation, None, lambda r: [r.item_id])
watch(ProductionOrder, ("status",), _order_items)
watch(Lot, ("status", "expiry"), lambda lot: [lot.item_id])
watch(SalesReservation, None, lambda r: [r.item_id])


def _changed(instance, names) -> bool:
    return names is None or any(attributes.get_history(instance, n).has_changes()
                                for n in names)


def _after_flush(session: Session, _context) -> None:
    touched = set()
    for group, is_new in ((session.new, True), (session.dirty, False), (session.deleted, True)):
        for instance in group:
            watched = _WATCHED.get(type(instance))
            if watched is None:
                continue
            changed, item_ids = watched
            if is_new or _changed(instance, changed):
                touched.update(i for i in item_ids(instance) if i is not None)
    if touched:
        touch(session, touched)


def _before_commit(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # what is still pending may touch items too
    touched = session.info.pop(_TOUCHED, None)
    if touched:
        write_messages(session, touched)


def write_messages(session: Session, item_ids: Iterable[int], channel_id: int | None = None):
    """One message per (channel, product) offering these items, on channels with an
    address to push to: one INSERT … SELECT (nothing written when none offers them)."""
    now = literal(utcnow(), DateTime())
    query = (select(ChannelProduct.channel_id, ChannelProduct.id, literal("pending"),
                    literal(0), now, now)
             .join(Channel, Channel.id == ChannelProduct.channel_id)
             .where(ChannelProduct.item_id.in_(sorted(item_ids)),
                    Channel.api_base.is_not(None)))
    if channel_id is not None:
        query = query.where(ChannelProduct.channel_id == channel_id)
    table = OutboxMessage.__table__
    session.execute(insert(table).from_select(
        [table.c.channel_id, table.c.product_id, table.c.status, table.c.attempts,
         table.c.due_at, table.c.created_at], query))


def _forget(session: Session, *_args) -> None:
    session.info.pop(_TOUCHED, None)


def install() -> None:
    """Listen on every session (once per process)."""
    if event.contains(Session, "after_flush", _after_flush):
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_rollback", _forget)


def uninstall() -> None:
    """Stop listening (bench/sales.py measures what the listeners cost)."""
    if event.contains(Session, "after_flush", _after_flush):
        event.remove(Session, "after_flush", _after_flush)
        event.remove(Session, "before_commit", _before_commit)
        event.remove(Session, "after_rollback", _forget)
