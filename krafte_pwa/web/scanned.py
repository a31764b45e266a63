"""A code field that also takes a scanned label URL (…/l/<code>)."""

from ..errors import BadInput
from ..messages import _
from ..services import scan


def scanned_code(value, kind: str) -> str:
    """A code as typed, or a scanned label URL (…/l/<code>) that names one of `kind`."""
    if isinstance(value, str) and "/" in value:
        found = scan.resolve(value)
        if found.kind != kind:
            raise BadInput(_wrong_kind(found.kind, kind), code="wrong_kind",
                           details={"field": kind})
        return found.code
    return value


def _wrong_kind(found: str, wanted: str) -> str:
    """A label of another kind than the field asks for, as a whole sentence per case."""
    messages = {
        ("location", "lot"): _("that label is a location, not a lot"),
        ("item", "lot"): _("that label is an item, not a lot"),
        ("production_order", "lot"): _("that label is a production order, not a lot"),
        ("lot", "location"): _("that label is a lot, not a location"),
        ("item", "location"): _("that label is an item, not a location"),
        ("production_order", "location"): _("that label is a production order, not a location"),
    }
    return messages.get((found, wanted)) or _("that label is a %(found)s, not a %(wanted)s",
                                              found=found.replace("_", " "), wanted=wanted)
