"""The channel worker: sends the stock levels the outbox owes, with retries.

One (channel, product) at a time: its due messages are taken together and answered by
one push of the available quantity read after them (coalescing: ten changes in a minute
are one call, with the latest level). A refused or failed push is retried with an
exponential backoff (BACKOFF_SECONDS × 2^attempts, at most MAX_BACKOFF), and after
MAX_ATTEMPTS the messages stay `failed`, shown on the channel's page with their error
until someone resends them.

On PostgreSQL several workers share the outbox: a worker locks the product's mapping row
(`FOR NO KEY UPDATE SKIP LOCKED`, which does not block the shop floor's inserts of new
messages) for the time of the push, so two workers never push the same product at once,
and the second finds the messages already sent. On SQLite nothing is held during the
call: the messages are read, the transaction ended, the messages leased in a short write
(their due time moved past the push, so another worker no longer sees them due), the
push made, the outcome written in a short write transaction; a shop that is down never
holds the database's write lock.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import exists, or_, select, update

from ..db_session import write_intent
from ..extensions import db
from ..models import Channel, ChannelProduct, Item, OutboxMessage
from ..models.types import utcnow
from . import _shop_push, availability
from ._tx import dialect_name, transaction

BACKOFF_SECONDS = 30
MAX_BACKOFF = 3600
MAX_ATTEMPTS = 10
LEASE = timedelta(minutes=10)  # well over a push's longest wait (_shop_push.TIMEOUT)


@dataclass
class Claim:
    product_id: int
    message_ids: list[int]
    attempts: int
    quantity: int
    target: _shop_push.Target


@dataclass
class Report:
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), MAX_BACKOFF))


def deliver_due(now: datetime | None = None, *, client=None, limit: int = 1000) -> Report:
    """Push every (channel, product) with due messages once; return what happened."""
    report = Report()
    own_client = client is None
    client = client or _shop_push.new_client()
    token = write_intent.set(False)  # reads begin deferred on SQLite (no write lock)
    try:
        done: set[int] = set()
        for _ in range(limit):
            at = now or utcnow()
            claim = _claim(at, done)
            if claim is None:
                break
            done.add(claim.product_id)
            _deliver(claim, at, client, report)
    finally:
        db.session.rollback()
        write_intent.reset(token)
        if own_client:
            client.close()
    return report


def _deliver(claim: Claim, at: datetime, client, report: Report) -> None:
    if dialect_name() != "postgresql":
        db.session.rollback()  # end the read: no lock held while the shop answers
        if not _lease(claim, at):
            return  # another worker took these messages since they were read
    error = None
    try:
        _shop_push.push(claim.target, claim.quantity, client)
    except _shop_push.PushFailed as exc:
        error = str(exc)
    with transaction():
        _record(claim, at, error)
    if error is None:
        report.sent += len(claim.message_ids)
    else:
        report.failed += len(claim.message_ids)
        report.errors.append(error)


def _lease(claim: Claim, at: datetime) -> bool:
    """SQLite: take the claimed messages for LEASE (moving their due time past it) in a
    short write, all of them or none; a second worker that read them too finds them no
    longer due. A worker that dies during the push leaves them due again after LEASE."""
    table = OutboxMessage.__table__
    try:
        with transaction():
            taken = db.session.execute(
                update(table).where(table.c.id.in_(claim.message_ids),
                                    table.c.status == "pending", table.c.due_at <= at)
                .values(due_at=at + LEASE)).rowcount
            if taken != len(claim.message_ids):
                raise _TakenMeanwhile  # rolls back the part this worker leased
    except _TakenMeanwhile:
        return False
    return True


class _TakenMeanwhile(Exception):
    pass


def _due(at: datetime):
    return (select(OutboxMessage.id)
            .where(OutboxMessage.product_id == ChannelProduct.id,
                   OutboxMessage.status == "pending", OutboxMessage.due_at <= at))


def _claim(at: datetime, done: set[int]) -> Claim | None:
    """The next product with due messages that no other worker holds, locked (PostgreSQL),
    with its messages and the level to send; None when there is none."""
    skipped = set(done)
    while True:
        query = (select(ChannelProduct).where(exists(_due(at)))
                 .order_by(ChannelProduct.id).limit(1))
        if skipped:
            query = query.where(ChannelProduct.id.not_in(sorted(skipped)))
        if dialect_name() == "postgresql":
            query = query.with_for_update(skip_locked=True, key_share=True, of=ChannelProduct)
        product = db.session.execute(query).scalar()
        if product is None:
            return None
        rows = db.session.execute(
            select(OutboxMessage.id, OutboxMessage.attempts)
            .where(OutboxMessage.product_id == product.id, OutboxMessage.status == "pending",
                   OutboxMessage.due_at <= at).order_by(OutboxMessage.id)).all()
        if rows:
            break
        db.session.rollback()  # sent by another worker between the two reads
        skipped.add(product.id)
    channel = db.session.get(Channel, product.channel_id)
    item = db.session.get(Item, product.item_id)
    return Claim(product.id, [r.id for r in rows], max(r.attempts for r in rows),
                 level(item), _target(channel, product, item))


def level(item: Item) -> int:
    """What a shop may sell: the available quantity (usable on hand − reserved for
    production − reserved for sales), whole units, never below zero."""
    available = availability.available([item.id], date.today())[item.id]
    return max(0, math.floor(available)) if available > 0 else 0


def _target(channel: Channel, product: ChannelProduct, item: Item) -> _shop_push.Target:
    return _shop_push.Target(
        kind=channel.kind, api_base=channel.api_base or "", api_key=channel.api_key,
        api_secret=channel.api_secret, location_id=channel.location_id,
        api_version=channel.api_version, secret=channel.secret,
        external_id=product.external_id, sku=item.sku)


def _record(claim: Claim, at: datetime, error: str | None) -> None:
    table = OutboxMessage.__table__
    if error is None:
        last = max(claim.message_ids)
        db.session.execute(
            update(table)
            .where(or_(table.c.id.in_(claim.message_ids),
                       (table.c.product_id == claim.product_id) & (table.c.id < last)
                       & (table.c.status == "failed")))
            .values(status="sent", sent_at=at, error=None,
                    quantity=Decimal(claim.quantity)))
        return
    attempts = claim.attempts + 1
    db.session.execute(
        update(table).where(table.c.id.in_(claim.message_ids), table.c.status == "pending")
        .values(attempts=attempts, error=error[:1000], due_at=at + backoff(attempts),
                status="failed" if attempts >= MAX_ATTEMPTS else "pending"))
