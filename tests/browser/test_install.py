"""The installable app: manifest, icons, service worker, versioned caches, update prompt."""

import json

from tests.browser.conftest import login, wait_for_worker


def test_app_is_installable_and_the_manifest_has_no_errors(live, shop, launch):
    context = launch(persistent=True, base_url=live.url, viewport={"width": 390, "height": 844})
    page = context.pages[0] if context.pages else context.new_page()
    login(page, live.url, "operator")
    assert wait_for_worker(page) == "activated"
    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"].endswith("/manifest.webmanifest")
    assert manifest["errors"] == []
    data = json.loads(manifest["data"])
    assert data["display"] == "standalone" and data["scope"] == "/"
    assert {s["url"] for s in data["shortcuts"]} == {"/scan", "/receive"}
    sizes = {(i["sizes"], i["purpose"]) for i in data["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == [], errors


def test_a_new_version_prompts_and_replaces_the_old_cache(live, shop, launch):
    context = launch(persistent=True, base_url=live.url)
    page = context.pages[0] if context.pages else context.new_page()
    login(page, live.url, "operator")
    wait_for_worker(page)
    keys = page.evaluate("caches.keys()")
    old = [k for k in keys if k.startswith("krafte-shell-")]
    assert len(old) == 1
    try:
        live.app.config["PWA_VERSION"] = "next-version"
        page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
        bar = page.locator("[data-update]")
        bar.wait_for(state="visible")
        with page.expect_navigation():
            bar.get_by_role("button").click()
        wait_for_worker(page)
        page.wait_for_function(
            """async (old) => !(await caches.keys()).includes(old)""", arg=old[0])
        keys = page.evaluate("caches.keys()")
        assert "krafte-shell-next-version" in keys and old[0] not in keys
        assert page.locator("[data-update]").is_hidden()
    finally:
        live.app.config.pop("PWA_VERSION", None)
