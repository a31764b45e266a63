"""Settings, users: admins list, create and change users; nobody else may; the shop always
keeps an active admin; a deactivated user is locked out of pages and the API."""

from html import unescape

import pytest
from sqlalchemy import select

from krafte_pwa.errors import Conflict
from krafte_pwa.extensions import db
from krafte_pwa.models import ApiToken, User
from krafte_pwa.services import users as user_service

PAGES = ("/settings/users/", "/settings/users/new", "/settings/users/operator")


def user_table():
    """Every user as stored, password hash included: a refusal must change nothing."""
    db.session.rollback()
    return db.session.execute(
        select(User.id, User.username, User.role, User.active, User.locale, User.password_hash)
        .order_by(User.id)).all()


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def log_in(client, username, password):
    return client.post("/login", data={"username": username, "password": password})


def bearer(client, name):
    response = client.post("/api/v1/tokens",
                           json={"username": name, "password": f"{name}-password"})
    assert response.status_code == 201, response.json
    return {"Authorization": "Bearer " + response.json["token"]}


def test_admin_lists_creates_and_edits_users(app, client, login_as):
    login_as("admin")
    listing = client.get("/settings/users/")
    assert listing.status_code == 200
    page = text(listing)
    for name in ("admin", "manager", "operator"):
        assert f"/settings/users/{name}" in page
    assert "Administrator" in page and "Manager" in page and "Operator" in page
    assert "Active" in page and "Browser language" in page

    assert client.get("/settings/users/new").status_code == 200
    created = client.post("/settings/users/new", data={
        "username": "carla", "password": "carla-secret", "password_again": "carla-secret",
        "role": "manager", "locale": "fr"})
    assert created.status_code == 302 and created.headers["Location"].endswith("/settings/users/")
    assert "User carla created." in text(client.get("/settings/users/"))
    carla = user_service.get_user("carla")
    assert (carla.role, carla.locale, carla.active) == ("manager", "fr", True)

    form = client.get("/settings/users/carla")
    assert form.status_code == 200
    assert 'value="manager" selected' in text(form) and 'value="fr" selected' in text(form)
    saved = client.post("/settings/users/carla", data={
        "role": "operator", "locale": "", "active": "1", "password": "", "password_again": ""})
    assert saved.status_code == 302
    page = text(client.get("/settings/users/"))
    assert "User carla saved." in page
    db.session.rollback()
    carla = user_service.get_user("carla")
    assert (carla.role, carla.locale, carla.active) == ("operator", None, True)

    other = app.test_client()
    assert log_in(other, "carla", "carla-secret").status_code == 302  # the password kept
    assert client.get("/settings/users/nobody").status_code == 404


@pytest.mark.parametrize("name", ["manager", "operator"])
def test_only_admins_reach_the_users_pages(app, client, login_as, name):
    login_as(name)
    before = user_table()
    for path in PAGES:
        assert client.get(path).status_code == 403, path
    assert client.post("/settings/users/new", data={
        "username": "intruder", "password": "12345678", "password_again": "12345678",
        "role": "admin"}).status_code == 403
    assert client.post("/settings/users/operator", data={
        "role": "admin", "active": "1"}).status_code == 403
    assert client.post(f"/settings/users/{name}", data={
        "role": "admin", "active": "1"}).status_code == 403
    assert user_table() == before
    anonymous = app.test_client()
    for path in PAGES:
        assert anonymous.get(path).status_code == 302, path


@pytest.mark.parametrize("data, message", [
    ({"username": "MANAGER"}, "user 'MANAGER' exists already"),
    ({"password": "short", "password_again": "short"},
     "password must have at least 8 characters"),
    ({"password_again": "something-else"}, "The two passwords are not the same."),
    ({"role": "superuser"}, "role must be one of admin, manager, operator"),
    ({"username": "  "}, "username is required"),
    ({"locale": "de"}, "locale must be en or fr"),
])
def test_bad_new_user_is_refused_and_changes_nothing(client, login_as, data, message):
    login_as("admin")
    before = user_table()
    form = {"username": "dora", "password": "dora-secret", "password_again": "dora-secret",
            "role": "operator", "locale": ""} | data
    response = client.post("/settings/users/new", data=form)
    assert response.status_code == 400
    page = text(response)
    assert message in page and 'class="flash error"' in page
    assert user_table() == before


