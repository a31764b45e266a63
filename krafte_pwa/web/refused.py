"""How a page handles a refused action, one way everywhere.

    with refusal() as refused:
        order = purchasing.create_purchase_order(...)
        flash(_("Saved."), "success")
    if refused:
        return _form_page(form, status=400)   # re-render with the reason flashed
    return redirect(...)

The block is one user action: one `transaction()`, committed at its end. A `KrafteError`
raised inside rolls the whole action back (whatever the services flushed before refusing),
flashes its translated reason and is not raised further; `refused` is then true. Any other
exception goes on to the error handlers.
"""

from flask import flash

from ..errors import KrafteError
from ..services._tx import transaction


def flash_refusal(exc) -> None:
    flash(getattr(exc, "message", None) or str(exc), "error")


class refusal:  # noqa: N801  (used as a context manager, like contextlib.suppress)
    """`with refusal() as refused:` — see the module's docstring."""

    def __init__(self, *also: type[Exception]):
        self.catches = (KrafteError, *also)
        self.error: Exception | None = None
        self._tx = None

    def __bool__(self) -> bool:
        return self.error is not None

    def __enter__(self):
        self._tx = transaction()
        self._tx.__enter__()
        return self

    def __exit__(self, kind, exc, tb) -> bool:
        try:
            self._tx.__exit__(kind, exc, tb)  # commits, or rolls back on any exception
        finally:
            self._tx = None
        if exc is not None and isinstance(exc, self.catches):
            self.error = exc
            flash_refusal(exc)
            return True
        return False

