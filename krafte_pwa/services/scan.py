"""What a scan names: a lot, a location, an item (SKU or barcode), a production order,
or a supplier's GTIN / GS1 data with the item it names."""

from dataclasses import dataclass, field

from sqlalchemy import literal, or_, select, union_all

from ..errors import BadInput, KrafteError, NotFound
from ..extensions import db
from ..messages import N_, _, field_name, known
from ..models import Item, ItemBarcode, Location, Lot
from ..scan.errors import ImageRejected, ScanError
from ..scan.payloads import URL_SEGMENTS, Parsed, parse_payload


class PayloadTooLarge(KrafteError):
    code = "upload_too_large"
    status = 413


@dataclass
class Resolved:
    kind: str
    code: str
    path: str | None  # the page in this app, e.g. /l/R261123-004
    item: Item | None = None
    fields: dict = field(default_factory=dict)


def _path(kind: str, code: str) -> str:
    from urllib.parse import quote

    return f"/{URL_SEGMENTS[kind]}/{quote(code, safe='')}"


def _exact_matches(code: str):
    """One statement: (rank, kind, id) of what the code names exactly, the first kind first.
    Production orders live in their own module; absent until it is installed."""
    from .. import models

    found = [select(literal(1).label("rank"), literal("lot").label("kind"), Lot.id)
             .where(Lot.code == code),
             select(literal(2), literal("location"), Location.id)
             .where(Location.code == code, Location.kind == "storage"),
             select(literal(3), literal("item"), Item.id).where(Item.sku == code)]
    order = getattr(models, "ProductionOrder", None)
    if order is not None:
        found.append(select(literal(4), literal("production_order"), order.id)
                     .where(order.number == code))
    return union_all(*found).order_by("rank").limit(1)


def _find_exact(code: str) -> Resolved | None:
    """A code as typed or read from a 1-D label: lot, location, SKU, order, barcode."""
    match = db.session.execute(_exact_matches(code)).first()
    if match is None:
        return None
    _rank, kind, row_id = match
    item = db.session.get(Item, row_id) if kind == "item" else None
    return Resolved(kind, code, _path(kind, code), item)


def _item_for_barcode(*codes: str) -> Item | None:
    codes = tuple(c for c in codes if c)
    if not codes:
        return None
    found = db.session.execute(select(Item).where(Item.gtin.in_(codes))).scalar()
    if found:
        return found
    return db.session.execute(
        select(Item).join(ItemBarcode).where(or_(*(ItemBarcode.code == c for c in codes)))
    ).scalar()


def resolve(payload, *, symbology: str | None = None, gs1: bool = False) -> Resolved:
    """Raise NotFound for an unknown code; BadInput for an invalid barcode."""
    if not isinstance(payload, str):
        raise BadInput(_("%(field)s must be text", field=field_name("payload")),
                       details={"field": "payload"})
    text = payload.strip()
    if not gs1 and text and len(text) <= 64:
        # A numeric lot code or SKU wins over reading the digits as a GTIN.
        exact = _find_exact(text)
        if exact:
            return exact
    try:
        parsed = parse_payload(text, symbology=symbology, gs1=gs1)
    except ScanError as exc:
        raise BadInput(known(exc), code=exc.code) from None
    return _resolve_parsed(parsed, text)


# Fixed sentences of the scan module, for the catalogue (see messages.known).
KNOWN_REFUSALS = (
    N_("The scan was empty."),
    N_("The GS1 element string is empty."),
    N_("The image has too many pixels."),
    N_("The upload is not a readable image."),
    N_("The image is truncated or damaged."),
    N_("The image is damaged."),
)


def _unknown(kind: str, code: str) -> str:
    """No such thing of this kind, as a whole sentence per kind."""
    if kind == "lot":
        return _("no lot '%(code)s'", code=code)
    if kind == "location":
        return _("no location '%(code)s'", code=code)
    if kind == "item":
        return _("no item '%(code)s'", code=code)
    if kind == "production_order":
        return _("no production order '%(code)s'", code=code)
    return _("no %(kind)s '%(code)s'", kind=kind.replace("_", " "), code=code)


def _resolve_parsed(parsed: Parsed, raw: str) -> Resolved:
    if parsed.kind in URL_SEGMENTS:
        found = _find_exact(parsed.code)
        if found is None or found.kind != parsed.kind:
            raise NotFound(_unknown(parsed.kind, parsed.code), code="unknown_code")
        return found
    if parsed.kind in ("gtin", "gs1"):
        gtin = parsed.fields.get("gtin") or (parsed.code if parsed.kind == "gtin" else None)
        item = _item_for_barcode(gtin, parsed.fields.get("gtin13"), raw)
        return Resolved(parsed.kind, parsed.code, _path("item", item.sku) if item else None,
                        item, dict(parsed.fields))
    item = _item_for_barcode(parsed.code)
    if item:
        return Resolved("item", item.sku, _path("item", item.sku), item)
    raise NotFound(_("'%(code)s' is not a lot, location, item or order here", code=parsed.code),
                   code="unknown_code")


def decode_and_resolve(data: bytes, *, live: bool = False) -> list[tuple]:
    """Image bytes -> [(Decoded, Resolved | None)]; unknown codes resolve to None."""
    try:
        from ..scan.decode import decode_image  # Pillow, zbar, zxing: loaded when used

        decoded = decode_image(data, thorough=not live)
    except ImageRejected as exc:
        if exc.code in ("upload_too_large", "image_too_large"):
            raise PayloadTooLarge(known(exc), code=exc.code) from None
        raise BadInput(known(exc), code=exc.code) from None
    results = []
    for symbol in decoded:
        try:
            resolved = resolve(symbol.payload, symbology=symbol.symbology, gs1=symbol.gs1)
        except (NotFound, BadInput):
            resolved = None
        results.append((symbol, resolved))
    return results
