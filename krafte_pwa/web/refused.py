"""A page that catches a refusal shows it and ends the transaction: whatever the service
flushed before refusing is rolled back at once, not left for the end of the request."""

from flask import flash

from ..extensions import db


def refused(exc) -> None:
    db.session.rollback()
    flash(getattr(exc, "message", None) or str(exc), "error")
