"""The dashboard in a real browser: Debian's Chromium, headless, driven by Playwright (no
browser download: `executable_path`). Fixtures: `live_url`, the real app served by werkzeug
on a loopback port, and `page`, which records console errors (a script blocked by the CSP
shows there). Helpers sign in, switch language, run the community's side in another
thread, and take screenshots into test-artifacts/."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.dashboard_builders import PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def live_url(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (dev.py test does "
                    "this when it runs as root)")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        opened = context.new_page()
        errors: list[str] = []
        opened.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        opened.console_errors = errors
        yield opened
        context.close()
        browser.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, live_url: str, email: str, path: str = "/dashboard/overview/") -> None:
    """Opens `path`, signs in on the login page it leads to, and waits to be back."""
    page.set_default_timeout(15_000)
    page.goto(f"{live_url}{path}")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"**{path}")


def language(page, code: str) -> None:
    page.select_option("#language-switch", code)
    page.wait_for_selector(f"html[lang={code}]")


def apart(fn, *args):
    """Runs the community's side in another thread: Playwright's event loop holds this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args).result()
