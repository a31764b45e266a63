"""May a lot be used (picked for production) or shipped? Released and not expired; an
expired lot only for production, with a manager's override reason. The one check every
action that takes stock from a chosen lot makes."""

from datetime import date

from ..errors import Forbidden, LotNotUsable
from ..extensions import db
from ..messages import N_, _, day
from ..models import Lot, User
from .availability import is_expired

REFUSED = {
    ("blocked", "use"): N_("lot %(lot)s is blocked: it cannot be used"),
    ("quarantine", "use"): N_("lot %(lot)s is in quarantine: it cannot be used"),
    ("blocked", "ship"): N_("lot %(lot)s is blocked: it cannot be shipped"),
    ("quarantine", "ship"): N_("lot %(lot)s is in quarantine: it cannot be shipped"),
}
EXPIRED = {
    "use": N_("lot %(lot)s expired on %(expiry)s: a manager may use it with an override "
              "reason"),
    "ship": N_("lot %(lot)s expired on %(expiry)s: it cannot be shipped"),
}


def check_usable(lot: Lot, today: date, *, action: str = "use", override_reason=None,
                 user_id: int | None = None) -> bool:
    """Raise LotNotUsable when the lot is not released, or expired without an override
    (possible only for "use", by a manager, with a reason). True: an expired lot is used
    on a manager's override."""
    if lot.status != "released":
        raise LotNotUsable(_(REFUSED[(lot.status, action)], lot=lot.code),
                           code=f"lot_{'blocked' if lot.status == 'blocked' else 'quarantined'}",
                           details={"lot": lot.code, "status": lot.status})
    if not is_expired(lot, today):
        return False
    if action != "use" or not override_reason:
        raise LotNotUsable(_(EXPIRED[action], lot=lot.code, expiry=day(lot.expiry)),
                           code="lot_expired",
                           details={"lot": lot.code, "expiry": lot.expiry.isoformat()})
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None or not user.has_role("manager"):
        raise Forbidden(_("only a manager may override an expired lot"),
                        code="override_forbidden")
    return True
