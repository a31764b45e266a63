"""Sales channels: admin calls (create, offer an item, read, resend) and the shops' own
webhook call, which needs no login: its signature is its authentication."""

from flask import request

from ...services import channels, webhooks
from ..auth import role_required
from ..serializers.channels import channel_json, channel_view_json, webhook_url
from . import PUBLIC, body, bp

CHANNEL_FIELDS = ("name", "kind", "secret", "api_base", "api_key", "api_secret",
                  "location_id", "api_version")


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
    return channel_view_json(channels.channel_view(name))


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
