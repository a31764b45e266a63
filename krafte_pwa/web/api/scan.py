"""POST /api/v1/scan (a payload) and /api/v1/scan/image (a photo or camera frame)."""

from flask import request

from ...errors import BadInput
from ...messages import _
from ...services import scan
from ..labels import label_base
from . import body, bp


def _absolute(path: str | None) -> str | None:
    if path is None:
        return None
    return label_base()[0].rstrip("/") + path


def resolved_json(resolved: scan.Resolved) -> dict:
    data = {"kind": resolved.kind, "code": resolved.code, "url": _absolute(resolved.path),
            "path": resolved.path}
    if resolved.kind in ("gtin", "gs1", "item"):
        data["item"] = resolved.item.sku if resolved.item else None
    if resolved.fields:
        data["fields"] = {k: v for k, v in resolved.fields.items() if k != "ais"}
        data.update({k: v for k, v in data["fields"].items() if k not in data})
    return data


@bp.post("/scan")
def scan_payload():
    data = body()
    return resolved_json(scan.resolve(data.get("payload")))


@bp.post("/scan/image")
def scan_image():
    upload = request.files.get("image")
    if upload is None:
        raise BadInput(_("send the picture as multipart field 'image'"), code="no_image")
    results = scan.decode_and_resolve(upload.read(), live=request.args.get("live") == "1")
    return {"results": [{"symbology": d.symbology, "payload": d.payload,
                         "resolved": resolved_json(r) if r else None} for d, r in results]}
