"""Time this engine on the synthetic corpus: ``python -m benchmarks.run`` (``make bench``).

For each N it measures, as a separate ``site-builder build`` process each time (so
interpreter start-up and imports count, as they do for a contributor):

- clean: no output folder, no cache (charts rendered by vl-convert, every page rendered);
- warm: the same build again, nothing changed (cache and previous output kept);
- touch: one article's body edited, then built;
- peak memory: the largest resident set of the build or any of its workers.

Each figure is the median of ``--runs`` runs. The machine is shared, so medians, not
minimums. Results go to ``benchmarks/results/<time>.json`` and print as a table;
``--peers`` adds Hugo, MkDocs and Pelican on the same corpus (see ``benchmarks.peers``).
Like the peers' sites, our corpus has no search page unless ``--search`` gives it one
(Pagefind then indexes every page on a clean build and again after every touch).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import sys
import time
from pathlib import Path

from .corpus import touch_article, write_site

HERE = Path(__file__).resolve().parent
# Every tool runs as on a contributor's machine: Python may keep its compiled modules
# (a sandbox that sets PYTHONDONTWRITEBYTECODE would charge every run for compiling).
BUILD_ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "TZ": "UTC"}
RESULTS = HERE / "results"


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    """Run ``command``; returns (seconds, peak resident memory in bytes of it and its children)."""
    # stderr goes to a file, not a pipe: a build printing more than a pipe holds (64 KiB
    # of warnings) would block on it while we wait, forever
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors, env=BUILD_ENV)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        if status != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{errors.read().decode()}")
    return seconds, usage.ru_maxrss * 1024


def measure_engine(root: Path, runs: int) -> dict:
    """Medians of clean, warm and one-article rebuild, and the peak memory."""
    command = [sys.executable, "-m", "site_builder", "build"]
    clean, warm, touch, memory = [], [], [], []
    for run in range(runs):
        shutil.rmtree(root / "public", ignore_errors=True)
        shutil.rmtree(root / ".cache", ignore_errors=True)
        seconds, peak = timed(command, root)
        clean.append(seconds)
        memory.append(peak)
        seconds, peak = timed(command, root)
        warm.append(seconds)
        touch_article(root, run)
        seconds, peak = timed(command, root)
        touch.append(seconds)
    return {"clean": statistics.median(clean), "warm": statistics.median(warm),
            "touch": statistics.median(touch), "peak_bytes": max(memory)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="article counts (default 100,1000,10000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the median is reported (default 3)")
    parser.add_argument("--peers", action="store_true", help="also build the corpus with Hugo, MkDocs and Pelican")
    parser.add_argument("--search", action="store_true",
                        help="give our corpus its search page and Pagefind index (the peers build none, so off by default)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/site-builder-bench"), help="where corpora are written")
    args = parser.parse_args(argv)
    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        root = write_site(args.work / f"engine-{n}", n, search=args.search)
        row = {"n": n, "search": args.search, "engine": measure_engine(root, args.runs)}
        if args.peers:
            from .peers import measure_peers
            row["peers"] = measure_peers(args.work / f"peers-{n}", n, args.runs)
        rows.append(row)
        print_row(row, header=len(rows) == 1)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"runs": args.runs, "cpus": os.cpu_count(), "load": os.getloadavg(), "rows": rows},
                               indent=1), "utf-8")
    print(f"\nmedians of {args.runs} runs; load average {os.getloadavg()[0]:.1f} at the end → {path}")
    return 0


def print_row(row: dict, header: bool) -> None:
    if header:
        print(f"{'N':>6} {'tool':<14} {'clean s':>8} {'warm s':>8} {'touch s':>8} {'peak MiB':>9}"
              f" {'clean ÷':>8} {'warm ÷':>8} {'touch ÷':>8}")
    ours = row["engine"]
    print(f"{row['n']:>6} {'site_builder' + ('+search' if row['search'] else ''):<14} {ours['clean']:>8.2f} {ours['warm']:>8.2f} {ours['touch']:>8.2f}"
          f" {ours['peak_bytes'] / 2**20:>9.0f}")
    for name, theirs in sorted(row.get("peers", {}).items()):
        if "error" in theirs:
            print(f"{'':>6} {name:<14} {theirs['error']}")
            continue
        ratio = lambda k: ours[k] / theirs[k]
        print(f"{'':>6} {name:<14} {theirs['clean']:>8.2f} {theirs['warm']:>8.2f} {theirs['touch']:>8.2f}"
              f" {theirs['peak_bytes'] / 2**20:>9.0f} {ratio('clean'):>8.2f} {ratio('warm'):>8.2f} {ratio('touch'):>8.2f}")


if __name__ == "__main__":
    sys.exit(main())
