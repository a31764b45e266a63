"""Constants written into a statement's text instead of sent as parameters (see `fixed`)."""

from sqlalchemy import literal_column


def fixed(value: int | str):
    """A constant written into the statement's text instead of sent as a parameter.

    psycopg prepares a statement a connection runs often, and PostgreSQL then plans it once
    for any parameters (a generic plan) only if that plan costs no more than those made for
    the values. A generic plan cannot read a partial index (`quantity > 0`) for
    `quantity > $1`, nor cost a `LIMIT $1`: with those as parameters the hot reads were
    planned again at every run."""
    return literal_column(f"'{value}'" if isinstance(value, str) else str(int(value)))


STOCKED = fixed(0)  # `Balance.quantity > STOCKED`: the rows the partial indexes hold
RELEASED, STORAGE = fixed("released"), fixed("storage")
