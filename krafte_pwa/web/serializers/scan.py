"""What a scanned code names, as JSON."""


def resolved_json(resolved, base_url: str) -> dict:
    """`base_url` makes the resolved path an absolute URL (what a label prints)."""
    url = None if resolved.path is None else base_url.rstrip("/") + resolved.path
    data = {"kind": resolved.kind, "code": resolved.code, "url": url, "path": resolved.path}
    if resolved.kind in ("gtin", "gs1", "item"):
        data["item"] = resolved.item.sku if resolved.item else None
    if resolved.fields:
        data["fields"] = {k: v for k, v in resolved.fields.items() if k != "ais"}
        data.update({k: v for k, v in data["fields"].items() if k not in data})
    return data


def decoded_json(results, base_url: str) -> dict:
    return {"results": [{"symbology": d.symbology, "payload": d.payload,
                         "resolved": resolved_json(r, base_url) if r else None}
                        for d, r in results]}
