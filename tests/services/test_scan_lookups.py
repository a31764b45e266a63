"""A scan finds what a code names in one statement: a label URL (read whole first, then its
code) costs two lookups, not one per kind of thing; the order of kinds still decides."""



from krafte_pwa.extensions import db
from krafte_pwa.services import locations as location_actions
from krafte_pwa.services import scan
from tests.factories import candle_workshop, receive
from tests.statements import selects


def test_a_label_url_is_resolved_in_two_lookups(app):
    candle_workshop()
    code = receive("WAX", "100")
    db.session.remove()
    with selects() as statements:
        found = scan.resolve(f"http://krafte.test/l/{code}")
    assert (found.kind, found.code, found.path) == ("lot", code, f"/l/{code}")
    assert len(statements) == 2, statements


def test_an_exact_code_is_a_lot_before_a_location_before_an_item(app):
    candle_workshop()
    location_actions.create_location(code="WICK", name="Wick drawer")
    lot = receive("WAX", "100")
    db.session.remove()
    assert scan.resolve("WICK").kind == "location"
    assert (scan.resolve("WAX").kind, scan.resolve("WAX").item.sku) == ("item", "WAX")
    assert scan.resolve(lot).kind == "lot"
    location_actions.create_location(code=lot, name="A shelf named like the lot")
    assert scan.resolve(lot).kind == "lot"
