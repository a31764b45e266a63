"""A team set-up for real: two gunicorn processes on one PostgreSQL.

Whatever process answers, a session, a token, an Idempotency-Key replay and the login
limits behave as on one server: all of them live in the database, not in a process.
"""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from krafte_pwa import create_app
from krafte_pwa.extensions import db

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """Plain HTTP with a cookie jar shared across both servers (cookies ignore the port),
    redirects not followed."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port, method, path, *, form=None, body=None, headers=None):
        headers = dict(headers or {})
        payload = None
        if form is not None:
            payload = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            payload = json.dumps(body)
            headers["Content-Type"] = "application/json"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        try:
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            response.text = response.read().decode()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def csrf(self, port, path="/login") -> str:
        page = self.request(port, "GET", path).text
        return re.search(r'name="csrf_token" value="([^"]+)"', page)[1]

    def log_in(self, port, username, password, **extra):
        return self.request(port, "POST", "/login", form={
            "csrf_token": self.csrf(port), "username": username, "password": password,
            **extra})

    def api(self, port, method, path, token=None, body=None, **headers):
        if token:
            headers["Authorization"] = "Bearer " + token
        response = self.request(port, method, "/api/v1" + path, body=body, headers=headers)
        response.json = json.loads(response.text) if response.text else None
        return response


@pytest.fixture(scope="module")
def team(pg_server):
    """Two app processes, one database; both ended at teardown."""
    url = pg_server.create_database("krafte_team")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "team-test",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})  # quick to check too
    with app.app_context():
        db.create_all()
        from krafte_pwa.services.users import create_user

        create_user(username="boss", password="boss-password", role="manager")
        create_user(username="ada", password="ada-password", role="operator")
        db.session.remove()
        db.engine.dispose()

    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "team-secret-shared",
           "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("KRAFTE_PROXY_HOPS", None)
    ports = [free_port(), free_port()]
    processes = [subprocess.Popen(
        [str(GUNICORN), "--workers", "1", "--threads", "2", "--bind", f"127.0.0.1:{port}",
         "--graceful-timeout", "2", "krafte_pwa:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True) for port in ports]
    try:
        deadline = time.monotonic() + 30
        for port, process in zip(ports, processes, strict=True):
            while True:
                if process.poll() is not None:
                    pytest.fail("app server did not start: " + process.stderr.read().decode())
                try:
                    if Browser().request(port, "GET", "/login").status == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail("app server did not answer in time")
                time.sleep(0.2)
        yield ports
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.stderr.close()


def test_a_session_made_on_one_process_works_on_the_other(team):
    a, b = team
    browser = Browser()
    assert browser.log_in(a, "ada", "ada-password", remember="1").status == 302
    saved = dict(browser.cookies)
    assert browser.request(b, "GET", "/items/").status == 200
    assert browser.request(b, "POST", "/logout",
                           form={"csrf_token": browser.csrf(b, "/items/")}).status == 302
    copy = Browser()
    copy.cookies = saved  # the session and remember cookies as they were before logout
    assert copy.request(a, "GET", "/items/").status == 302
    assert copy.request(b, "GET", "/items/").status == 302
    assert browser.request(a, "GET", "/items/").status == 302


def test_a_token_made_on_one_process_is_revoked_on_the_other(team):
    a, b = team
    client = Browser()
    made = client.api(a, "POST", "/tokens", body={"username": "ada", "password": "ada-password",
                                                  "name": "tablet station"})
    assert made.status == 201
    token = made.json["token"]
    assert client.api(b, "GET", "/items", token).status == 200
    listed = client.api(b, "GET", "/tokens", token).json["items"]
    assert [(t["name"], t["current"]) for t in listed] == [("tablet station", True)]
    assert client.api(b, "DELETE", "/tokens/current", token).json == {
        "revoked": made.json["id"]}
    assert client.api(a, "GET", "/items", token).status == 401


def test_an_idempotent_replay_on_the_other_process_changes_nothing(team):
    a, b = team
    client = Browser()
    token = client.api(a, "POST", "/tokens",
                       body={"username": "boss", "password": "boss-password"}).json["token"]
    assert client.api(a, "POST", "/items", token, body={
        "sku": "WAX", "name": "Soy wax", "kind": "material", "unit": "kg"}).status == 201
    assert client.api(b, "POST", "/locations", token,
                      body={"code": "STORE", "name": "Store"}).status == 201
    receipt = {"supplier": "Waxworks", "location": "STORE",
               "lines": [{"item": "WAX", "quantity": "12.5"}]}
    first = client.api(a, "POST", "/receipts", token, receipt, **{"Idempotency-Key": "r-1"})
    again = client.api(b, "POST", "/receipts", token, receipt, **{"Idempotency-Key": "r-1"})
    assert first.status == again.status == 201
    assert again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert client.api(a, "GET", "/items/WAX", token).json["on_hand"] == "12.5"
    assert client.api(b, "GET", "/lots?item=WAX", token).json["total"] == 1


def test_failed_logins_spread_over_both_processes_hit_the_limit(team):
    a, b = team
    for attempt in range(5):
        browser = Browser()  # a fresh client each time: the limit is the server's
        port = (a, b)[attempt % 2]
        assert browser.log_in(port, "boss", "not-the-password").status == 401
    refused = Browser().log_in(b, "boss", "boss-password")
    assert refused.status == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    api = Browser().api(a, "POST", "/tokens", body={"username": "BOSS",
                                                    "password": "boss-password"})
    assert api.status == 429 and api.json["error"]["code"] == "too_many_attempts"
    assert int(api.headers["Retry-After"]) >= 1
