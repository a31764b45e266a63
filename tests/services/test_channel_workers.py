"""Two workers share the outbox: each message is delivered once, and a product is never
pushed by both at the same time (PostgreSQL: the product's row is locked during the push;
SQLite: its messages are leased before it).

Forty products are offered on one WooCommerce shop (a local server that answers slowly,
so the two workers overlap); each gets a stock change, then two workers run at once."""

import threading
import time
from collections import Counter

from sqlalchemy import func, select

from krafte_pwa.extensions import db
from krafte_pwa.models import OutboxMessage
from krafte_pwa.services import channel_push, channels
from krafte_pwa.services import items as item_actions
from krafte_pwa.services import locations as location_actions
from tests.channel_factories import WOO_SECRET, ShopServer
from tests.factories import receive


def test_two_workers_deliver_each_message_once(app):
    location_actions.create_location(code="STORE", name="Store")
    with ShopServer() as shop:
        channels.create_channel(name="woo", kind="woocommerce", secret=WOO_SECRET,
                                api_base=shop.url, api_key="ck", api_secret="cs")
        for n in range(40):
            item_actions.create_item(sku=f"P{n}", name=f"Product {n}", kind="product", unit="pcs")
            channels.map_product("woo", f"P{n}", str(1000 + n))
            receive(f"P{n}", str(n + 1))
        assert db.session.execute(select(func.count(OutboxMessage.id))).scalar_one() == 80
        db.session.remove()
        slow = shop.httpd.RequestHandlerClass._any

        def slowly(handler):
            time.sleep(0.01)
            slow(handler)

        shop.httpd.RequestHandlerClass.do_PUT = slowly
        reports, errors = [], []

        def worker():
            with app.app_context():
                try:
                    reports.append(channel_push.deliver_due())
                except Exception as exc:  # noqa: BLE001  (shown by the assert below)
                    errors.append(exc)
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        paths = Counter(r["path"] for r in shop.requests)
        assert len(paths) == 40 and set(paths.values()) == {1}, "each product pushed once"
        assert sum(r.sent for r in reports) == 80
        assert all(r.sent for r in reports), "both workers took a share"
        assert db.session.execute(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.status != "sent")).scalar_one() == 0
