"""The API fuzzed from its own OpenAPI document (schemathesis): whatever a client sends,
valid by the document or not, the answer is never a 5xx, and every answer matches the
document (status code, content type, body schema).

One test per operation, a bounded, derandomized number of examples each (reproducible
runs), as a manager with a bearer token, against a candle workshop with stock, a recipe
and one open document of each kind. Random codes almost never name anything, so about
half of the generated codes (in the path and in JSON fields such as `item`, `lot`,
`location`) are swapped for codes that exist: the calls then reach the services instead
of stopping at "unknown code". SQLite: the checks that matter for PostgreSQL (NUL bytes,
dates, pages) have their own tests on both databases (test_edge_guards.py).

Not fuzzed: `DELETE /tokens/...` (revoking tokens; when present): a generated id would
revoke the token the run uses, and every later call would be a documented but useless
401. Every other operation is fuzzed; `POST /tokens` with made-up credentials (the
manager's password is never generated). Operations of other areas merged later are
picked up from the document automatically.
"""

import itertools
import zlib

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from krafte_pwa.extensions import db
from krafte_pwa.services import counts, production, purchasing, shipments
from krafte_pwa.services.users import create_user
from krafte_pwa.web.api.openapi import document
from tests.conftest import RequestClient, make_app
from tests.production_factories import candle_batch_workshop

EXAMPLES = 20

# Calls that would end the fuzzing session itself (revoking the token in use).
schema = schemathesis.openapi.from_dict(document()).exclude(method="DELETE",
                                                            path_regex=r"^/tokens")
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance,
          content_type_conformance]
BODY_CODES = {"item": "skus", "sku": "skus", "lot": "lots", "location": "locations",
              "from": "locations", "to": "locations", "return_location": "locations",
              "parent": "locations"}
KEYS = itertools.count()
NUMBER_PREFIXES = {"/production-orders/": "MO", "/purchase-orders/": "PO",
                   "/counts/": "CT", "/shipments/": "SH"}


@pytest.fixture(scope="module")
def fuzz_app(sqlite_url):
    app = make_app(sqlite_url)
    with app.app_context():
        user = create_user(username="manager", password="manager-password", role="manager")
        lots = candle_batch_workshop()
        numbers = [
            production.plan_order(item="CANDLE", quantity="10").number,
            purchasing.create_purchase_order(supplier="Cires du Sud", lines=[
                {"item": "WAX", "quantity": "5", "unit": "kg", "price": "4"}]).number,
            counts.open_count(location="SHELF")[0].number,
            shipments.ship(customer="Boutique Lumière",
                           lines=[{"item": "WICK", "quantity": "2"}]).number,
        ]
        db.session.commit()
        app.config["FUZZ_CODES"] = {
            "skus": ["CANDLE", "WAX", "FO-LAV", "WICK", "JAR"],
            "lots": sorted(lots.values()), "locations": ["STORE", "SHELF"],
            "numbers": numbers,
        }
        assert user.id
    client = RequestClient(app)
    with app.app_context():
        token = client.post("/api/v1/tokens", json={"username": "manager",
                                                    "password": "manager-password"})
        assert token.status_code == 201, token.json
    app.config["FUZZ_TOKEN"] = token.json["token"]
    yield app
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def _known(value, choices: list[str]):
    """Half of the generated strings become an existing code (chosen from the value, so
    the run stays reproducible)."""
    if not isinstance(value, str) or not choices:
        return value
    digest = zlib.crc32(value.encode("utf-8", "surrogatepass"))
    return choices[digest // 2 % len(choices)] if digest % 2 == 0 else value


def _with_known_codes(value, codes: dict):
    if isinstance(value, dict):
        return {key: (_known(item, codes[BODY_CODES[key]]) if key in BODY_CODES
                      else _with_known_codes(item, codes))
                for key, item in value.items()}
    if isinstance(value, list):
        return [_with_known_codes(item, codes) for item in value]
    return value


def _point_at_known_codes(case, codes: dict) -> None:
    for name, value in (case.path_parameters or {}).items():
        if name == "number":
            prefix = next((p for path, p in NUMBER_PREFIXES.items()
                           if case.path.startswith(path)), None)
            choices = [n for n in codes["numbers"] if n.startswith(str(prefix))]
        else:
            choices = codes["lots" if name == "code" and case.path.startswith("/lots")
                            else "locations" if name == "code" else "skus"]
        case.path_parameters[name] = _known(value, choices)
    if isinstance(case.body, dict | list):
        case.body = _with_known_codes(case.body, codes)
    key = (case.headers or {}).get("Idempotency-Key")
    if isinstance(key, str) and 0 < len(key) < 190 and key.isprintable() and key.isascii():
        # Generated keys repeat across examples ("0"): each becomes a key of its own, or
        # nearly every write would be refused as a reused key.
        case.headers["Idempotency-Key"] = f"{key}-{next(KEYS)}"


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_never_fails_and_matches_its_document(case, fuzz_app):
    _point_at_known_codes(case, fuzz_app.config["FUZZ_CODES"])
    headers = {"Authorization": "Bearer " + fuzz_app.config["FUZZ_TOKEN"]}
    case.call_and_validate(app=fuzz_app, headers=headers, checks=CHECKS)
