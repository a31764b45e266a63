"""Security of the web layer: redirects after login stay on the site, every answer carries
the security headers (a CSP with no inline script or style), HSTS and Secure cookies only
over HTTPS (X-Forwarded-Proto trusted only with KRAFTE_PROXY_HOPS), cookie attributes.
"""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import quote

import pytest

from krafte_pwa.extensions import db
from tests.conftest import make_app

CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
       "img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
       "media-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")

# Each would leave the site: browsers drop tabs and line breaks from a Location, read a
# backslash as a slash, and ignore leading spaces.
EVIL_NEXT = [
    "/\t/evil.com", "/\n/evil.com", "/\r\n/evil.com", "/\\evil.com", "/\\/evil.com",
    "/\t\\evil.com", "//evil.com", "///evil.com", "https://evil.com", "http:/evil.com",
    "javascript:alert(1)", " //evil.com", "/ /evil.com", "/\x00/evil.com",
    "/\u200b/evil.com", "/\u3000/evil.com", "evil.com", "",
]
GOOD_NEXT = ["/items", "/l/LOT-1?tab=moves", "/reports/stock-level?item=WAX&since=2026-01-01"]


def _app(monkeypatch, url, hops=None):
    if hops is None:
        monkeypatch.delenv("KRAFTE_PROXY_HOPS", raising=False)
    else:
        monkeypatch.setenv("KRAFTE_PROXY_HOPS", str(hops))
    app = make_app(url)
    with app.app_context():
        from krafte_pwa.services.users import create_user

        for name, role in (("manager", "manager"), ("operator", "operator")):
            create_user(username=name, password=f"{name}-password", role=role)
    return app


@pytest.fixture
def plain(monkeypatch, sqlite_url):
    """The app as installed by default: no proxy trusted."""
    app = _app(monkeypatch, sqlite_url)
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def proxied(monkeypatch, sqlite_url):
    """The app behind one reverse proxy (KRAFTE_PROXY_HOPS=1)."""
    app = _app(monkeypatch, sqlite_url, hops=1)
    with app.app_context():
        yield app
        db.session.remove()


def cookies(response) -> dict:
    """name -> {attribute (lower case) -> value or True}, from every Set-Cookie."""
    found = {}
    for header in response.headers.getlist("Set-Cookie"):
        first, *rest = [part.strip() for part in header.split(";")]
        name, _, value = first.partition("=")
        attrs = {"value": value}
        for part in rest:
            key, sep, val = part.partition("=")
            attrs[key.lower()] = val if sep else True
        found[name] = attrs
    return found


def login(client, name="manager", remember=False, next_path=None, **kwargs):
    url = "/login" + (f"?next={quote(next_path, safe='')}" if next_path is not None else "")
    data = {"username": name, "password": f"{name}-password"}
    if remember:
        data["remember"] = "y"
    return client.post(url, data=data, **kwargs)


# --- where the browser goes after logging in or choosing a language -----------------------


def assert_stays_on_site(response, target):
    """Home, or, for a NUL byte, the edge guard's 400 (text with NUL is refused anywhere)."""
    if "\x00" in target:
        assert response.status_code == 400
        assert "Location" not in response.headers
        return
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_login_never_sends_the_browser_off_the_site(plain, target):
    response = login(plain.test_client(), next_path=target)
    assert_stays_on_site(response, target)


def test_login_next_as_a_raw_percent_encoded_tab(plain):
    # The form of the report: /login?next=/%09/evil.com
    response = plain.test_client().post("/login?next=/%09/evil.com", data={
        "username": "manager", "password": "manager-password"})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", GOOD_NEXT)
def test_login_goes_on_to_a_page_of_the_site(plain, target):
    response = login(plain.test_client(), next_path=target)
    assert response.headers["Location"] == target


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_language_switch_never_sends_the_browser_off_the_site(plain, target):
    response = plain.test_client().post("/language", data={"locale": "fr", "next": target})
    assert_stays_on_site(response, target)


@pytest.mark.parametrize("target", GOOD_NEXT)
def test_language_switch_comes_back_to_the_page(plain, target):
    response = plain.test_client().post("/language", data={"locale": "fr", "next": target})
    assert response.headers["Location"] == target


