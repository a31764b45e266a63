"""The recall scenario end to end by the API, on SQLite and PostgreSQL: two supplier lots
of shea butter, a base-cream batch using both, two face-cream batches, shipments to
three customers; the recall of one shea butter lot names exactly the affected lots and
the customers with their quantities; blocking them makes them unpickable and
unshippable, and every refusal changes nothing."""

from decimal import Decimal as D

import pytest
from sqlalchemy import select

from krafte_pwa.extensions import db
from krafte_pwa.models import LotEvent
from tests.factories import in_days
from tests.production_factories import lot_by_code
from tests.trade_factories import recall_workshop
from tests.trade_factories import trade_snapshot as snapshot


@pytest.fixture
def recall_scenario(app, users, client, manager, operator):
    return recall_workshop(client, manager, operator)


def _ship(client, headers, customer, lines, status=201):
    answer = client.post("/api/v1/shipments", headers=headers,
                         json={"customer": customer, "lines": lines})
    assert answer.status_code == status, answer.json
    return answer.json


def test_recall_of_one_shea_lot_lists_exactly_the_affected_lots_and_customers(
        client, manager, operator, recall_scenario):
    r = recall_scenario
    answer = client.get(f"/api/v1/lots/{r['s1']}/recall", headers=operator)
    assert answer.status_code == 200, answer.json
    assert set(answer.json) == {"affected_lots", "customers"}
    # B2 was made from S2 only: not affected by S1
    assert answer.json["affected_lots"] == [
        {"code": r["s1"], "item": "SHEA", "on_hand": "0"},
        {"code": r["b1"], "item": "BASE", "on_hand": "4"},
        {"code": r["f1"], "item": "CREAM", "on_hand": "0"},
        {"code": r["f2"], "item": "CREAM", "on_hand": "90"},
    ]
    today = in_days(0).isoformat()
    assert sorted((c["customer"], c["lot"], c["quantity"], c["date"])
                  for c in answer.json["customers"]) == sorted([
        ("Bio Market", r["f1"], "70", today), ("Bio Market", r["f2"], "10", today),
        ("Pharmacie Centrale", r["f1"], "30", today), ("Épicerie Fine", r["f2"], "20", today)])
    assert all(set(c) == {"customer", "lot", "quantity", "date"}
               for c in answer.json["customers"])

    # the other shea lot reaches B2 as well
    other = client.get(f"/api/v1/lots/{r['s2']}/recall", headers=operator).json
    assert [a["code"] for a in other["affected_lots"]] == [
        r["s2"], r["b1"], r["b2"], r["f1"], r["f2"]]
    # a finished lot from a customer's complaint: itself and who received it
    complaint = client.get(f"/api/v1/lots/{r['f2']}/recall", headers=operator).json
    assert [a["code"] for a in complaint["affected_lots"]] == [r["f2"]]
    assert sorted(c["customer"] for c in complaint["customers"]) == ["Bio Market",
                                                                     "Épicerie Fine"]
    # stock per location on request
    detail = client.get(f"/api/v1/lots/{r['s1']}/recall?include=locations",
                        headers=operator).json
    assert detail["affected_lots"][1]["locations"] == [{"location": "LAB", "quantity": "4"}]
    assert detail["affected_lots"][3]["locations"] == [{"location": "FG", "quantity": "90"}]

    # forward traces now end at customers
    trace = client.get(f"/api/v1/lots/{r['s1']}/trace?direction=forward", headers=operator).json
    f1_node = trace["children"][0]["children"][0]
    assert f1_node["lot"] == r["f1"]
    assert sorted((s["customer"], s["quantity"]) for s in f1_node["shipments"]) == [
        ("Bio Market", "70"), ("Pharmacie Centrale", "30")]
    assert all(s["document"].startswith("SH-") and s["date"] == today
               for s in f1_node["shipments"])


def test_blocking_a_recall_makes_the_lots_unpickable_and_unshippable(
        client, manager, operator, recall_scenario):
    r = recall_scenario
    refused = client.post(f"/api/v1/lots/{r['s1']}/recall/block", headers=operator,
                          json={"reason": "supplier warning"})
    assert refused.status_code == 403
    no_reason = client.post(f"/api/v1/lots/{r['s1']}/recall/block", headers=manager, json={})
    assert no_reason.status_code == 400
    assert lot_by_code(r["b1"]).status == "released"

    blocked = client.post(f"/api/v1/lots/{r['s1']}/recall/block", headers=manager,
                          json={"reason": "Karité Direct warning KD-17"})
    assert blocked.status_code == 200, blocked.json
    # the lots still in stock; S1 and F1 are gone, B2 is not affected
    assert sorted(blocked.json["blocked"]) == sorted([r["b1"], r["f2"]])
    db.session.expire_all()
    assert {code: lot_by_code(code).status for code in r.values()} == {
        r["s1"]: "released", r["s2"]: "released", r["b1"]: "blocked", r["b2"]: "released",
        r["f1"]: "released", r["f2"]: "blocked"}
    events = db.session.execute(select(LotEvent).where(LotEvent.new_value == "blocked")
                                ).scalars().all()
    assert len(events) == 2
    assert all(e.reason == f"recall of {r['s1']}: Karité Direct warning KD-17"
               and e.old_value == "released" and e.kind == "status" for e in events)
    again = client.post(f"/api/v1/lots/{r['s1']}/recall/block", headers=manager,
                        json={"reason": "twice"})
    assert again.status_code == 200 and again.json["blocked"] == []

    # unpickable: production refuses the blocked base cream
    planned = client.post("/api/v1/production-orders", headers=manager,
                          json={"item": "CREAM", "quantity": 10})
    assert planned.status_code == 201
    number = planned.json["number"]
    # FEFO suggests B2 only now
    assert [s["lot"] for s in planned.json["requirements"][0]["suggested"]] == [r["b2"]]
    before = snapshot()
    start = client.post(f"/api/v1/production-orders/{number}/start", headers=operator,
                        json={"picks": [{"lot": r["b1"], "quantity": "0.5"}]})
    assert start.status_code == 409 and start.json["error"]["code"] == "lot_blocked"
    assert snapshot() == before
    # unshippable: by lot, and by FEFO (no usable face cream is left)
    by_lot = _ship(client, operator, "Bio Market",
                   [{"item": "CREAM", "quantity": 5, "lot": r["f2"]}], status=409)
    assert by_lot["error"]["code"] == "lot_blocked"
    by_fefo = _ship(client, operator, "Bio Market", [{"item": "CREAM", "quantity": 5}],
                    status=409)
    assert by_fefo["error"]["code"] == "insufficient_stock"
    assert snapshot() == before
    # the recall now shows the stock blocked where it is
    after = client.get(f"/api/v1/lots/{r['s1']}/recall?include=locations",
                       headers=manager).json
    assert {a["code"]: a["status"] for a in after["affected_lots"]}[r["f2"]] == "blocked"
    assert D(after["affected_lots"][3]["on_hand"]) == D(90)
