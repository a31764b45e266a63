"""Browser tests: the app served on 127.0.0.1 from a thread, Debian's Chromium driven by
Playwright. SQLite only (a file, so the server thread and the test see the same data).

Fixtures: `live` (the server: url, app, a `db()` context for checks), `shop` (a fresh
candle workshop per test), `browser` (one Chromium per session), `new_page(...)` (a
context at a viewport and language, logged in), `launch(...)` for a browser with other
flags (fake camera) or a persistent profile (installability).
"""

import os
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from krafte_pwa.extensions import db
from krafte_pwa.services import items as item_actions
from tests.conftest import make_app, reset_database

CHROMIUM = os.environ.get("KRAFTE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-dev-shm-usage"]
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1180, "height": 820}
SCREENSHOTS = Path(__file__).parent / "screenshots"
GTIN_BEESWAX = "4006381333931"
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


class Live:
    def __init__(self, app, url):
        self.app, self.url = app, url

    @contextmanager
    def db(self):
        """An app context of its own, for checks from the test thread."""
        with self.app.app_context():
            try:
                yield db.session
            finally:
                db.session.remove()


@pytest.fixture(scope="session")
def live(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    path = tmp_path_factory.mktemp("browser") / "krafte.db"
    app = make_app(f"sqlite:///{path}")
    app.config.update(WTF_CSRF_ENABLED=True, TESTING=False)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Live(app, url)
    server.shutdown()
    thread.join(5)
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture
def shop(live):
    """A candle workshop, fresh for each test: users admin / manager / operator; STORE and
    SHELF; wax in three lots (the 8 kg one expires first), fragrance oil, wicks, jars; a
    candle recipe; beeswax with a GTIN and no stock (for receiving)."""
    from krafte_pwa.services.users import create_user
    from tests.production_factories import candle_batch_workshop

    with live.db():
        reset_database()
        for name, role in (("admin", "admin"), ("manager", "manager"),
                           ("operator", "operator")):
            create_user(username=name, password=f"{name}-password", role=role)
        lots = candle_batch_workshop()
        item_actions.create_item(sku="WAX-BEE", name="Beeswax pastilles", kind="material",
                            unit="g", gtin=GTIN_BEESWAX, shelf_life_days=700)
    return lots


@pytest.fixture(scope="session")
def playwright_driver():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver):
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield browser
    browser.close()


@pytest.fixture
def launch(playwright_driver, tmp_path):
    """A browser of its own: extra flags, or a persistent profile (user_data_dir)."""
    opened = []

    def start(*, extra_args=(), persistent=False, **context_options):
        args = ARGS + list(extra_args)
        if persistent:
            context = playwright_driver.chromium.launch_persistent_context(
                str(tmp_path / "profile"), executable_path=CHROMIUM, args=args,
                **context_options)
            opened.append(context)
            context.set_default_timeout(TIMEOUT_MS)
            return context
        browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=args)
        opened.append(browser)
        return browser

    yield start
    for thing in reversed(opened):
        thing.close()


def login(page, base_url: str, username: str, next_path: str = "/"):
    page.goto(f"{base_url}/login?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"{username}-password")
    with page.expect_navigation():
        page.click("form.stack button[type=submit]")
    return page


def use_language(page, base_url: str, locale: str):
    """The user's own choice (the footer's EN / FR buttons)."""
    with page.expect_navigation():
        page.click(f"footer .lang button[value={locale}]")


@pytest.fixture
def new_page(browser, live):
    """new_page(user, viewport=PHONE, locale="en", service_workers="block") -> Page."""
    contexts = []

    def make(user="operator", *, viewport=PHONE, locale="en", service_workers="block",
             next_path="/", **options):
        context = browser.new_context(base_url=live.url, viewport=viewport, locale=locale,
                                      service_workers=service_workers, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        if user:
            login(page, live.url, user, next_path)
        return page

    yield make
    for context in contexts:
        context.close()


WAIT_FOR_WORKER = """async () => {
  const timeout = new Promise((_, fail) => setTimeout(() => fail(new Error("no worker")), 15000));
  const reg = await Promise.race([navigator.serviceWorker.ready, timeout]);
  const worker = reg.active;
  if (worker.state !== "activated") {
    await Promise.race([timeout, new Promise((done) => worker.addEventListener("statechange",
      () => worker.state === "activated" && done()))]);
  }
  return {state: worker.state, controlled: !!navigator.serviceWorker.controller};
}"""


def wait_for_worker(page) -> str:
    """`ready` can resolve while the worker is still activating: wait for 'activated'.
    A page whose navigation began before the worker was active stays uncontrolled
    (clients.claim() only takes the clients that existed): then reload it."""
    status = page.evaluate(WAIT_FOR_WORKER)
    if not status["controlled"]:
        page.reload()
        status = page.evaluate(WAIT_FOR_WORKER)
        assert status["controlled"], status
    return status["state"]


def wait_for_cached(page, path: str):
    """Wait until the service worker has kept `path` for offline reading."""
    page.wait_for_function(
        """async (path) => {
          const cache = await caches.open("krafte-pages");
          return !!(await cache.match(new URL(path, location.origin).href, {ignoreVary: true}));
        }""", arg=path, polling=100)
