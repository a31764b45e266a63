"""The home page and the alerts page read a fixed handful of statements whatever the
workshop holds (both databases): low stock is one statement with its items, reservations
and orders; each alert list one with its lots' items; the open production orders and the
orders to pack one each with their count. No item is loaded lazily, one per row."""

import re

import pytest

from krafte_pwa.demo import load_demo
from krafte_pwa.extensions import db
from krafte_pwa.services import alerts
from tests.statements import selects

PASSWORDS = {"operator": "krafte-floor", "manager": "krafte-demo"}
# session and user, open production orders, the warning days setting, low stock, the
# expired, expiring and quarantine lists, the orders to pack, the orders on hold
HOME = 9
# session and user, the setting, low stock, the three lists
ALERTS = 6


@pytest.fixture
def demo(app):
    load_demo()
    db.session.remove()
    found = alerts.alerts(limit=5, costs=True)
    # every list has lots, of several items: a lazy load per row would show in the count
    assert found.low_stock and found.expired and found.expiring and found.quarantine
    db.session.remove()


@pytest.mark.parametrize("user", ["operator", "manager"])
def test_home_and_alerts_read_a_fixed_handful_of_statements(client, demo, user):
    assert client.post("/login", data={"username": user, "password": PASSWORDS[user]}
                       ).status_code == 302
    costs = 1 if user == "manager" else 0  # the lots without a cost
    for path, expected in (("/", HOME + costs), ("/alerts", ALERTS + costs)):
        client.get(path)
        with selects() as statements:
            page = client.get(path)
        assert page.status_code == 200
        assert len(statements) == expected, "\n".join(s[:120] for s in statements)
        item_reads = [s for s in statements if re.match(r"\s*SELECT item\.id\b", s)]
        assert len(item_reads) == 1, item_reads  # low stock's, with its items
