"""The one way the API writes dates and instants: ISO days, UTC stamps ending in "Z"."""


def day(value) -> str | None:
    """A date (or datetime) as an ISO day, e.g. 2026-03-01; None stays None."""
    return value.isoformat() if value is not None else None


def stamp(value) -> str | None:
    """A naive UTC datetime as an ISO stamp with "Z", e.g. 2026-03-01T08:30:00Z."""
    return value.isoformat() + "Z" if value is not None else None


def month(value) -> str:
    """The month a date falls in, e.g. 2026-03."""
    return value.strftime("%Y-%m")
