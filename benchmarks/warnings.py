"""What each warning costs: ``python -m benchmarks.warnings`` (``make bench-warnings``).

Builds sites of 100 pages whose bodies hold 10, 40 and 160 broken links each (1,000,
4,000 and 16,000 warnings, each located at its file and line) and prints the build's
time beside the same pages without broken links. The extra time divided by the
number of warnings should stay flat as the count grows: each broken link is found in
its page by a pattern compiled once per address, and the templates are searched once
per build (see ``site_builder.links``), not once per warning.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PAGES = 100
CONFIG = 'title = "Warnings"\nbase_url = "https://bench.example.org"\nsearch = false\n\n[sections.notes]\ntitle = "Notes"\n'


def write_site(root: Path, links_per_page: int) -> Path:
    shutil.rmtree(root, ignore_errors=True)
    for name in ("templates", "static"):
        shutil.copytree(REPO / name, root / name)
    (root / "content" / "pages" / "notes").mkdir(parents=True)
    (root / "content" / "site.toml").write_text(CONFIG, "utf-8")
    for page in range(PAGES):
        links = "\n".join(f"- See [note {page}-{n}](/missing/{page}/{n}/)." for n in range(links_per_page))
        (root / "content" / "pages" / "notes" / f"note-{page:03d}.md").write_text(
            f"---\ntitle: Note {page}\nsummary: A note.\n---\n\nSome text.\n\n{links}\n", "utf-8")
    return root


def seconds(root: Path) -> float:
    shutil.rmtree(root / "public", ignore_errors=True)
    shutil.rmtree(root / ".cache", ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "site_builder", "build"], cwd=root, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={"TZ": "UTC", "PATH": "/usr/bin:/bin"})
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.warnings", description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/site-builder-warnings"), help="where the sites are written")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the fastest is reported (default 3)")
    args = parser.parse_args(argv)
    base = min(seconds(write_site(args.work / "none", 0)) for _ in range(args.runs))
    print(f"{'warnings':>9} {'build s':>8} {'extra s':>8} {'ms per warning':>15}")
    print(f"{0:>9} {base:>8.2f}")
    for links in (10, 40, 160):
        root = write_site(args.work / f"links-{links}", links)
        took = min(seconds(root) for _ in range(args.runs))
        count = PAGES * links
        print(f"{count:>9} {took:>8.2f} {took - base:>8.2f} {(took - base) / count * 1000:>15.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
