"""Sales channels as JSON (admins): never their secrets or API credentials."""

from flask import url_for

from ...domain.numbers import to_str
from .stamps import stamp


def webhook_url(name: str) -> str:
    """The address a shop calls: the installation's public address (as labels carry it)."""
    from ..labels import label_base

    return label_base()[0].rstrip("/") + url_for("api.channel_webhook", name=name)


def channel_json(channel) -> dict:
    return {"name": channel.name, "kind": channel.kind, "webhook_url": webhook_url(channel.name),
            "api_base": channel.api_base, "location_id": channel.location_id,
            "api_version": channel.api_version}


def message_json(m) -> dict:
    return {"id": m.id, "item": m.product.item.sku, "external_id": m.product.external_id,
            "status": m.status, "attempts": m.attempts, "due_at": stamp(m.due_at),
            "error": m.error, "quantity": to_str(m.quantity)}


def channel_view_json(view) -> dict:
    return {**channel_json(view.channel),
            "products": [{"item": p.item.sku, "external_id": p.external_id}
                         for p in view.products],
            "outbox": [message_json(m) for m in view.outbox], "outbox_counts": view.counts}
