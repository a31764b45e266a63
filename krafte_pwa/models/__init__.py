"""Mapped classes by subject. No commits, no request objects."""

from ..domain.vocabulary import LOT_STATUSES, ORDER_STATUSES, MovementKind
from .catalog import ITEM_KINDS, Item, ItemBarcode, Location, PackUnit, Partner
from .stock import LOT_ORIGINS, Balance, Lot, LotEvent, Movement
from .system import IdempotencyRecord, Sequence, Setting
from .trade import Receipt, ReceiptLine
from .users import ROLES, ApiToken, User

__all__ = [
    "ITEM_KINDS", "LOT_ORIGINS", "LOT_STATUSES", "ROLES", "ApiToken", "Balance",
    "IdempotencyRecord", "Item", "ItemBarcode", "Location", "Lot", "LotEvent", "Movement",
    "MovementKind", "PackUnit", "Partner", "Receipt", "ReceiptLine", "Sequence", "Setting",
    "User",
]

# Production: appended after the base models above.
from .production import (  # noqa: E402
    Genealogy,
    Pick,
    ProductionOrder,
    Recipe,
    RecipeLine,
    Reservation,
)

__all__ += [
    "ORDER_STATUSES", "Genealogy", "Pick", "ProductionOrder", "Recipe", "RecipeLine",
    "Reservation",
]

# Purchasing, sales and counts.
from .counts import COUNT_STATUSES, StockCount, StockCountLine  # noqa: E402
from .purchasing import PO_STATUSES, PurchaseOrder, PurchaseOrderLine  # noqa: E402
from .sales import SHIPMENT_STATUSES, Shipment, ShipmentLine, ShipmentLot  # noqa: E402

__all__ += [
    "COUNT_STATUSES", "PO_STATUSES", "SHIPMENT_STATUSES", "PurchaseOrder", "PurchaseOrderLine",
    "Shipment", "ShipmentLine", "ShipmentLot", "StockCount", "StockCountLine",
]

# Accounting: closed periods.
from .accounting import ClosedPeriod  # noqa: E402

__all__ += ["ClosedPeriod"]
# Server-side sessions and the login limits' counters.
from .system import RateLimitCounter  # noqa: E402
from .users import UserSession  # noqa: E402

__all__ += ["RateLimitCounter", "UserSession"]
# Sales orders and their reservations.
from .sales_orders import (  # noqa: E402
    OPEN_SALES_STATUSES,
    SALES_ORDER_STATUSES,
    SalesOrder,
    SalesOrderLine,
    SalesReservation,
)

__all__ += ["OPEN_SALES_STATUSES", "SALES_ORDER_STATUSES", "SalesOrder", "SalesOrderLine",
            "SalesReservation"]
# Stock value per item and WIP, now and per month.
from .stock_value import ValueBalance  # noqa: E402

__all__ += ["ValueBalance"]
# Sales channels: shops, their products, webhook deliveries and the stock-level outbox.
from ..domain.vocabulary import CHANNEL_KINDS  # noqa: E402
from .channels import (  # noqa: E402
    Channel,
    ChannelOrder,
    ChannelProduct,
    OutboxMessage,
    WebhookDelivery,
)

__all__ += ["CHANNEL_KINDS", "Channel", "ChannelOrder", "ChannelProduct", "OutboxMessage",
            "WebhookDelivery"]

# Lots scanned at the station before an order starts.
from .station import StationPick  # noqa: E402

__all__ += ["StationPick"]
