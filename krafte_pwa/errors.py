"""Domain errors with stable codes; the web layer turns them into 4xx answers."""


class KrafteError(Exception):
    """Base of every refusal a user can cause. `code` is stable, `status` the HTTP answer."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or {}


class BadInput(KrafteError):
    code = "bad_input"
    status = 400


class BadQuantity(BadInput):
    code = "bad_quantity"


class UnitMismatch(BadInput):
    code = "unit_mismatch"


class NotFound(KrafteError):
    code = "not_found"
    status = 404


class Conflict(KrafteError):
    code = "conflict"
    status = 409


class InsufficientStock(Conflict):
    code = "insufficient_stock"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class LotNotUsable(Conflict):
    code = "lot_not_usable"


class Forbidden(KrafteError):
    code = "forbidden"
    status = 403


class Unauthorized(KrafteError):
    code = "unauthorized"
    status = 401


def N_(message: str) -> str:
    """Marks a sentence for the translation catalogue; it is translated where it is shown."""
    return message


class TextError(ValueError):
    """An error of a plain-Python module (domain, scan) whose sentence a person reads: an
    English msgid marked with N_ and its values, put into the user's language where it is
    shown (`messages.known`). `str()` is the English sentence."""

    def __init__(self, template: str, **values) -> None:
        self.template, self.values = template, values
        super().__init__(template % values if values else template)
