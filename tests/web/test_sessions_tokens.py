"""Sessions end on the server; API tokens expire, are listed and revoked; failed logins are
limited per account and per address, counted in the database (both databases)."""

import re
import time
from datetime import timedelta

from sqlalchemy import event, func, select, update

from krafte_pwa.config import from_environment
from krafte_pwa.extensions import db
from krafte_pwa.models import ApiToken, RateLimitCounter, UserSession
from krafte_pwa.models.types import utcnow
from krafte_pwa.web.login_limits import DatabaseStorage


def log_in(client, username, password, **extra):
    return client.post("/login", data={"username": username, "password": password, **extra})


def get_token(client, username, password=None, **extra):
    return client.post("/api/v1/tokens",
                       json={"username": username,
                             "password": password or f"{username}-password", **extra})


def bearer(token: str) -> dict:
    return {"Authorization": "Bearer " + token}


def sessions() -> list[UserSession]:
    db.session.rollback()
    return list(db.session.execute(select(UserSession).order_by(UserSession.id)).scalars())


# Sessions


def test_logout_ends_the_session_and_a_saved_copy_of_its_cookie(app, users):
    browser = app.test_client()
    assert log_in(browser, "manager", "manager-password").status_code == 302
    saved = browser.get_cookie("session").value
    assert browser.get("/items/").status_code == 200
    rows = sessions()
    assert len(rows) == 1 and rows[0].key_hash not in saved  # only the key's hash is kept

    assert browser.post("/logout").status_code == 302
    assert sessions() == []
    thief = app.test_client()
    thief.set_cookie("session", saved)
    assert thief.get("/items/").status_code == 302  # to the login page
    assert thief.get("/api/v1/items").status_code == 401


def test_logout_ends_a_remembered_session_too(app, users):
    browser = app.test_client()
    assert log_in(browser, "operator", "operator-password", remember="1").status_code == 302
    remember = browser.get_cookie("remember_token").value
    row = sessions()[0]
    lifetime = row.expires_at - row.created_at
    assert lifetime == timedelta(days=14)  # the remember cookie's duration

    # the remember cookie alone (browser restarted) opens the session again ...
    restarted = app.test_client()
    restarted.set_cookie("remember_token", remember)
    assert restarted.get("/items/").status_code == 200
    # ... until logout, from any of the two
    assert restarted.post("/logout").status_code == 302
    again = app.test_client()
    again.set_cookie("remember_token", remember)
    assert again.get("/items/").status_code == 302
    assert browser.get("/items/").status_code == 302