@pytest.mark.parametrize("data, message", [
    ({"password": "short", "password_again": "short"},
     "password must have at least 8 characters"),
    ({"password": "long-enough-1", "password_again": "long-enough-2"},
     "The two passwords are not the same."),
    ({"password": "", "password_again": "long-enough-2"}, "The two passwords are not the same."),
    ({"role": "superuser"}, "role must be one of admin, manager, operator"),
    ({"locale": "de"}, "locale must be en or fr"),
])
def test_bad_user_change_is_refused_and_changes_nothing(client, login_as, data, message):
    login_as("admin")
    before = user_table()
    form = {"role": "manager", "active": "", "locale": "fr"} | data  # would deactivate too
    response = client.post("/settings/users/operator", data=form)
    assert response.status_code == 400
    assert message in text(response)
    assert user_table() == before


def test_the_last_active_admin_stays(app, client, login_as):
    login_as("admin")
    before = user_table()
    for form in ({"role": "manager", "active": "1"}, {"role": "admin", "active": ""},
                 {"role": "operator", "active": ""}):
        response = client.post("/settings/users/admin", data=form)
        assert response.status_code == 400, form
        assert "you are the last active admin" in text(response)
        assert user_table() == before
    with pytest.raises(Conflict, match="'admin' is the last active admin"):
        user_service.update_user(username="admin", active=False)
    with pytest.raises(Conflict, match="last active admin"):
        user_service.update_user(username="admin", role="operator")
    assert user_table() == before

    # An inactive admin does not count.
    user_service.create_user(username="admin2", password="admin2-password", role="admin")
    user_service.update_user(username="admin2", active=False)
    with pytest.raises(Conflict, match="last active admin"):
        user_service.update_user(username="admin", role="manager", acting_user_id=None)

    # With a second active admin, one may step down, and the other may not follow.
    assert client.post("/settings/users/manager",
                       data={"role": "admin", "active": "1"}).status_code == 302
    assert client.post("/settings/users/admin",
                       data={"role": "manager", "active": "1"}).status_code == 302
    assert client.get("/settings/users/").status_code == 403  # no longer an admin
    other = app.test_client()
    assert log_in(other, "manager", "manager-password").status_code == 302
    refused = other.post("/settings/users/manager", data={"role": "operator", "active": "1"})
    assert refused.status_code == 400 and "you are the last active admin" in text(refused)


def test_a_deactivated_user_is_locked_out(app, client, login_as):
    api = app.test_client()  # no session cookie: the bearer token is what counts
    token = bearer(api, "operator")
    assert api.get("/api/v1/items", headers=token).status_code == 200
    floor = app.test_client()
    assert log_in(floor, "operator", "operator-password").status_code == 302
    assert floor.get("/items/").status_code == 200

    login_as("admin")
    response = client.post("/settings/users/operator",
                           data={"role": "operator", "locale": ""})  # "active" unticked
    assert response.status_code == 302
    assert "Inactive" in text(client.get("/settings/users/"))

    assert api.get("/api/v1/items", headers=token).status_code == 401
    assert floor.get("/items/").status_code == 302  # the open session has ended
    assert log_in(app.test_client(), "operator", "operator-password").status_code == 401
    assert api.post("/api/v1/tokens", json={"username": "operator",
                                            "password": "operator-password"}).status_code == 401
    operator_id = user_service.get_user("operator").id
    assert db.session.execute(
        select(ApiToken).where(ApiToken.user_id == operator_id)).first() is None

    # Back to active: a fresh login works; the old token stays revoked.
    assert client.post("/settings/users/operator",
                       data={"role": "operator", "active": "1"}).status_code == 302
    assert api.get("/api/v1/items", headers=token).status_code == 401
    assert log_in(app.test_client(), "operator", "operator-password").status_code == 302


def test_a_changed_password_replaces_the_old_one(app, client, login_as):
    api = app.test_client()
    token = bearer(api, "operator")
    floor = app.test_client()
    assert log_in(floor, "operator", "operator-password").status_code == 302
    login_as("admin")
    response = client.post("/settings/users/operator", data={
        "role": "operator", "active": "1", "locale": "",
        "password": "fresh-password", "password_again": "fresh-password"})
    assert response.status_code == 302
    assert log_in(app.test_client(), "operator", "operator-password").status_code == 401
    assert log_in(app.test_client(), "operator", "fresh-password").status_code == 302
    assert client.get("/settings/users/").status_code == 200  # the admin is still in
    # whoever knew the old password is out: the open session and the API token
    assert floor.get("/items/").status_code == 302
    assert api.get("/api/v1/items", headers=token).status_code == 401
    # an admin changing their own password stays logged in here, and only here
    other = app.test_client()
    assert log_in(other, "admin", "admin-password").status_code == 302
    assert client.post("/settings/users/admin", data={
        "role": "admin", "active": "1", "locale": "",
        "password": "admin-fresh-pw", "password_again": "admin-fresh-pw"}).status_code == 302
    assert client.get("/settings/users/").status_code == 200
    assert other.get("/settings/users/").status_code == 302
