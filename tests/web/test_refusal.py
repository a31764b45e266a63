"""The pages' refusal block and form rows: one transaction per action, a refused action
leaves nothing behind and shows its reason."""

import pytest
from flask import get_flashed_messages
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from krafte_pwa.errors import BadInput
from krafte_pwa.extensions import db
from krafte_pwa.models import Location
from krafte_pwa.web.form_rows import all_of, any_of, form_rows
from krafte_pwa.web.refused import refusal


def _locations() -> int:
    with db.engine.connect() as other:  # what another connection sees: committed rows only
        return other.execute(select(func.count(Location.id))).scalar_one()


def test_an_action_that_goes_through_is_committed(app):
    with app.test_request_context("/"):
        with refusal() as refused:
            db.session.add(Location(code="SHELF", name="Shelf"))
        assert not refused
        assert _locations() == 1
        assert get_flashed_messages() == []


def test_a_refused_action_is_rolled_back_and_its_reason_flashed(app):
    with app.test_request_context("/"):
        with refusal() as refused:
            db.session.add(Location(code="SHELF", name="Shelf"))
            db.session.flush()  # written before the refusal: must not stay
            raise BadInput("no room on that shelf")
        assert refused
        assert isinstance(refused.error, BadInput)
        assert get_flashed_messages(with_categories=True) == [
            ("error", "no room on that shelf")]
    assert _locations() == 0
    assert db.session.execute(select(func.count(Location.id))).scalar_one() == 0


def test_other_errors_go_on_to_the_error_handlers(app):
    with app.test_request_context("/"):
        with pytest.raises(ZeroDivisionError):
            with refusal():
                db.session.add(Location(code="SHELF", name="Shelf"))
                db.session.flush()
                raise ZeroDivisionError
        assert get_flashed_messages() == []
    assert _locations() == 0


def test_a_refusal_can_also_catch_bad_form_values(app):
    with app.test_request_context("/"):
        with refusal(ValueError) as refused:
            int("two")
        assert refused
        assert "two" in get_flashed_messages()[0]


def test_form_rows_reads_parallel_lists_as_lines():
    form = MultiDict([("item", " WAX "), ("quantity", "2"), ("item", ""), ("quantity", ""),
                      ("item", "WICK"), ("unit", "g")])
    assert form_rows(form, ("item", "quantity", "unit"), keep=any_of("item", "quantity")) == [
        {"item": "WAX", "quantity": "2", "unit": "g"}, {"item": "WICK"}]
    assert form_rows(form, ("item", "quantity"), keep=all_of("item", "quantity")) == [
        {"item": "WAX", "quantity": "2"}]
    assert form_rows(form, ("item",)) == [{"item": "WAX"}, {}, {"item": "WICK"}]