def test_a_session_row_expires(app, users):
    browser = app.test_client()
    assert log_in(browser, "operator", "operator-password").status_code == 302
    row = sessions()[0]
    assert row.expires_at - row.created_at == timedelta(hours=24)  # not remembered
    ended = row.key_hash
    db.session.execute(update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert browser.get("/items/").status_code == 302
    # the next login tidies the ended row away
    assert log_in(browser, "operator", "operator-password").status_code == 302
    rows = sessions()
    assert len(rows) == 1 and rows[0].key_hash != ended


def test_the_remember_duration_follows_the_configuration(app, users):
    app.config["REMEMBER_COOKIE_DURATION"] = timedelta(days=3)
    browser = app.test_client()
    assert log_in(browser, "operator", "operator-password", remember="1").status_code == 302
    row = sessions()[0]
    assert row.expires_at - row.created_at == timedelta(days=3)


def test_a_page_view_writes_nothing(app, users):
    browser = app.test_client()
    assert log_in(browser, "manager", "manager-password", remember="1").status_code == 302
    writes = []

    def record(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert browser.get("/items/").status_code == 200
        assert browser.get("/api/v1/items").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert writes == []


def test_each_login_is_its_own_session(app, users):
    phone, tablet = app.test_client(), app.test_client()
    assert log_in(phone, "operator", "operator-password").status_code == 302
    assert log_in(tablet, "operator", "operator-password").status_code == 302
    assert len(sessions()) == 2
    assert phone.post("/logout").status_code == 302
    assert phone.get("/items/").status_code == 302
    assert tablet.get("/items/").status_code == 200  # the other device stays logged in


def test_an_old_style_session_id_opens_nothing(app, users):
    from krafte_pwa.web.auth import user_service

    assert user_service.session_user("1") is None
    assert user_service.session_user("1.0123456789abcdef") is None
    assert user_service.session_user("x.y") is None


# API tokens


def test_a_token_has_a_name_and_expires(app, client, users):
    answer = get_token(client, "operator", name="tablet station")
    assert answer.status_code == 201
    body = answer.json
    assert set(body) == {"token", "id", "expires_at"}
    row = db.session.get(ApiToken, body["id"])
    assert row.name == "tablet station"
    assert row.expires_at - row.created_at == timedelta(days=90)
    assert body["expires_at"] == row.expires_at.isoformat() + "Z"
    assert row.token_hash != body["token"] and body["token"] not in row.token_hash

    headers = bearer(body["token"])
    assert client.get("/api/v1/items", headers=headers).status_code == 200
    db.session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    refused = client.get("/api/v1/items", headers=headers)
    assert refused.status_code == 401 and refused.json["error"]["code"] == "unauthorized"


def test_token_days_are_configured(app, client, users, monkeypatch):
    monkeypatch.setenv("KRAFTE_TOKEN_DAYS", "7")
    assert from_environment(app.instance_path)["TOKEN_DAYS"] == 7
    monkeypatch.delenv("KRAFTE_TOKEN_DAYS")
    assert from_environment(app.instance_path)["TOKEN_DAYS"] == 90
    app.config["TOKEN_DAYS"] = 7
    row = db.session.get(ApiToken, get_token(client, "operator").json["id"])
    assert row.expires_at - row.created_at == timedelta(days=7)


def test_a_token_name_is_checked(app, client, users):
    answer = get_token(client, "operator", name="x" * 101)
    assert answer.status_code == 400
    assert db.session.execute(select(func.count()).select_from(ApiToken)).scalar() == 0


def test_tokens_are_listed_without_their_secret(app, client, users):
    first = get_token(client, "operator", name="tablet station").json
    second = get_token(client, "operator").json
    get_token(client, "manager")  # someone else's
    answer = client.get("/api/v1/tokens", headers=bearer(second["token"]))
    assert answer.status_code == 200
    listed = answer.json
    assert listed["total"] == 2 and listed["page"] == 1 and listed["per_page"] == 50
    assert [t["id"] for t in listed["items"]] == [second["id"], first["id"]]
    assert [t["current"] for t in listed["items"]] == [True, False]
    assert listed["items"][1]["name"] == "tablet station"
    assert set(listed["items"][0]) == {"id", "name", "created_at", "expires_at", "current"}
    text = answer.get_data(as_text=True)
    assert first["token"] not in text and second["token"] not in text
    assert "token_hash" not in text
    paged = client.get("/api/v1/tokens?per_page=1&page=2", headers=bearer(second["token"])).json
    assert [t["id"] for t in paged["items"]] == [first["id"]] and paged["total"] == 2
    assert client.get("/api/v1/tokens?page=x", headers=bearer(first["token"])).status_code == 400
    assert client.get("/api/v1/tokens").status_code == 401


def test_revoking_a_token(app, client, users):
    mine = get_token(client, "operator").json
    spare = get_token(client, "operator").json
    theirs = get_token(client, "manager").json
    headers = bearer(mine["token"])

    for target in (theirs["id"], 999999):
        refused = client.delete(f"/api/v1/tokens/{target}", headers=headers)
        assert refused.status_code == 404 and refused.json["error"]["code"] == "unknown_token"
    assert client.get("/api/v1/items", headers=bearer(theirs["token"])).status_code == 200

    answer = client.delete(f"/api/v1/tokens/{spare['id']}", headers=headers)
    assert answer.status_code == 200 and answer.json == {"revoked": spare["id"]}
    assert client.get("/api/v1/items", headers=bearer(spare["token"])).status_code == 401
    assert client.get("/api/v1/items", headers=headers).status_code == 200

    answer = client.delete("/api/v1/tokens/current", headers=headers)
    assert answer.status_code == 200 and answer.json == {"revoked": mine["id"]}
    assert client.get("/api/v1/items", headers=headers).status_code == 401


def test_revoking_the_current_token_needs_a_token(app, client, users, login_as):
    mine = get_token(client, "operator").json
    login_as("operator")
    page = client.get("/items/").get_data(as_text=True)
    csrf = {"X-CSRFToken": re.search(r'name="csrf-token" content="([^"]+)"', page)[1]}
    answer = client.delete("/api/v1/tokens/current", headers=csrf)
    assert answer.status_code == 400 and answer.json["error"]["code"] == "not_a_token"
    # a session may list and revoke its user's tokens by id
    listed = client.get("/api/v1/tokens").json
    assert [t["current"] for t in listed["items"]] == [False]
    answer = client.delete(f"/api/v1/tokens/{mine['id']}", headers=csrf)
    assert answer.json == {"revoked": mine["id"]}


def test_openapi_describes_the_token_calls(app, client):
    from krafte_pwa.web.api import tokens

    ours = set()
    for rule in app.url_map.iter_rules():
        if app.view_functions[rule.endpoint].__module__ == tokens.__name__:
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            ours |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    doc = client.get("/api/v1/openapi.json").json
    documented = {(p, m) for p, ops in doc["paths"].items() if p.startswith("/tokens")
                  for m in ops}
    assert ours == documented
    assert "429" in doc["paths"]["/tokens"]["post"]["responses"]


# Login limits


def test_failed_logins_are_limited_per_account(app, client, users):
    for attempt in range(5):
        name = ("operator", "OPERATOR", " Operator ")[attempt % 3]  # one account, any case
        assert log_in(client, name, "wrong").status_code == 401
    refused = log_in(client, "operator", "operator-password")  # even the right password
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "Too many failed attempts" in refused.get_data(as_text=True)
    assert sessions() == []
    # the API shares the account's counter
    api = get_token(client, "Operator")
    assert api.status_code == 429 and api.json["error"]["code"] == "too_many_attempts"
    assert 1 <= int(api.headers["Retry-After"]) <= 60
    # another account is not affected
    assert log_in(app.test_client(), "manager", "manager-password").status_code == 302


def test_the_limit_message_is_translated(app, client, users):
    app.config["LOGIN_LIMITS_PER_ACCOUNT"] = "1 per minute"
    client.set_cookie("locale", "fr")
    assert log_in(client, "operator", "wrong").status_code == 401
    refused = log_in(client, "operator", "wrong")
    assert refused.status_code == 429
    assert "Trop de tentatives échouées" in refused.get_data(as_text=True)
    api = client.post("/api/v1/tokens", json={"username": "operator", "password": "x"},
                      headers={"Accept-Language": "fr"})
    assert api.status_code == 429 and "Trop de tentatives" in api.json["error"]["message"]


def test_failed_token_requests_count_for_the_login_page(app, client, users):
    for _ in range(3):
        assert get_token(client, "manager", "wrong").status_code == 401
    for _ in range(2):
        assert log_in(client, "manager", "wrong").status_code == 401
    assert log_in(client, "manager", "manager-password").status_code == 429


def test_successful_logins_do_not_count(app, users):
    for _ in range(12):
        assert log_in(app.test_client(), "operator", "operator-password").status_code == 302
        assert get_token(app.test_client(), "operator").status_code == 201
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(RateLimitCounter)).scalar() == 0


def test_failed_logins_are_limited_per_address(app, client, users):
    app.config["LOGIN_LIMITS_PER_ADDRESS"] = "4 per minute"
    for name in ("a1", "a2", "a3", "a4"):  # a different account each time
        assert log_in(client, name, "wrong").status_code == 401
    assert log_in(client, "manager", "manager-password").status_code == 429
    elsewhere = app.test_client()
    answer = elsewhere.post("/login", data={"username": "manager",
                                            "password": "manager-password"},
                            environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert answer.status_code == 302


def test_the_hourly_limit(app, client, users):
    storage = DatabaseStorage()
    # five failures a minute for four minutes: the minute windows end, the hour's does not
    for _ in range(4):
        for _ in range(5):
            assert log_in(client, "operator", "wrong").status_code == 401
        with db.engine.begin() as conn:  # the minute is over
            conn.execute(update(RateLimitCounter)
                         .where(RateLimitCounter.key.like("%/1/minute"))
                         .values(expires_at=time.time() - 1))
    assert storage.get("LIMITER/account:operator/login-account/20/1/hour") == 20
    refused = log_in(client, "operator", "operator-password")
    assert refused.status_code == 429
    assert 60 < int(refused.headers["Retry-After"]) <= 3600


def test_the_database_storage(app):
    storage = DatabaseStorage()
    assert storage.check()
    assert storage.get("k") == 0
    assert storage.incr("k", 60) == 1
    assert storage.incr("k", 60, amount=2) == 3
    assert storage.get("k") == 3
    assert time.time() + 55 < storage.get_expiry("k") <= time.time() + 60
    with db.engine.begin() as conn:  # the window ends
        conn.execute(update(RateLimitCounter).values(expires_at=time.time() - 1))
    assert storage.get("k") == 0
    assert storage.incr("k", 60) == 1  # a new window
    assert storage.incr("other", 60) == 1
    storage.clear("k")
    assert storage.get("k") == 0 and storage.get("other") == 1
    long_key = "x" * 400
    assert storage.incr(long_key, 60) == 1 and storage.get(long_key) == 1
    assert storage.reset() == 2
    assert storage.get("other") == 0


def test_the_database_storage_is_the_default(app):
    from krafte_pwa.extensions import limiter

    assert app.config["RATELIMIT_STORAGE_URI"] == "krafte-db://"

    assert isinstance(limiter._storage, DatabaseStorage)
