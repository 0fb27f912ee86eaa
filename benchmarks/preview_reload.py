"""Save → browser reloaded: how long a contributor waits to see a saved topic page.

Copies the real site in this repository to a temporary folder, starts
``site-builder serve`` on it, opens a topic page in Debian's Chromium (Playwright) and
saves the page ~20 times, each time with a new marker line. Each figure is the time
from the save to the reloaded page's load event (read from the browser's clock), checked
to show the marker.
Prints the median and the 95th percentile (target, issue 16: median at most 150 ms).

    .venv/bin/python benchmarks/preview_reload.py [--saves 20] [--page topics/route.md]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from served import serving  # noqa: E402

INPUTS = ("content", "seeds", "templates", "static")
WARM_UP = 2  # the first saves warm caches in the server and the browser; not counted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=20, help="measured saves (default 20)")
    parser.add_argument("--page", default="topics/route.md", help="the page to edit, below content/pages/")
    parser.add_argument("--target", type=float, default=150, help="median to meet, in ms (exit 1 above it)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="preview-bench-") as folder:
        root = Path(folder) / "site"
        for name in INPUTS:
            shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        if (REPO / ".cache").is_dir():  # a contributor's chart cache is warm; copying it spares the start-up
            shutil.copytree(REPO / ".cache", root / ".cache")
        source = root / "content" / "pages" / args.page
        url = "/" + re.sub(r"(index)?\.md$", "", args.page).rstrip("/") + "/"
        original = source.read_text("utf-8")
        with serving(root, Path(folder) / "serve.log") as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            tab = browser.new_page()
            tab.goto(server.base + url)
            times, phases = [], []
            for n in range(WARM_UP + args.saves):
                tab.wait_for_function("() => window.LiveReload && window.LiveReload.connector.protocol >= 7")
                time.sleep(0.3)  # a contributor reads before saving again
                marker = f"benchmark-marker-{n}"
                saved = time.time()
                source.write_text(f"{original}\n{marker}\n", "utf-8")
                tab.get_by_text(marker).wait_for(timeout=30_000)
                tab.wait_for_load_state("load")
                # The browser's own clock (epoch ms, same machine): Playwright noticing the
                # marker adds its own delay, which is not the contributor's wait.
                navigated, loaded = tab.evaluate("[performance.timeOrigin, performance.timing.loadEventEnd]")
                if n >= WARM_UP:
                    times.append(loaded - saved * 1000)
                    phases.append((navigated - saved * 1000, loaded - navigated))
            browser.close()
            builds = [float(s) * 1000 for s in re.findall(r"rebuilt in ([\d.]+) s", server.log())[WARM_UP:]]
    times.sort()
    median, p95 = statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"save → reloaded, {args.page}, {len(times)} saves: median {median:.0f} ms, p95 {p95:.0f} ms "
          f"(min {times[0]:.0f}, max {times[-1]:.0f})")
    print(f"  of which: save → reload starts (event, rebuild, message) median "
          f"{statistics.median(p[0] for p in phases):.0f} ms, rebuild alone {statistics.median(builds):.0f} ms; "
          f"reload → page loaded median {statistics.median(p[1] for p in phases):.0f} ms")
    return 0 if median <= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
