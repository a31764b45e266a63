"""Phones sending the same request at the same instant, each on its own connection."""

import threading

from krafte_pwa.extensions import db


def post_at_once(app, path: str, body: dict, headers: dict, senders: int) -> list:
    """POST `body` to `path` from `senders` threads released together; their
    (status, JSON) answers, in the order they came back."""
    answers, start = [], threading.Barrier(senders)

    def send():
        with app.app_context():
            start.wait()
            response = app.test_client().post(path, json=body, headers=headers)
            answers.append((response.status_code, response.json))
            db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers
