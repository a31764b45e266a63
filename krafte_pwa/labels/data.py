"""What a label says (``LabelData``) and the errors label rendering raises.

The caller formats every value (numbers, dates, units in the user's locale) and
translates the small captions; this package only lays the strings out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import TextError

KINDS = frozenset({"lot", "location", "item", "production_order"})

# Small captions printed before a value. Keys: the label kind (caption of the big
# code), then the optional fields. An empty string prints no caption. English
# defaults; the web layer passes translated ones.
DEFAULT_CAPTIONS: Mapping[str, str] = {
    "lot": "Lot",
    "location": "Loc.",
    "item": "SKU",
    "production_order": "Order",
    "quantity": "",
    "expiry": "Exp.",
    "date": "Date",
    "supplier_lot": "Supp. lot",
}


class LabelError(TextError):
    """Bad label input, with a stable ``code`` the web layer turns into a 4xx.

    Codes: ``unknown_size``, ``unknown_layout``, ``bad_dpi``, ``bad_layout`` (a
    custom sheet that does not fit its page), ``bad_position`` (``start_position``
    outside the sheet), ``bad_label`` (invalid ``LabelData``), ``no_labels``,
    ``payload_too_long`` (the QR code would be too dense to print on that size),
    ``bad_mode`` (PNG mode other than "1" or "L"), ``bad_copies`` (ZPL copies).
    """

    def __init__(self, code: str, template: str, **values) -> None:
        super().__init__(template, **values)
        self.code = code
        self.message = str(self)

    def __repr__(self) -> str:
        return f"LabelError({self.code!r}, {self.message!r})"


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value or None


@dataclass(frozen=True)
class LabelData:
    """One label. ``code`` is printed large and bold; ``expiry_text`` large too.

    ``captions`` overrides some of ``DEFAULT_CAPTIONS`` (e.g. ``{"expiry": "DLUO"}``).
    """

    kind: str
    title: str
    code: str
    qr_payload: str
    quantity_text: str | None = None
    expiry_text: str | None = None
    date_text: str | None = None
    supplier_lot_text: str | None = None
    extra_lines: tuple[str, ...] = ()
    captions: Mapping[str, str] | None = field(default=None, hash=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise LabelError("bad_label", "unknown label kind %(kind)s", kind=repr(self.kind))
        if not self.qr_payload or not self.qr_payload.strip():
            raise LabelError("bad_label", "a label needs a QR payload")
        if self.captions:
            unknown = set(self.captions) - set(DEFAULT_CAPTIONS)
            if unknown:
                raise LabelError("bad_label", "unknown caption keys: %(keys)s",
                                 keys=sorted(unknown))
        # Normalise whitespace (names typed with newlines or double spaces) and turn
        # a list of extra lines into a tuple so the frozen value stays immutable.
        object.__setattr__(self, "title", _clean(self.title) or "")
        object.__setattr__(self, "code", _clean(self.code) or "")
        for name in ("quantity_text", "expiry_text", "date_text", "supplier_lot_text"):
            object.__setattr__(self, name, _clean(getattr(self, name)))
        lines = tuple(line for line in map(_clean, self.extra_lines or ()) if line)
        object.__setattr__(self, "extra_lines", lines)

    def caption(self, key: str) -> str:
        """The caption for ``key`` (a kind or a field name), "" for none."""
        if self.captions and key in self.captions:
            return self.captions[key] or ""
        return DEFAULT_CAPTIONS[key]
