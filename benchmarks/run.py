"""Time this engine on the synthetic corpus: ``python -m benchmarks.run`` (``make bench``).

For each N it measures, as a separate ``site-builder build`` process each time (so
interpreter start-up and imports count, as they do for a contributor):

- clean: no output folder, no ``.cache/`` (the per-user chart cache stays, as on a
  contributor's machine), every page rendered;
- warm: the same build again, nothing changed (cache and previous output kept);
- touch: one article's body edited, then built;
- clean cpu: user + system seconds of the clean build and the children it waited for,
  steadier than wall-clock time on a shared machine;
- peak memory: the most resident memory the build and all its descendants (workers,
  Pagefind) held at once, over every build of the row (``benchmarks.memory``).

Each figure is the median of ``--runs`` runs. The machine is shared, so medians, not
minimums, and each row prints the load average before and after it. Results go to
``benchmarks/results/<time>.json`` and print as a table. ``--peers`` adds Eleventy,
Hugo, MkDocs and Pelican on the same corpus (see ``benchmarks.peers``). Like the peers'
sites, our corpus has no search page; ``--search`` adds a second row for it with one
(Pagefind then indexes every page on a clean build and again after every touch), and the
peers are still compared with the row without: like with like.
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
from .memory import TreeMemory

HERE = Path(__file__).resolve().parent
# Every tool runs as on a contributor's machine: Python may keep its compiled modules
# (a sandbox that sets PYTHONDONTWRITEBYTECODE would charge every run for compiling).
BUILD_ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "TZ": "UTC"}
RESULTS = HERE / "results"


def timed(command: list[str], cwd: Path) -> dict:
    """Run ``command`` in ``cwd``; returns its wall-clock ``seconds``, its ``cpu`` seconds
    (user + system, of it and every child it waited for: on a shared machine the steadier
    figure) and ``peak_bytes``, the largest total resident memory of it and all its
    descendants at once (see ``benchmarks.memory``). Raises SystemExit if it fails."""
    # stderr goes to a file, not a pipe: a build printing more than a pipe holds (64 KiB
    # of warnings) would block on it while we wait, forever
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors, env=BUILD_ENV)
        with TreeMemory(process.pid) as memory:
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
        if status != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{errors.read().decode()}")
    # a process too short-lived for any sample still has its own maximum
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
            "peak_bytes": max(memory.peak, usage.ru_maxrss * 1024)}


def measure(command: list[str], root: Path, runs: int, reset, touch) -> dict:
    """Build ``runs`` times from clean (after ``reset()``), again unchanged (warm), and
    after ``touch(run)`` edited one article. Returns the median seconds and CPU seconds of
    each kind and the largest peak memory of any of those builds."""
    builds = {"clean": [], "warm": [], "touch": []}
    for run in range(runs):
        reset()
        builds["clean"].append(timed(command, root))
        builds["warm"].append(timed(command, root))
        touch(run)
        builds["touch"].append(timed(command, root))
    result = {"peak_bytes": max(b["peak_bytes"] for kind in builds.values() for b in kind)}
    for kind, measured in builds.items():
        result[kind] = statistics.median(b["seconds"] for b in measured)
        result[f"{kind}_cpu"] = statistics.median(b["cpu"] for b in measured)
    return result


def measure_engine(root: Path, runs: int) -> dict:
    """Our build of the corpus in ``root``: see :func:`measure`."""
    def reset() -> None:
        shutil.rmtree(root / "public", ignore_errors=True)
        shutil.rmtree(root / ".cache", ignore_errors=True)
    command = [sys.executable, "-m", "site_builder", "build"]
    return measure(command, root, runs, reset, lambda run: touch_article(root, run))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="article counts (default 100,1000,10000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the median is reported (default 3)")
    parser.add_argument("--peers", nargs="?", const="eleventy,hugo,mkdocs,pelican", metavar="NAMES",
                        help="also build the corpus with Eleventy, Hugo, MkDocs and Pelican, or only the ones "
                             "named (comma-separated: MkDocs takes hours at 10,000 articles)")
    parser.add_argument("--search", action="store_true",
                        help="also measure our corpus with its search page and Pagefind index, as a row of its own "
                             "(the peers build no search, so they are compared with the row without)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/site-builder-bench"), help="where corpora are written")
    args = parser.parse_args(argv)
    if args.peers:
        from .peers import PEERS, measure_peers
        unknown = set(args.peers.split(",")) - set(PEERS)
        if unknown:
            parser.error(f"unknown peer {', '.join(sorted(unknown))} (known: {', '.join(sorted(PEERS))})")
    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        row = {"n": n, "load": [os.getloadavg()[0]]}
        for key, search in (("engine", False), ("engine_search", True))[:1 + args.search]:
            root = write_site(args.work / f"engine-{n}{'-search' * search}", n, search=search)
            row[key] = measure_engine(root, args.runs)
        if args.peers:
            row["peers"] = measure_peers(args.work / f"peers-{n}", n, args.runs, args.peers.split(","))
        row["load"].append(os.getloadavg()[0])
        rows.append(row)
        print_row(row, header=len(rows) == 1)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"runs": args.runs, "cpus": os.cpu_count(), "load": os.getloadavg(), "rows": rows},
                               indent=1), "utf-8")
    print(f"\nmedians of {args.runs} runs; peak MiB: the whole process tree at once; ÷: site_builder (search off)"
          f" ÷ that tool\nload average {os.getloadavg()[0]:.1f} at the end → {path}")
    return 0


COLUMNS = f"{'clean s':>8} {'warm s':>8} {'touch s':>8} {'clean cpu':>9} {'peak MiB':>9}"


def _figures(result: dict) -> str:
    return (f"{result['clean']:>8.2f} {result['warm']:>8.2f} {result['touch']:>8.2f} {result['clean_cpu']:>9.2f}"
            f" {result['peak_bytes'] / 2**20:>9.0f}")


def print_row(row: dict, header: bool) -> None:
    """Our rows (search off, and on if measured), then each peer's with our search-off
    figures divided by theirs: like with like, since no peer builds a search index."""
    if header:
        print(f"{'N':>6} {'tool':<20} {COLUMNS} {'clean ÷':>8} {'warm ÷':>8} {'touch ÷':>8}")
    ours = row["engine"]
    load = "load {:.1f}→{:.1f}".format(*row["load"])  # one-minute averages, before and after this N
    print(f"{row['n']:>6} {'site_builder':<20} {_figures(ours)} {'':>26} {load}")
    if "engine_search" in row:
        print(f"{'':>6} {'site_builder+search':<20} {_figures(row['engine_search'])}")
    for name, theirs in sorted(row.get("peers", {}).items()):
        if "error" in theirs:
            print(f"{'':>6} {name:<20} {theirs['error']}")
            continue
        ratios = " ".join(f"{ours[k] / theirs[k]:>8.2f}" for k in ("clean", "warm", "touch"))
        print(f"{'':>6} {name:<20} {_figures(theirs)} {ratios}")


if __name__ == "__main__":
    sys.exit(main())