# --- headers --------------------------------------------------------------------------------

def assert_security_headers(response, path):
    headers = response.headers
    assert headers.get("Content-Security-Policy") == CSP, path
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers.get("X-Content-Type-Options") == "nosniff", path
    assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", path
    assert headers.get("X-Frame-Options") == "DENY", path
    assert "camera=(self)" in headers.get("Permissions-Policy", ""), path


def test_every_kind_of_answer_carries_the_security_headers(plain):
    client = plain.test_client()
    public = ["/login", "/offline", "/sw.js", "/manifest.webmanifest", "/icons/icon-192.png",
              "/static/css/app.css", "/static/js/app.js", "/api/v1/items", "/no-such-page"]
    for path in public:
        response = client.get(path)
        assert response.status_code in (200, 401, 404), (path, response.status_code)
        response.close()  # static files are streamed
        assert_security_headers(response, path)
        assert "Strict-Transport-Security" not in response.headers, path
    login(client)
    for path in ["/", "/scan", "/receive", "/reports/", "/api/v1/items", "/api/v1/lots/NONE"]:
        response = client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        assert_security_headers(response, path)
    response = client.post("/api/v1/lots/NONE/move", json={})  # an error answer of the API
    assert response.status_code >= 400
    assert_security_headers(response, "POST /api/v1/lots/NONE/move")


def test_https_is_not_forced_on_plain_http(plain):
    response = plain.test_client().get("/login")
    assert response.status_code == 200  # no redirect to https: the workshop LAN is http


def test_hsts_only_on_https_requests(plain):
    client = plain.test_client()
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://krafte.test")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    static = client.get("/static/css/app.css", base_url="https://krafte.test")
    static.close()
    assert "Strict-Transport-Security" in static.headers


def test_forwarded_proto_is_ignored_without_a_configured_proxy(plain):
    client = plain.test_client()
    response = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers
    response = login(client, remember=True, headers={"X-Forwarded-Proto": "https"})
    for name, attrs in cookies(response).items():
        assert "secure" not in attrs, name


def test_forwarded_proto_counts_behind_a_configured_proxy(proxied):
    assert proxied.config["PROXY_HOPS"] == 1
    client = proxied.test_client()
    response = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    response = login(client, remember=True, headers={"X-Forwarded-Proto": "https"})
    found = cookies(response)
    assert {"session", "remember_token"} <= set(found)
    for name, attrs in found.items():
        assert attrs.get("secure") is True, name
    # the same install reached over http on the LAN: no HSTS, no Secure
    response = proxied.test_client().get("/login")
    assert "Strict-Transport-Security" not in response.headers
    response = login(proxied.test_client(), remember=True)
    assert all("secure" not in attrs for attrs in cookies(response).values())


def test_pdf_answers_go_without_csp_for_the_browser_viewer(plain):
    from krafte_pwa.services import locations as location_actions

    location_actions.create_location(code="SHELF", name="Shelf")
    client = plain.test_client()
    login(client)
    response = client.get("/labels/locations/SHELF.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "Content-Security-Policy" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# --- cookies --------------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["http", "https"])
def test_session_and_remember_cookies(plain, scheme):
    client = plain.test_client()
    response = login(client, remember=True, base_url=f"{scheme}://krafte.test")
    assert response.status_code == 302
    found = cookies(response)
    for name in ("session", "remember_token"):
        attrs = found[name]
        assert attrs.get("httponly") is True, name
        assert attrs.get("samesite") == "Lax", name
        assert ("secure" in attrs) == (scheme == "https"), name
    expires = parsedate_to_datetime(found["remember_token"]["expires"])
    left = expires - datetime.now(UTC)
    assert timedelta(days=13) < left <= timedelta(days=14, minutes=1)


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_locale_cookie(plain, scheme):
    response = plain.test_client().post("/language", data={"locale": "fr", "next": "/"},
                                        base_url=f"{scheme}://krafte.test")
    attrs = cookies(response)["locale"]
    assert attrs["value"] == "fr"
    assert attrs.get("httponly") is True
    assert attrs.get("samesite") == "Lax"
    assert ("secure" in attrs) == (scheme == "https")
