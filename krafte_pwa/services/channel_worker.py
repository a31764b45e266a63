"""The worker's loop: deliver what is due, sleep, again, until told to stop (SIGTERM,
SIGINT); `once` delivers what is due now and returns."""

import signal
import threading

from ..extensions import db
from .channel_push import Report, deliver_due


def run(*, once: bool = False, interval: float = 2.0, echo=print, stop=None) -> int:
    stop = stop or threading.Event()
    if not once and threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    total = 0
    while True:
        try:
            report = deliver_due()
        except Exception as exc:  # the database went away a moment: try again later
            db.session.rollback()
            if once:
                raise
            echo(f"channels: delivery interrupted: {exc}")
            report = Report()
        total += report.sent
        if report.sent or report.failed:
            echo(f"channels: {report.sent} sent, {report.failed} failed"
                 + (f" ({report.errors[-1]})" if report.errors else ""))
        if once or stop.wait(interval):
            return total
