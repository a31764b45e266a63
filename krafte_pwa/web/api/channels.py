"""Sales channels: admin calls (create, offer an item, read, resend) and the shops' own
webhook call, which needs no login: its signature is its authentication."""

from flask import request, url_for

from ...domain.numbers import to_str
from ...services import channels, webhooks
from ..auth import role_required
from . import PUBLIC, body, bp

CHANNEL_FIELDS = ("name", "kind", "secret", "api_base", "api_key", "api_secret",
                  "location_id", "api_version")


def webhook_url(name: str) -> str:
    from ..labels import label_base

    return label_base()[0].rstrip("/") + url_for("api.channel_webhook", name=name)


def channel_json(channel) -> dict:
    return {"name": channel.name, "kind": channel.kind, "webhook_url": webhook_url(channel.name),
            "api_base": channel.api_base, "location_id": channel.location_id,
            "api_version": channel.api_version}


def _stamp(value):
    return value.isoformat() + "Z" if value else None


def message_json(m) -> dict:
    return {"id": m.id, "item": m.product.item.sku, "external_id": m.product.external_id,
            "status": m.status, "attempts": m.attempts, "due_at": _stamp(m.due_at),
            "error": m.error, "quantity": to_str(m.quantity)}


@bp.post("/channels")
@role_required("admin")
def create_channel():
    data = body()
    channel = channels.create_channel(**{k: data.get(k) for k in CHANNEL_FIELDS})
    return {"name": channel.name, "kind": channel.kind,
            "webhook_url": webhook_url(channel.name)}, 201


@bp.get("/channels")
@role_required("admin")
def list_channels():
    rows = channels.list_channels()
    return {"items": [channel_json(c) for c in rows], "total": len(rows), "page": 1,
            "per_page": max(len(rows), 1)}


@bp.get("/channels/<name>")
@role_required("admin")
def get_channel(name):
    view = channels.channel_view(name)
    return {**channel_json(view.channel),
            "products": [{"item": p.item.sku, "external_id": p.external_id}
                         for p in view.products],
            "outbox": [message_json(m) for m in view.outbox], "outbox_counts": view.counts}


@bp.put("/channels/<name>/products/<sku>")
@role_required("admin")
def map_product(name, sku):
    product = channels.map_product(name, sku, body().get("external_id"))
    return {"channel": name, "item": product.item.sku, "external_id": product.external_id}


@bp.post("/channels/<name>/outbox/<int:message_id>/resend")
@role_required("admin")
def resend_message(name, message_id):
    return {"resent": channels.resend(name, message_id)}


@bp.post("/channels/<name>/webhooks")
def channel_webhook(name):
    raw = request.get_data(cache=True)  # the exact bytes the shop signed, before any parsing
    outcome = webhooks.receive(name, raw, request.headers)
    return outcome.json(), 200


PUBLIC.add("api.channel_webhook")
