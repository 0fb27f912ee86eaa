"""Live reload in a real browser against a running ``site-builder serve``."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import browser  # noqa: F401 - fixture
from conftest import make_site, page
from served import serving, wait_until

pytestmark = pytest.mark.browser

TOPIC = "content/pages/topics/alpha.md"
RELOAD_TIMEOUT = 15_000  # ms; generous for a loaded CI machine, the benchmark measures speed


@pytest.fixture
def served(tmp_path):
    root = make_site(tmp_path / "site", {TOPIC: page("Alpha", "First words.", order=1)})
    with serving(root, tmp_path / "serve.log") as server:
        yield server


@pytest.fixture
def live(browser, served):
    """A browser tab on the topic page, connected to the live-reload socket. Every page
    it loads reports its main text to ``tab.loads``."""
    context = browser.new_context()
    tab = context.new_page()
    tab.loads = loads = []
    tab.expose_function("reportLoad", lambda text: loads.append(text))
    tab.add_init_script("addEventListener('DOMContentLoaded', () => reportLoad(document.body.innerText))")
    open_live(tab, served.base + "/topics/alpha/")
    yield tab
    context.close()


def open_live(tab, url: str) -> None:
    tab.goto(url)
    tab.wait_for_function("() => window.LiveReload && window.LiveReload.connector.protocol >= 7")


def test_edited_topic_page_appears_without_a_manual_reload(live, served):
    served.write(TOPIC, page("Alpha", "Freshly saved words.", order=1))
    live.get_by_text("Freshly saved words.").wait_for(timeout=RELOAD_TIMEOUT)


def test_two_saves_300_ms_apart_both_show(live, served):
    served.write(TOPIC, page("Alpha", "Save number one.", order=1))
    live.wait_for_timeout(300)
    served.write(TOPIC, page("Alpha", "Save number two.", order=1))
    live.get_by_text("Save number two.").wait_for(timeout=RELOAD_TIMEOUT)
    shown = [i for i, text in enumerate(live.loads) if "Save number one." in text]
    assert shown and shown[0] < len(live.loads) - 1, live.loads  # the first save showed before the second


def test_broken_front_matter_shows_file_and_line_then_the_page_returns(live, served):
    served.write(TOPIC, "---\ntitle: Alpha\nsummary: [never closed\norder: 1\n---\nText.\n")
    live.get_by_role("heading", name="Build failed").wait_for(timeout=RELOAD_TIMEOUT)
    problem = live.locator("li code").first.inner_text()
    assert problem.startswith(f"{TOPIC}:") and problem.split(":")[1].isdigit(), problem
    line = int(problem.split(":")[1])
    assert live.locator("pre .bad .n").inner_text() == str(line)  # the offending line, highlighted
    assert "summary: [never closed" in live.locator("pre").first.inner_text()
    assert f"{TOPIC}:{line}:" in served.log()  # the terminal says the same
    served.write(TOPIC, page("Alpha", "Mended.", order=1))
    live.get_by_text("Mended.").wait_for(timeout=RELOAD_TIMEOUT)
    assert served.process.poll() is None


def test_stylesheet_edit_applies_without_reloading_the_page(live, served):
    live.evaluate("window.notReloaded = true")
    stylesheet = served.root / "static/style.css"
    stylesheet.write_text(stylesheet.read_text("utf-8") + "\nbody { outline: 3px solid rgb(1, 2, 3); }\n", "utf-8")
    live.wait_for_function("() => getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'",
                           timeout=RELOAD_TIMEOUT)
    assert live.evaluate("window.notReloaded") is True
    assert len(live.loads) == 1


def test_server_listens_on_loopback_only(live, served):
    assert live.title().startswith("Alpha")
    listening = _listening_addresses(served.port)
    assert listening and set(listening) == {"127.0.0.1"}, listening


def _listening_addresses(port: int) -> list[str]:
    """Local addresses listening on ``port``, from the kernel's socket tables (Linux)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        for row in path.read_text().splitlines()[1:] if path.exists() else []:
            local, state = row.split()[1], row.split()[3]
            address, local_port = local.split(":")
            if state == "0A" and int(local_port, 16) == port:
                found.append(_address(address))
    return found


def _address(hex_address: str) -> str:
    if len(hex_address) == 8:  # IPv4, little-endian
        return ".".join(str(int(hex_address[i:i + 2], 16)) for i in (6, 4, 2, 0))
    return hex_address  # IPv6: anything here is already wrong for a loopback-only server
