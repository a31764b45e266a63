"""The account map and the method, kept in the settings table. Admin only.

French PCG defaults, every one editable. Stock accounts: 31 raw materials, 351
intermediates, 331 work in progress, 355 finished goods. Their counterparts: the stock
variation accounts 6031 (raw materials), 7133 (work in progress) and 7135 (products:
intermediates and finished goods) in the periodic method and for revaluations; in the
perpetual method a receipt goes to goods received not invoiced (408), a shipment leaves
finished goods to 7135 (in the PCG the cost of products sold is their "déstockage"), the
labour and overhead a production order adds to its output to 7135, losses and count or
adjustment differences to 658 / 758, opening stock entered in the app to a suspense
account (471) the accountant clears, and cents of rounding to 658.
"""

import json
import re

from ...errors import BadInput
from ...extensions import db
from ...messages import N_, _, known
from ...models import Setting
from .._tx import transactional

METHODS = ("periodic", "perpetual")
DEFAULT_METHOD = "perpetual"
DEFAULT_ACCOUNTS = {
    "raw_materials": "31",
    "intermediates": "351",
    "wip": "331",
    "finished_goods": "355",
    "variation_raw_materials": "6031",
    "variation_wip": "7133",
    "variation_products": "7135",
    "goods_received_not_invoiced": "408",
    "cost_of_goods_sold": "7135",
    "production_absorbed": "7135",
    "adjustment_loss": "658",
    "adjustment_gain": "758",
    "count_loss": "658",
    "count_gain": "758",
    "scrap": "658",
    "opening_stock": "471",
    "rounding": "658",
}
# what each account is, for the FEC's CompteLib and the settings page
ACCOUNT_LABELS = {
    "raw_materials": N_("Raw materials stock"),
    "intermediates": N_("Intermediate products stock"),
    "wip": N_("Work in progress"),
    "finished_goods": N_("Finished goods stock"),
    "variation_raw_materials": N_("Change in raw materials stock"),
    "variation_wip": N_("Change in work in progress"),
    "variation_products": N_("Change in products stock"),
    "goods_received_not_invoiced": N_("Goods received not invoiced"),
    "cost_of_goods_sold": N_("Cost of goods sold"),
    "production_absorbed": N_("Labour and overhead absorbed by production"),
    "adjustment_loss": N_("Stock adjustments (losses)"),
    "adjustment_gain": N_("Stock adjustments (gains)"),
    "count_loss": N_("Count differences (losses)"),
    "count_gain": N_("Count differences (gains)"),
    "scrap": N_("Scrap and waste"),
    "opening_stock": N_("Opening stock (suspense)"),
    "rounding": N_("Rounding differences"),
}
VARIATION_OF = {"raw_materials": "variation_raw_materials", "intermediates": "variation_products",
                "wip": "variation_wip", "finished_goods": "variation_products"}
NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")
KEY_METHOD, KEY_ACCOUNTS, KEY_SIREN = "accounting_method", "accounting_accounts", "siren"
SIREN = re.compile(r"^\d{9}$")


def _stored(key: str) -> str | None:
    row = db.session.get(Setting, key)
    return row.value if row and row.value else None


def method() -> str:
    return _stored(KEY_METHOD) or DEFAULT_METHOD


def accounts() -> dict[str, str]:
    stored = json.loads(_stored(KEY_ACCOUNTS) or "{}")
    return {name: stored.get(name, number) for name, number in DEFAULT_ACCOUNTS.items()}


_accounts = accounts  # save() takes an argument of that name


def account_label(name: str) -> str:
    return known(ACCOUNT_LABELS[name])


def siren() -> str | None:
    """The company's SIREN: the FEC's file name starts with it."""
    return _stored(KEY_SIREN)


def current() -> dict:
    return {"method": method(), "accounts": accounts(), "siren": siren()}


def _put(key: str, value: str) -> None:
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value


@transactional
def save(*, method=None, accounts=None, siren=None) -> dict:
    """Change the method and/or some accounts (those not named keep their number).
    Everything is checked before anything changes."""
    if method is not None and method not in METHODS:
        raise BadInput(_("method must be one of %(methods)s", methods=", ".join(METHODS)),
                       details={"field": "method"})
    if siren is not None and siren != "" and not SIREN.match(str(siren)):
        raise BadInput(_("siren must be the 9 digits of the company's SIREN"),
                       details={"field": "siren"})
    changes = {}
    if accounts is not None:
        if not isinstance(accounts, dict):
            raise BadInput(_("accounts must be an object {name: number}"),
                           details={"field": "accounts"})
        for name, number in accounts.items():
            if name not in DEFAULT_ACCOUNTS:
                raise BadInput(_("unknown account '%(name)s' (known: %(known)s)",
                                 name=str(name)[:40], known=", ".join(DEFAULT_ACCOUNTS)),
                               details={"field": "accounts"})
            text = (str(number).strip() if isinstance(number, (str, int))
                    and not isinstance(number, bool) else "")
            if not NUMBER.match(text):
                raise BadInput(_("account %(name)s: a number of letters and digits, at most "
                                 "20", name=name), details={"field": f"accounts.{name}"})
            changes[name] = text
    if method is not None:
        _put(KEY_METHOD, method)
    if siren is not None:
        _put(KEY_SIREN, str(siren))
    if changes:
        _put(KEY_ACCOUNTS, json.dumps({**_accounts(), **changes}, sort_keys=True))
    return current()
