"""The app's vocabularies, each in one table with the words people read: lot statuses,
production order statuses, movement kinds. Labels are English msgids marked for the
catalogue; the web layer translates them where it shows them (see web/i18n.py)."""

from typing import NamedTuple


def N_(message: str) -> str:  # marks a label for the catalogue; translated where shown
    return message


LOT_STATUS_LABELS = {
    "released": N_("released"),
    "quarantine": N_("quarantine"),
    "blocked": N_("blocked"),
}
LOT_STATUSES = tuple(LOT_STATUS_LABELS)

ORDER_STATUS_LABELS = {
    "planned": N_("planned"),
    "in_progress": N_("in progress"),
    "completed": N_("completed"),
    "cancelled": N_("cancelled"),
}
ORDER_STATUSES = tuple(ORDER_STATUS_LABELS)


class MovementKind:
    """Stable codes with gaps; never reuse one. Their names and labels: MOVEMENT_KINDS."""

    OPENING = 5
    RECEIPT = 10
    TRANSFER_OUT = 20
    TRANSFER_IN = 21
    ADJUSTMENT = 30
    COUNT = 31
    PICK_OUT = 40
    PICK_IN = 41
    CONSUME = 42
    OUTPUT = 45
    RETURN_OUT = 46
    RETURN_IN = 47
    WASTE = 48
    SHIPMENT = 50
    # a cost correction: the stock on hand leaves at the old cost and comes back at the new
    # one (same quantity), so on hand stays the sum of quantities and value the sum of
    # quantity x cost
    REVALUATION_OUT = 60
    REVALUATION_IN = 61

    NAMES: dict[int, str] = {}  # code -> name, filled from MOVEMENT_KINDS below


class Kind(NamedTuple):
    code: int
    name: str  # as the API, the exports and the history filter name it
    label: str  # as people read it (a msgid)
    journal: str  # the accounting journal's entry class
    report: str  # the line of the accounting (stock value changes) report
    # the journal's counterpart account of its value ((loss, gain) when they differ); None:
    # inside the stock accounts
    counterpart: str | tuple[str, str] | None = None


K = MovementKind
MOVEMENT_KINDS = {kind.code: kind for kind in (
    Kind(K.OPENING, "opening", N_("opening stock"), "opening", "opening_stock", "opening_stock"),
    Kind(K.RECEIPT, "receipt", N_("received"), "receipt", "receipts",
         "goods_received_not_invoiced"),
    Kind(K.TRANSFER_OUT, "transfer_out", N_("moved out"), "transfer", "transfers"),
    Kind(K.TRANSFER_IN, "transfer_in", N_("moved in"), "transfer", "transfers"),
    Kind(K.ADJUSTMENT, "adjustment", N_("adjusted"), "adjustment", "adjustments",
         ("adjustment_loss", "adjustment_gain")),
    Kind(K.COUNT, "count", N_("counted"), "count", "counts", ("count_loss", "count_gain")),
    Kind(K.PICK_OUT, "pick_out", N_("picked for production"), "issue", "production_issues"),
    Kind(K.PICK_IN, "pick_in", N_("into production"), "issue", "production_issues"),
    Kind(K.CONSUME, "consume", N_("consumed"), "production", "production_consumption"),
    Kind(K.OUTPUT, "output", N_("produced"), "production", "production_output"),
    Kind(K.RETURN_OUT, "return_out", N_("returned from WIP"), "production",
         "production_issues"),
    Kind(K.RETURN_IN, "return_in", N_("returned to stock"), "production",
         "production_issues"),
    Kind(K.WASTE, "waste", N_("waste"), "production", "waste", "scrap"),
    Kind(K.SHIPMENT, "shipment", N_("shipped"), "shipment", "shipments", "cost_of_goods_sold"),
    Kind(K.REVALUATION_OUT, "revaluation_out", N_("revaluation (out)"), "revaluation",
         "revaluations", "variation"),
    Kind(K.REVALUATION_IN, "revaluation_in", N_("revaluation (in)"), "revaluation",
         "revaluations", "variation"),
)}
MovementKind.NAMES.update({code: kind.name for code, kind in MOVEMENT_KINDS.items()})
KIND_BY_NAME = {kind.name: kind for kind in MOVEMENT_KINDS.values()}
