"""A live portal and Debian's Chromium, driven by Playwright. Skipped when Chromium is absent."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from portal import create_app
from portal.content.files import read_content
from portal.extensions import db
from portal.services.content_loader import load_content
from portal.services.demo import seed_demo
from portal.services.matching import build_index
from tests.browser.helpers import submit
from tests.browser.people import ADMIN_EMAIL, ADMIN_TOTP_SECRET, PASSWORD, add_people_and_listings

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
STATIC_BUILD = Path(__file__).resolve().parents[2] / "static" / "build" / "app.css"

pytestmark = pytest.mark.browser
# A step that waits longer than this is a failure with a message, not a hung run.
BROWSER_TIMEOUT_MS = 20_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip browser tests, saying why, when Chromium or the compiled styles are missing."""
    reason = None
    if not CHROMIUM:
        reason = "Chromium is not installed (.ci/run installs it)"
    elif not STATIC_BUILD.exists():
        reason = "styles are not compiled (make test compiles them)"
    if reason:
        for item in items:
            if "tests/browser" in str(item.fspath):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The portal served over HTTP on a free local port, with all content loaded."""
    database = tmp_path_factory.mktemp("browser") / "portal.sqlite3"
    app = create_app(
        {
            "PORTAL_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        }
    )
    with app.app_context():
        upgrade()
        load_content(read_content(app.config["CONTENT_DIR"]))
        build_index(app.extensions["content_reference"].abbreviations)
        seed_demo(seed=1, opportunities=300)
        add_people_and_listings()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One headless Chromium for the whole run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_page(browser) -> Iterator:
    """A fresh tab with JavaScript on."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    yield context.new_page()
    context.close()


@pytest.fixture
def no_js_page(browser) -> Iterator:
    """A fresh tab with JavaScript off."""
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    yield context.new_page()
    context.close()


def _give_a_fresh_code(page) -> None:
    """Enter the app's code; a code is taken once, so if this one was just used, wait for the next."""
    totp = pyotp.TOTP(ADMIN_TOTP_SECRET)
    for _ in range(2):
        page.fill("input[name=code]", totp.now())
        submit(page, "button:has-text('Sign in')")
        if "/admin/sign-in" not in page.url:
            return
        time.sleep(totp.interval - time.time() % totp.interval + 1)
    raise AssertionError("the administrator's second factor was refused twice")


@pytest.fixture(scope="session")
def admin_tab(live_server, browser) -> Iterator:
    """A tab signed in as an administrator, second factor given: once for the whole run."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    page = context.new_page()
    page.goto(live_server + "/admin/sign-in")
    page.fill("input[name=email]", ADMIN_EMAIL)
    page.fill("input[name=password]", PASSWORD)
    submit(page, "button:has-text('Continue')")
    _give_a_fresh_code(page)
    yield page
    context.close()
