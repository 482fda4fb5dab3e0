"""Browser tests: the portal served on 127.0.0.1 from the test process, and
Debian's chromium driven by playwright (no browser download).

``make test`` installs what they need (target ``browser-deps``): the
``chromium`` package when /usr/bin/chromium is missing, and axe-core from
the npm registry into var/axe. Screenshots and axe reports go to
test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE_JS = ROOT / "var" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"


def _ensure_chromium() -> None:
    """Install Debian's chromium when missing (as `make browser-deps` does)."""
    if os.access(CHROMIUM, os.X_OK):
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` (installs Debian's chromium)")


def _ensure_axe() -> None:
    if not AXE_JS.exists():
        subprocess.run(
            ["make", "-C", str(ROOT), "var/axe/node_modules/axe-core/axe.min.js"], check=True
        )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    _ensure_chromium()
    _ensure_axe()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server(request, ckan_config):
    """The portal (CKAN's test app, with the test's plugins and data) served
    over HTTP on a free port; yields its base URL."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    ckan_config["ckan.site_url"] = base_url
    app = request.getfixturevalue("app")
    server = make_server("127.0.0.1", port, app.app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    yield page
    context.close()


def save_screenshot(page, name: str) -> Path:
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def run_axe(page, name: str) -> list[dict]:
    """Run axe-core on the page; save the full report; return the violations."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    path = ARTIFACTS / "axe" / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result["violations"], indent=2, ensure_ascii=False))
    return result["violations"]
