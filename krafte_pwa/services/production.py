"""Production orders: plan, start, complete, cancel. Each call is one transaction.

plan reserves what the recipe needs per item (never refused for a shortage: it shows
it); start picks lots into the order's WIP location; complete consumes, returns or
writes off what was picked and creates the output lot with its cost and genealogy;
cancel releases reservations and returns WIP to stock. A refusal changes nothing.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy.orm.attributes import set_committed_value

from ..domain.order_states import IN_PROGRESS, PLANNED, TransitionError, next_status
from ..domain.recipes import (
    Cost,
    batch_cost,
    labour_cost,
    material_value,
    money,
    output_expiry,
    unit_cost,
)
from ..domain.vocabulary import ORDER_STATUS_LABELS
from ..errors import (
    BadInput,
    BadQuantity,
    Conflict,
    InsufficientStock,
    InvalidTransition,
    LotNotUsable,
    NotFound,
)
from ..extensions import db
from ..messages import _, field_name
from ..models import (
    Location,
    Lot,
    MovementKind,
    Pick,
    ProductionOrder,
)
from ..models.types import utcnow
from . import _inputs as read
from . import _locks as locks
from . import _production_rows as rows_
from . import availability as avail
from . import production_costs as pcost
from . import recipe_book as rbook
from ._ledger import Posting, on_hand, post
from ._sequences import document_number
from ._sub_orders import check_sub_orders_done
from ._tx import transactional, upsert
from .lot_usability import check_usable
from .station import clear_picks
from .stock import new_lot_code

ZERO = Decimal(0)


def _transition(order: ProductionOrder, action: str) -> str:
    try:
        return next_status(order.status, action)
    except TransitionError:
        sentences = {
            "start": _("%(number)s: cannot start an order that is %(status)s",
                       number=order.number, status=_status_word(order.status)),
            "complete": _("%(number)s: cannot complete an order that is %(status)s",
                          number=order.number, status=_status_word(order.status)),
            "cancel": _("%(number)s: cannot cancel an order that is %(status)s",
                        number=order.number, status=_status_word(order.status)),
        }
        raise InvalidTransition(sentences[action],
                                details={"order": order.number, "status": order.status,
                                         "action": action}) from None


def _status_word(status: str) -> str:
    return _(ORDER_STATUS_LABELS[status]) if status in ORDER_STATUS_LABELS else status


# ---------------------------------------------------------------- plan

@transactional
def plan_order(*, item, quantity, unit=None, note=None, user_id=None,
               today: date | None = None) -> ProductionOrder:
    """Reserve what the recipe needs, as far as available stock allows. The FEFO
    suggestions and the cost are computed before the item rows are locked; under the
    locks only what others hold back is read again. The order carries the suggestions
    for its answer."""
    today = today or date.today()
    the_item = read.item(item)
    if the_item.archived:
        raise BadInput(_("item %(sku)s is archived", sku=the_item.sku))
    amount = read.base_quantity(the_item, quantity, unit)
    recipe = rbook.active_recipe(the_item.id)
    if recipe is None:
        raise NotFound(_("no recipe for %(sku)s", sku=the_item.sku), code="no_recipe")
    needs = rbook.requirements(recipe, amount)
    suggested = avail.fefo_plan({c.id: need for c, need in needs}, today)
    material, _unpriced = pcost.materials_cost(needs, today, suggested)
    cost = batch_cost(material, amount, recipe.yield_quantity,
                      labour_minutes=recipe.labour_minutes, labour_rate=recipe.labour_rate,
                      overhead_per_batch=recipe.overhead_per_batch,
                      overhead_percent=recipe.overhead_percent)
    pcost.check_money(cost.material, cost.labour, cost.overhead, cost.total)
    note = read.text(note, "note", required=False, max_length=2000)
    locks.lock_items([the_item.id, *(c.id for c, _need in needs)])
    caps: dict[int, Decimal] = defaultdict(Decimal)
    for c, need in needs:
        caps[c.id] += need
    free = avail.available_up_to(caps, today)  # exact below the need: all holds ask
    order = ProductionOrder(
        number=document_number("MO", today.year), item=the_item, recipe=recipe,
        planned_quantity=amount, status=PLANNED, planned_material_cost=money(material),
        planned_labour_cost=cost.labour, planned_overhead_cost=cost.overhead,
        note=note, user_id=user_id, picks=[])
    db.session.add(order)
    db.session.flush()
    holds = {c.id: min(need, max(free.get(c.id, ZERO), ZERO)) for c, need in needs}
    rows_.insert_reservations(order.id, [
        {"position": position, "item_id": c.id, "required": need, "quantity": holds[c.id]}
        for position, (c, need) in enumerate(needs, start=1)])
    order.suggestions = {i: _first(takes, holds[i]) for i, (takes, _m) in suggested.items()}
    return order


def _first(takes: list[avail.Take], quantity: Decimal) -> tuple[list[avail.Take], Decimal]:
    """The start of a FEFO walk that covers `quantity` (FEFO for less is its prefix), and
    what it lacks."""
    kept = []
    for take in takes:
        if quantity <= 0:
            break
        part = min(take.quantity, quantity)
        kept.append(avail.Take(take.lot, take.location, part))
        quantity -= part
    return kept, quantity


# ---------------------------------------------------------------- start

@transactional
def start_order(*, number, picks=None, override_reason=None, user_id=None,
                today: date | None = None) -> ProductionOrder:
    """Pick lots into the order's WIP: the given picks for their items, the FEFO
    suggestion for the others. Refused (changing nothing) for a blocked or quarantined
    lot, an expired lot without a manager's override reason, or missing stock.

    The lots are chosen before the item rows are locked; under the locks only the
    balances that change are locked and written. Should another action have taken some
    of the chosen stock in between, the lots are chosen again under the locks."""
    today = today or date.today()
    order = locks.order_for_update(number)
    _transition(order, "start")
    check_sub_orders_done(order)
    needs = {r.item_id: r for r in order.reservations}
    reason = read.text(override_reason, "override_reason", required=False, max_length=500)
    entries = read.object_list(picks, "picks")
    chosen = _choose(order, entries, needs, reason, user_id, today)
    locks.lock_items(needs)
    if _status_changed(chosen, today):  # e.g. a recall blocked a lot before the locks
        chosen = _choose(order, entries, needs, reason, user_id, today)
    _check_reservations_of_others(order, chosen, needs, today)
    wip = _wip_location(order)
    try:
        overridden = _pick(order, chosen, wip, reason, user_id)
    except InsufficientStock:  # taken by another action since chosen: choose again
        chosen = _choose(order, entries, needs, reason, user_id, today)
        overridden = _pick(order, chosen, wip, reason, user_id)
    rows_.release_reservations(order.id, order.reservations)
    started = {"status": next_status(order.status, "start"), "started_at": utcnow(),
               "wip_location_id": wip.id}
    if overridden:
        started |= {"override_reason": reason, "override_user_id": user_id}
    rows_.update_order(order, started, wip_location=wip)
    clear_picks(order.id)  # the lots scanned at the station are now real picks
    return order


def _choose(order, entries, needs, reason, user_id, today) -> list[tuple[avail.Take, bool]]:
    """(take, overridden) for the explicit picks, then FEFO for the other items; refused
    when stock is short."""
    chosen = _explicit_takes(entries, needs, reason, user_id, today)
    explicit_items = {take.lot.item_id for take, _overridden in chosen}
    suggested = avail.fefo_plan({i: r.required for i, r in needs.items()
                                 if i not in explicit_items}, today)
    short = []
    for item_id, (found, missing) in suggested.items():
        if missing > 0:
            short.append({"item": needs[item_id].item.sku,
                          "required": str(needs[item_id].required), "missing": str(missing)})
        chosen.extend((take, False) for take in found)
    if short:
        raise InsufficientStock(
            _("not enough usable stock to start: %(shortages)s", shortages=", ".join(
                _("%(sku)s short of %(missing)s", sku=s["item"], missing=s["missing"])
                for s in short)),
            details={"shortages": short})
    return chosen


def _status_changed(chosen, today: date) -> bool:
    """The chosen lots read again now that their items are locked (status changes lock
    them too): True if one may no longer be used as chosen."""
    lots = rows_.lots_read_again({take.lot for take, _o in chosen})
    usable = {lot.id for lot in lots
              if lot.status == "released" and not avail.is_expired(lot, today)}
    return any(take.lot.id not in usable and (not overridden or take.lot.status != "released")
               for take, overridden in chosen)


def _pick(order, chosen, wip, reason, user_id) -> bool:
    """Move the chosen stock into WIP and record the picks; True if a lot was overridden."""
    merged: dict[tuple[int, int], list] = {}
    for take, overridden in chosen:
        key = (take.lot.id, take.location.id)
        if key in merged:
            merged[key][2] += take.quantity
        else:
            merged[key] = [take.lot, take.location, take.quantity, overridden]
    postings, rows = [], []
    for lot, location, qty, overridden in merged.values():
        why = f"override: {reason}" if overridden else None
        postings.append(Posting(lot, location.id, -qty, MovementKind.PICK_OUT, order.number, why))
        postings.append(Posting(lot, wip.id, qty, MovementKind.PICK_IN, order.number, why))
        rows.append({"lot_id": lot.id, "location_id": location.id, "quantity": qty,
                     "overridden": overridden})
    post(postings, user_id)
    # one INSERT of every row, RETURNING them: the answer lists the picks without reading
    # them again (their lots and places are in the session already)
    picks = rows_.insert_picks(order.id, rows, utcnow())
    for pick in picks:
        lot, location = merged[(pick.lot_id, pick.location_id)][:2]
        set_committed_value(pick, "lot", lot)
        set_committed_value(pick, "location", location)
    set_committed_value(order, "picks", sorted(picks, key=lambda pick: pick.id))
    return any(m[3] for m in merged.values())


def _explicit_takes(entries, needs, reason, user_id, today) -> list[tuple[avail.Take, bool]]:
    result: list[tuple[avail.Take, bool]] = []
    taken: dict[int, Decimal] = defaultdict(Decimal)
    for index, entry in enumerate(entries):
        field = f"picks[{index}]"
        lot = read.lot(entry.get("lot"))
        if lot.item_id not in needs:
            raise BadInput(_("%(field)s: lot %(lot)s is %(sku)s, which this order does not use",
                             field=field_name(field), lot=lot.code, sku=lot.item.sku),
                           code="not_in_recipe", details={"lot": lot.code})
        overridden = check_usable(lot, today, override_reason=reason, user_id=user_id)
        if entry.get("location") not in (None, ""):
            where = read.location(entry.get("location"))
            sources = [(where, on_hand(lot.id, where.id))]
        else:
            sources = avail.lot_storage_balances(lot.id)
        if entry.get("quantity") in (None, ""):  # a scanned lot: what is still needed
            in_storage = sum((q for _where, q in sources), ZERO)
            qty = min(needs[lot.item_id].required - taken[lot.item_id], in_storage)
            if qty <= 0:
                raise BadQuantity(_("%(field)s: give a quantity for lot %(lot)s",
                                    field=field_name(field), lot=lot.code),
                                  details={"field": f"{field}.quantity"})
        else:
            qty = read.base_quantity(lot.item, entry.get("quantity"), entry.get("unit"),
                                     f"{field}.quantity")
        taken[lot.item_id] += qty
        remaining = qty
        for location, have in sources:
            take = min(have, remaining)
            if take > 0:
                result.append((avail.Take(lot, location, take), overridden))
                remaining -= take
        if remaining > 0:
            raise InsufficientStock(_("lot %(lot)s has less than %(quantity)s %(unit)s in store",
                                      lot=lot.code, quantity=qty, unit=lot.item.unit),
                                    details={"lot": lot.code, "requested": str(qty)})
    return result


def _check_reservations_of_others(order, chosen, needs, today) -> None:
    """Picks of usable stock may take this order's share and what nobody holds, not what
    other open orders have reserved."""
    picked: dict[int, Decimal] = defaultdict(Decimal)
    for take, overridden in chosen:
        if not overridden:
            picked[take.lot.item_id] += take.quantity
    free = avail.available_up_to(picked, today, exclude_order_id=order.id)
    for item_id, qty in picked.items():
        if qty > free[item_id]:
            sku = needs[item_id].item.sku
            raise InsufficientStock(
                _("%(sku)s: only %(available)s can be used once other orders' reservations are "
                  "kept, the picks need %(requested)s", sku=sku,
                  available=max(free[item_id], ZERO), requested=qty),
                details={"item": sku, "available": str(max(free[item_id], ZERO)),
                         "requested": str(qty)})


def _wip_location(order: ProductionOrder) -> Location:
    """The order's own WIP location, created in one INSERT … ON CONFLICT DO NOTHING
    RETURNING: nothing returned means a location has that code already."""
    wip = db.session.scalars(
        upsert(Location).values(code=order.number, name=f"WIP {order.number}", kind="wip",
                                archived=False)
        .on_conflict_do_nothing(index_elements=["code"]).returning(Location)).first()
    if wip is None:
        raise Conflict(_("a location named %(code)s exists already", code=order.number),
                       code="duplicate_location")
    return wip


# ---------------------------------------------------------------- complete

def _output_location(output, location):
    if location not in (None, ""):
        return read.location(location)
    if output.default_location is not None:
        return output.default_location
    raise BadInput(_("location is required: where does the output go?"),
                   details={"field": "location"})


def _consumption(picks, lots, consumed, waste):
    """(consumed, wasted, waste reasons) per lot, checked against what was picked."""
    picked: dict[int, Decimal] = defaultdict(Decimal)
    for p in picks:
        picked[p.lot_id] += p.quantity
    use = dict(picked) if consumed is None else _amounts(consumed, "consumed", lots)
    wasted, reasons = _waste(waste, lots)
    for lot_id, total in picked.items():
        if use.get(lot_id, ZERO) + wasted.get(lot_id, ZERO) > total:
            raise BadQuantity(_("lot %(lot)s: consumed and wasted exceed the %(picked)s picked",
                                lot=lots[lot_id].code, picked=total),
                              details={"lot": lots[lot_id].code})
    if not any(q > 0 for q in use.values()):
        raise BadInput(_("nothing consumed: an output lot needs inputs"),
                       code="nothing_consumed")
    for lot_id, qty in use.items():
        if qty > 0 and lots[lot_id].status == "blocked":
            raise LotNotUsable(_("lot %(lot)s was blocked since it was picked",
                                 lot=lots[lot_id].code),
                               code="lot_blocked", details={"lot": lots[lot_id].code})
    return use, wasted, reasons


def _actual_cost(order, material: Decimal, minutes, amount: Decimal) -> Cost:
    recipe = order.recipe
    cost = batch_cost(material, order.planned_quantity, recipe.yield_quantity,
                      labour_minutes=recipe.labour_minutes, labour_rate=recipe.labour_rate,
                      overhead_per_batch=recipe.overhead_per_batch,
                      overhead_percent=recipe.overhead_percent)
    if minutes is not None:  # the actual minutes of the whole order replace the recipe's
        cost = Cost(cost.material, labour_cost(minutes, recipe.labour_rate), cost.overhead)
    pcost.check_money(cost.material, cost.labour, cost.overhead, cost.total,
                     cost.total / amount)
    return cost


@transactional
def complete_order(*, number, quantity, location=None, unit=None, consumed=None, waste=None,
                   return_location=None, labour_minutes=None, user_id=None,
                   today: date | None = None) -> ProductionOrder:
    """Consume (default: everything picked), write off waste with a reason, return the
    rest to where it was picked; create the output lot with its exact cost, expiry and
    genealogy. labour_minutes are the actual minutes spent on the whole order (the
    recipe's for the planned quantity when left out). One transaction."""
    today = today or date.today()
    order = locks.order_for_update(number)
    _transition(order, "complete")
    output = order.item
    amount = read.base_quantity(output, quantity, unit)
    minutes = (None if labour_minutes in (None, "") else
               read.quantity_field(labour_minutes, "labour_minutes"))
    dest = _output_location(output, location)
    back = read.location(return_location) if return_location not in (None, "") else None
    picks = _picks(order)
    lots = {p.lot_id: p.lot for p in picks}
    use, wasted, reasons = _consumption(picks, lots, consumed, waste)
    postings = _settle_picks(order, picks, use, wasted, reasons, back)
    recipe = order.recipe
    material = material_value((q, lots[i].unit_cost) for i, q in use.items())
    cost = _actual_cost(order, material, minutes, amount)
    expiry = output_expiry(today, output.shelf_life_days,
                           [lots[i].expiry for i, q in use.items() if q > 0],
                           cap_by_inputs=recipe.cap_expiry)
    lot = rows_.insert_lot({
        "code": new_lot_code("production", today, output.sku), "item_id": output.id,
        "origin": "production", "lot_date": today, "expiry": expiry,
        "unit_cost": unit_cost(cost.total, amount),
        "status": "quarantine" if output.requires_qc else "released"}, output)
    postings.append(Posting(lot, dest.id, amount, MovementKind.OUTPUT, order.number))
    post(postings, user_id)
    rows_.insert_genealogy(order.id, lot.id, [
        {"input_lot_id": lot_id, "quantity": qty} for lot_id, qty in use.items() if qty > 0])
    rows_.archive_location(order.wip_location)
    rows_.update_order(order, {
        "status": next_status(order.status, "complete"), "completed_at": utcnow(),
        "actual_quantity": amount, "output_lot_id": lot.id, "output_location_id": dest.id,
        "actual_material_cost": money(material), "actual_labour_cost": cost.labour,
        "actual_overhead_cost": cost.overhead}, output_lot=lot, output_location=dest)
    return order


def _picks(order: ProductionOrder) -> list[Pick]:
    """The order's picks with their lots and places (one query, kept for the answer)."""
    return list(order.picks)


def _amounts(entries, field: str, lots: dict[int, Lot]) -> dict[int, Decimal]:
    result: dict[int, Decimal] = defaultdict(Decimal)
    for index, entry in enumerate(read.object_list(entries, field)):
        lot = read.lot(entry.get("lot"))
        if lot.id not in lots:
            raise BadInput(_("%(field)s: lot %(lot)s was not picked for this order",
                             field=field_name(f"{field}[{index}]"), lot=lot.code),
                           code="not_picked", details={"lot": lot.code})
        result[lot.id] += read.base_quantity(lot.item, entry.get("quantity"), entry.get("unit"),
                                             f"{field}[{index}].quantity", allow_zero=True)
    return result


def _waste(entries, lots) -> tuple[dict[int, Decimal], dict[int, str]]:
    amounts = _amounts(entries, "waste", lots)
    reasons: dict[int, str] = {}
    for index, entry in enumerate(entries or []):
        lot = read.lot(entry.get("lot"))
        reasons[lot.id] = read.text(entry.get("reason"), f"waste[{index}].reason",
                                    max_length=500)
    return amounts, reasons


def _settle_picks(order, picks, use, wasted, reasons, back) -> list[Posting]:
    """Share each lot's consumption and waste over its pick rows; the rest goes back."""
    use, wasted = dict(use), dict(wasted)
    wip_id = order.wip_location_id
    postings, settled = [], []
    for pick in picks:
        left = pick.quantity - pick.consumed - pick.returned - pick.wasted
        c = min(left, use.get(pick.lot_id, ZERO))
        use[pick.lot_id] = use.get(pick.lot_id, ZERO) - c
        w = min(left - c, wasted.get(pick.lot_id, ZERO))
        wasted[pick.lot_id] = wasted.get(pick.lot_id, ZERO) - w
        r = left - c - w
        reason = reasons.get(pick.lot_id) if w else pick.waste_reason
        if c:
            postings.append(Posting(pick.lot, wip_id, -c, MovementKind.CONSUME, order.number))
        if w:
            postings.append(Posting(pick.lot, wip_id, -w, MovementKind.WASTE, order.number,
                                    reason))
        if r:
            postings.extend(_return(order, pick, r, back))
        if c or w or r:
            settled.append((pick, {"consumed": pick.consumed + c, "wasted": pick.wasted + w,
                                   "returned": pick.returned + r, "waste_reason": reason}))
    rows_.settle_picks(settled)
    return postings


def _return(order, pick, quantity, back=None) -> list[Posting]:
    to = back.id if back is not None else pick.location_id
    return [Posting(pick.lot, order.wip_location_id, -quantity, MovementKind.RETURN_OUT,
                    order.number),
            Posting(pick.lot, to, quantity, MovementKind.RETURN_IN, order.number)]


# ---------------------------------------------------------------- cancel

@transactional
def cancel_order(*, number, reason=None, user_id=None) -> ProductionOrder:
    order = locks.order_for_update(number)
    was = order.status
    new = _transition(order, "cancel")
    why = read.text(reason, "reason", required=False, max_length=500)
    for res in order.reservations:
        res.quantity = ZERO
    if was == IN_PROGRESS:
        postings = []
        for pick in _picks(order):
            left = pick.quantity - pick.consumed - pick.returned - pick.wasted
            if left > 0:
                pick.returned += left
                postings.extend(_return(order, pick, left))
        if postings:
            post(postings, user_id)
        order.wip_location.archived = True
    order.status, order.cancelled_at = new, utcnow()
    clear_picks(order.id)
    if why:
        order.note = f"{order.note}\n" if order.note else ""
        order.note += f"cancelled: {why}"
    return order
