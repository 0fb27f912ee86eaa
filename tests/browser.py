"""Shared browser helpers: Debian's Chromium driven by Playwright, and a static server.

Browser tests are marked ``browser``. When the environment variable ``CI`` is set they
must run: a missing browser is a failure there, never a skip.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def require_chromium() -> None:
    """Skip locally without Chromium; fail in CI."""
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return
    message = "Chromium is missing: apt-get install -y chromium (make test installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


_shared: dict = {}


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the run. Each test module that imports this fixture gets its own
    session fixture, and Playwright's sync API cannot be started twice: so they share one."""
    require_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("playwright is not installed")
    if not _shared:
        playwright = sync_playwright().start()
        _shared.update(playwright=playwright, users=0,
                       browser=playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS))
    _shared["users"] += 1
    yield _shared["browser"]
    _shared["users"] -= 1
    if not _shared["users"]:
        _shared["browser"].close()
        _shared["playwright"].stop()
        _shared.clear()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve_folder(folder: Path, handler_class: type = QuietHandler):
    """Serve ``folder`` on 127.0.0.1 (a free port) and yield the base URL."""
    handler = functools.partial(handler_class, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
