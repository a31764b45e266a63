"""The production order state machine: which action takes an order from which status to
which. Services ask it before they change an order; pages ask it which buttons to show.
The statuses and their labels: domain/vocabulary.py.

    planned --start--> in_progress --complete--> completed
    planned / in_progress --cancel--> cancelled
"""

from .vocabulary import ORDER_STATUSES

PLANNED, IN_PROGRESS, COMPLETED, CANCELLED = ORDER_STATUSES
OPEN_STATUSES = (PLANNED, IN_PROGRESS)  # orders that still hold reservations
TRANSITIONS = {
    (PLANNED, "start"): IN_PROGRESS,
    (IN_PROGRESS, "complete"): COMPLETED,
    (PLANNED, "cancel"): CANCELLED,
    (IN_PROGRESS, "cancel"): CANCELLED,
}


class TransitionError(ValueError):
    """An order action that the state table does not allow from the current status."""


def next_status(status: str, action: str) -> str:
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise TransitionError(f"cannot {action} an order that is {status.replace('_', ' ')}") \
            from None


def allowed_actions(status: str) -> list[str]:
    return [action for (state, action) in TRANSITIONS if state == status]
