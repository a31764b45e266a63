"""First run: `flask --app krafte_pwa init` (a real command, on an empty database) makes the
installation and its first admin; then the first login page, the first home page and the
first admin's first form (a user for the team), at phone (390×844) and tablet (1024×768)
size, in English and French, with no script error. The login checkbox is a 28 px box on
the line of its text."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from krafte_pwa import create_app
from krafte_pwa.extensions import db
from tests.browser.conftest import SCREENSHOTS, TIMEOUT_MS
from tests.browser.test_floor_matrix import BROWSER_LOCALE, MATRIX, SIZES

ADMIN, PASSWORD = "owner", "first-run-secret-9"
SECRET = "first-run-test-secret"
WORDS = {
    "en": {"title": "Log in", "remember": "Stay logged in on this device",
           "username": "Username", "hello": f"Hello, {ADMIN}", "who": f"{ADMIN} · admin",
           "receive": "Receive goods", "new_user": "New user", "create": "Create",
           "created": "User {} created."},
    "fr": {"title": "Se connecter", "remember": "Rester connecté sur cet appareil",
           "username": "Identifiant", "hello": f"Bonjour, {ADMIN}",
           "who": f"{ADMIN} · administrateur", "receive": "Réception de marchandises",
           "new_user": "Nouvel utilisateur", "create": "Créer", "created": "Utilisateur {} créé."},
}


def flask_init(url: str) -> str:
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET)
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "krafte_pwa", "init", "--username", ADMIN,
         "--password", PASSWORD], env=env, capture_output=True, text=True, timeout=120,
        cwd=Path(__file__).parents[2])
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def first_run(tmp_path_factory, live):  # live: skips when there is no Chromium
    """The freshly initialised installation, served over HTTP: its address."""
    url = "sqlite:///" + str(tmp_path_factory.mktemp("first-run") / "krafte.db")
    assert f"admin {ADMIN} created" in flask_init(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def check_login_page(page, size, lang, words):
    expect(page.locator("h1")).to_have_text(words["title"])
    assert page.evaluate("document.documentElement.lang") == lang
    expect(page.locator("form.stack label").first).to_contain_text(words["username"])
    label = page.locator("label.check")
    expect(label).to_have_text(words["remember"])
    box = label.locator("input[name=remember]").bounding_box()
    line = label.bounding_box()
    assert abs(box["height"] - 28) < 1 and abs(box["width"] - 28) < 1, box
    # The box sits in the middle of its line, at the start of the label.
    assert abs((box["y"] + box["height"] / 2) - (line["y"] + line["height"] / 2)) < 3
    assert box["x"] - line["x"] < 2
    width = SIZES[size]["width"]
    submit = page.locator("form.stack button[type=submit]").bounding_box()
    assert submit["x"] + submit["width"] <= width and submit["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def add_a_user(page, size, lang, words, username):
    """The first admin's first form: a user for the team."""
    page.goto("/settings/users/new")
    expect(page.locator("h1")).to_have_text(words["new_user"])
    form = page.locator("main form.stack")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill("team-password-9")
    form.locator("input[name=password_again]").fill("team-password-9")
    assert form.locator("select[name=role]").input_value() == "operator"
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    page.screenshot(path=str(SCREENSHOTS / f"first-user-{size}-{lang}.png"),
                    full_page=True)
    with page.expect_navigation():
        form.get_by_role("button", name=words["create"], exact=True).click()
    expect(page.locator(".flash.success")).to_have_text(words["created"].format(username))
    expect(page.locator(f"main .list a[href$='/{username}'] strong")).to_have_text(username)


@pytest.mark.parametrize("size, lang", MATRIX)
def test_first_login_and_home_page(first_run, browser, size, lang):
    words = WORDS[lang]
    context = browser.new_context(base_url=first_run, viewport=SIZES[size],
                                  locale=BROWSER_LOCALE[lang], service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto("/")
        assert "/login" in page.url  # nobody is logged in yet
        check_login_page(page, size, lang, words)
        page.screenshot(path=str(SCREENSHOTS / f"first-login-{size}-{lang}.png"),
                        full_page=True)
        page.fill("input[name=username]", ADMIN)
        page.fill("input[name=password]", PASSWORD)
        page.locator("label.check").click()  # the whole line ticks the box
        assert page.locator("input[name=remember]").is_checked()
        with page.expect_navigation():
            page.locator("form.stack button[type=submit]").click()
        expect(page.locator("h1")).to_have_text(words["hello"])
        expect(page.locator("footer .who")).to_have_text(words["who"])
        expect(page.locator(".tile.main")).to_have_text(words["receive"])
        assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
        page.screenshot(path=str(SCREENSHOTS / f"first-home-{size}-{lang}.png"),
                        full_page=True)
        add_a_user(page, size, lang, words, f"op-{size}-{lang}")
        assert errors == []
    finally:
        context.close()
