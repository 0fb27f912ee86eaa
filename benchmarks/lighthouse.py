"""Lighthouse scores of the built site, mobile settings, served over http on 127.0.0.1.

    make lighthouse            # installs npm lighthouse into .cache/, builds, prints scores
    .venv/bin/python benchmarks/lighthouse.py [--site public]

Builds the site in this repository into a temporary folder (unless ``--site`` names a
built one), serves it, and runs Lighthouse (CHROME_PATH=/usr/bin/chromium) on the home
page, a topic page with charts, an article, a chart's own page and the search page. JSON reports go to
benchmarks/results/. Target: 100 in every category.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LIGHTHOUSE = REPO / ".cache" / "npm-lighthouse" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update --disable-sync"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def pages(site: Path) -> dict[str, str]:
    """The five page kinds, picked from the built output."""
    topics = sorted(p for p in site.glob("topics/*/index.html") if 'class="chart"' in p.read_text("utf-8"))
    articles = sorted(site.glob("articles/*/index.html"))
    as_url = lambda p: "/" + p.parent.relative_to(site).as_posix() + "/"
    charts = sorted(p for p in site.glob("charts/*/index.html") if p.parent.name != "embed")
    return {"home": "/", "topic with charts": as_url(topics[0]), "article": as_url(articles[0]),
            "chart": as_url(charts[0]), "search": "/search/?q=Dari%C3%A9n"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, help="an already built site folder (default: build one)")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        print(f"lighthouse is missing: run `make lighthouse` (installs it into {LIGHTHOUSE.parent.parent.parent})")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            sys.path.insert(0, str(REPO))
            from site_builder.build import build
            site = Path(tmp) / "public"
            print(build(REPO, out=site, strict=True).summary())
        handler = functools.partial(_QuietHandler, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        results = REPO / "benchmarks" / "results"
        results.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
        print(f"{'page':<20} " + " ".join(f"{c:>15}" for c in CATEGORIES))
        try:
            for name, path in pages(site).items():
                report = results / f"lighthouse-{name.replace(' ', '-')}.json"
                subprocess.run([str(LIGHTHOUSE), base + path, "--quiet", "--output=json", f"--output-path={report}",
                                f"--only-categories={','.join(CATEGORIES)}", "--form-factor=mobile",
                                f"--chrome-flags={CHROME_FLAGS}"], env=env, check=True)
                data = json.loads(report.read_text("utf-8"))
                scores = [data["categories"][c]["score"] for c in CATEGORIES]
                print(f"{name:<20} " + " ".join(f"{round(s * 100) if s is not None else '-':>15}" for s in scores))
                for category in CATEGORIES:
                    for ref in data["categories"][category]["auditRefs"]:
                        audit = data["audits"][ref["id"]]
                        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                            print(f"    {category}: {audit['id']} ({audit['score']}) {audit['title']}")
        finally:
            server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
