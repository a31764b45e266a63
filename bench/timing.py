"""Timing shared by the benches: each call timed as a request would run it."""

import statistics
import time
from collections.abc import Callable

from krafte_pwa.db_session import write_intent
from krafte_pwa.extensions import db


def measure(fn: Callable[[], object], runs: int, *, write: bool = False) -> list[float]:
    """Milliseconds per call; reads end their transaction and every call starts with an
    empty session, as a request does."""
    times = []
    token = write_intent.set(write)
    try:
        for _ in range(runs):
            started = time.perf_counter()
            fn()
            if not write:
                db.session.rollback()
            times.append((time.perf_counter() - started) * 1000)
            db.session.expunge_all()
    finally:
        write_intent.reset(token)
    return times


def figures(times: list[float]) -> tuple[float, float]:
    """Median and 95th percentile."""
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1,
                                                   round(0.95 * (len(ordered) - 1)))]
