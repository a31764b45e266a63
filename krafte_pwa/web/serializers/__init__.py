"""Model -> JSON, one module per area. Quantities and money as decimal strings, dates as
ISO days, instants as UTC stamps (see stamps.py); costs only for who may see them."""
