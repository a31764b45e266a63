"""The same new shop order delivered twice at the same moment (Shopify sends
orders/create and orders/updated within milliseconds) makes one sales order, on
PostgreSQL where the two requests really run at once."""

import threading
import time

import pytest
from sqlalchemy import func, select

from krafte_pwa.extensions import db
from krafte_pwa.models import SalesOrder, WebhookDelivery
from krafte_pwa.services import channels, sales
from tests.channel_factories import SHOPIFY_SECRET, dumps, shopify_headers, shopify_order
from tests.factories import candle_workshop, receive

pytestmark = pytest.mark.postgres_only


def test_two_concurrent_deliveries_of_one_order_make_one_sales_order(pg_app, monkeypatch):
    candle_workshop()
    receive("CANDLE", "10")
    channels.create_channel(name="shop", kind="shopify", secret=SHOPIFY_SECRET)
    db.session.remove()
    create = sales.create_sales_order

    def slow_create(**kwargs):
        time.sleep(0.3)  # the other request is inside its transaction by now
        return create(**kwargs)

    monkeypatch.setattr(sales, "create_sales_order", slow_create)
    bodies = [dumps(shopify_order()), dumps(shopify_order())]
    topics = ["orders/create", "orders/updated"]
    barrier, answers = threading.Barrier(2), []

    def deliver(n):
        with pg_app.app_context():
            client = pg_app.test_client()
            barrier.wait()
            response = client.post("/api/v1/channels/shop/webhooks", data=bodies[n],
                                   headers=shopify_headers(bodies[n], topics[n]))
            answers.append((response.status_code, response.json))
            db.session.remove()

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(code for code, _ in answers) == [200, 200], answers
    numbers = {a["sales_order"] for _, a in answers}
    assert len(numbers) == 1 and None not in numbers, answers
    db.session.remove()
    assert db.session.execute(select(func.count(SalesOrder.id))).scalar_one() == 1
    assert db.session.execute(select(func.count(WebhookDelivery.id))).scalar_one() == 2
