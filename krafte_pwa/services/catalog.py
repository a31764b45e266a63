"""The catalogue's actions under their former module name: items live in services/items.py,
locations in services/locations.py. New code imports those."""

from .items import (  # noqa: F401
    EDITABLE_ITEM_FIELDS,
    add_barcode,
    archive_item,
    build_item,
    create_item,
    open_documents,
    recipes_using,
    supplier_names,
    update_item,
)
from .locations import (  # noqa: F401
    LocationRow,
    create_location,
    get_location,
    location_tree,
    update_location,
)
