"""The command line: ``site-builder build``, ``check``, ``serve`` and ``new``.

Exit codes: 0 success, 1 content errors (printed as ``path:line: message``), 2 usage.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

from .errors import BuildError


def main(argv: list[str] | None = None) -> int:
    # A build makes next to no cyclic garbage (the same peak memory without collections,
    # measured on 1,000 pages), but each collection walks every page it holds: a tenth
    # of a one-page rebuild; importing the engine and its libraries alone collected 45
    # times (6 ms). Every command but serve ends with its one build; serve collects.
    gc.disable()
    parser = make_parser()
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if not (root / "content" / "site.toml").is_file():
        parser.error(f"{root} is not a site: content/site.toml is missing (use --root)")
    if args.command == "build":
        return run_build(root, args.out, args.strict, args.drafts, args.chart_cache)
    if args.command == "check":
        return run_build(root, None, args.strict, args.drafts, args.chart_cache, check_only=True)
    if args.command == "new":
        return run_new(root, args.kind, args.name, args.dataset, parser)
    from .serve import serve
    gc.enable()
    return serve(root, args.host, args.port)


def make_parser() -> argparse.ArgumentParser:
    """Every command and option (the README lists each; a test checks it does)."""
    parser = argparse.ArgumentParser(prog="site-builder", description="Build a static explainer site from seeds and content.")
    parser.add_argument("--root", type=Path, default=Path("."), help="the project folder (default: the current folder)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="{build,check,serve,new}")

    build_cmd = commands.add_parser("build", help="build the site into the output folder",
                                    description="Build the site. The output folder (content/site.toml: output_dir, default "
                                                "'public') is replaced only when the whole build succeeds.")
    build_cmd.add_argument("--out", type=Path, help="output folder (default: output_dir from content/site.toml)")
    build_cmd.add_argument("--strict", action="store_true", help="treat every warning as an error (the Netlify build uses this)")
    build_cmd.add_argument("--drafts", action="store_true", help="include pages marked 'draft: true'")
    build_cmd.add_argument("--chart-cache", type=Path, metavar="DIR",
                           help="where rendered charts and the Vega bundle are kept between builds (default: "
                                "$SITE_BUILDER_CACHE, else $XDG_CACHE_HOME/site-builder, else ~/.cache/site-builder)")

    check_cmd = commands.add_parser("check", help="check everything a build checks, without publishing",
                                    description="Check the site as 'build' would (same messages, same exit codes) "
                                                "without writing the output folder: for editors and pre-commit hooks.")
    check_cmd.add_argument("--strict", action="store_true", help="treat every warning as an error, as the Netlify build does")
    check_cmd.add_argument("--drafts", action="store_true", help="include pages marked 'draft: true'")
    check_cmd.add_argument("--chart-cache", type=Path, metavar="DIR", help="as for build")

    serve_cmd = commands.add_parser("serve", help="preview the site with live reload",
                                    description="Build the site (drafts included) into a temporary folder outside the project and "
                                                "serve it with live reload. Every save to content/, seeds/, templates/ or "
                                                "static/ rebuilds; while a file is broken the browser shows its "
                                                "path:line: message.")
    serve_cmd.add_argument("--host", default="127.0.0.1",
                           help="address to listen on (default 127.0.0.1: only this computer can see the preview, "
                                "which may show drafts and unpublished errors; use 0.0.0.0 to share it on your network)")
    serve_cmd.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")

    new_cmd = commands.add_parser("new", help="write a first page, chart module or seed sidecar",
                                  description="Write a file that builds as it stands and print what to edit next. "
                                              "Nothing is overwritten.")
    new_cmd.add_argument("kind", choices=("page", "chart", "seed"),
                         help="page: content/pages/NAME.md; chart: content/charts/NAME.py (one dataset, its "
                              "data table); seed: content/seeds/<stem>.yaml for a file in seeds/ (a path "
                              "elsewhere is copied into seeds/ first)")
    new_cmd.add_argument("name", help="a page path (topics/the-route), a chart id (darien-yearly) or a seed file")
    new_cmd.add_argument("--dataset", help="for a chart: the dataset it draws (default: the first one)")
    return parser


def run_build(root: Path, out: Path | None, strict: bool, drafts: bool, chart_cache: Path | None = None,
              check_only: bool = False) -> int:
    """Build (or only check) the site; print problems, then one summary line. A build
    with nothing to do (see :mod:`.stamp`) repeats the last one's warnings and summary."""
    if check_only:
        return _report_build(lambda: _check(root, strict, drafts, chart_cache), "check")
    from .stamp import Stamp

    started = time.perf_counter()
    stamp = Stamp(root, {"out": out and out.resolve(), "strict": strict, "drafts": drafts})
    recorded = stamp.unchanged()
    if recorded is None:
        return _report_build(lambda: _build(root, out, strict, drafts, chart_cache, stamp), "build")
    for warning in recorded["warnings"]:
        print(warning, file=sys.stderr)
    summary = recorded["summary"]
    print(f"built {summary['pages']} pages ({summary['files']} files) in {time.perf_counter() - started:.2f} s"
          f" → {recorded['output']}: nothing changed" + (f", {len(recorded['warnings'])} warnings" if recorded["warnings"] else ""))
    return 0


def _build(root: Path, out: Path | None, strict: bool, drafts: bool, chart_cache: Path | None, stamp) -> tuple:
    from .build import build

    stamp.forget()  # should this build fail, the next one must not take the last one's word
    report = build(root, out=out, strict=strict, drafts=drafts, chart_cache=chart_cache)
    warnings = [str(warning) for warning in report.warnings]
    stamp.record(report.output, {"pages": report.pages, "files": report.files}, warnings, report.published)
    # Python collects once more as it exits, whether or not collection is on, walking
    # every object the build left: 35 ms of a one-page rebuild at 1,000 pages. Frozen
    # objects are skipped by it (and are still freed as usual).
    gc.freeze()
    return warnings, report.summary()


def _check(root: Path, strict: bool, drafts: bool, chart_cache: Path | None) -> tuple:
    from .check import check

    report = check(root, strict, drafts, chart_cache)
    return ([str(warning) for warning in report.warnings],
            f"checked {report.pages} pages: no errors" + (f", {len(report.warnings)} warnings" if report.warnings else ""))


def _report_build(run, verb: str) -> int:
    """Run ``run`` (→ warnings, summary line) and print what it found; 1 on errors."""
    try:
        warnings, summary = run()
    except BuildError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{verb} failed: {len(exc.problems)} problem(s); nothing was published", file=sys.stderr)
        return 1
    for warning in warnings:
        print(warning, file=sys.stderr)
    print(summary)
    return 0


def run_new(root: Path, kind: str, name: str, dataset: str | None, parser: argparse.ArgumentParser) -> int:
    from .scaffold import ScaffoldError, new_chart, new_page, new_seed

    if dataset and kind != "chart":
        parser.error("--dataset is for 'new chart' only")
    try:
        if kind == "page":
            path, steps = new_page(root, name)
        elif kind == "chart":
            path, steps = new_chart(root, name, dataset)
        else:
            path, steps = new_seed(root, name)
    except ScaffoldError as exc:
        parser.error(str(exc))
    print(f"wrote {path.relative_to(root).as_posix()}\nnext:")
    for step in steps + ["preview: make serve (or site-builder serve); then make test-fast"]:
        print(f"  - {step}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
