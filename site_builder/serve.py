"""``site-builder serve``: build into a private folder, serve it, rebuild on every save.

python-livereload stays behind this module alone (:func:`serve`): it serves the WSGI
app below, injects its script into every HTML response (the error page too) and
talks to the browsers. Watching is ours (:mod:`site_builder.watch`, file-system
events), and so is the decision what to reload: after each rebuild the output is
compared with the previous one, so an unchanged site reloads nothing, a stylesheet
edit swaps the stylesheet in place and anything else reloads the page.

While the last build failed, every page shows the problems (``path:line: message``
with the offending lines) instead of the site; fixing the file brings the page back
by itself. Nothing a contributor types can stop the server.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import mimetypes
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote

from markupsafe import escape

from .build import Paths, Report, build
from .errors import BuildError, Problem, Problems
from .memo import InputMemo
from .watch import Rebuilds, Watcher

# ``style.0123456789.css``: the content hash the build puts into CSS and JS names.
HASHED_NAME = re.compile(r"(?P<stem>.+)\.(?P<hash>[0-9a-f]{10})(?P<suffix>\.(?:css|js))")
HASH_IN_TEXT = re.compile(rb"\.[0-9a-f]{10}(?=\.(?:css|js)\b)")
NO_STORE = "no-store"
IMMUTABLE = "public, max-age=31536000, immutable"
CONTEXT_LINES = 2
GENERATION_PATH = "/_preview/generation"
# A reload sent while a browser is between pages (it has left the old one and not yet
# connected from the new one) is lost. So each page knows the generation it was served
# at and, once its socket is connected, asks for the current one: if they differ it
# missed a reload and reloads itself. Asked twice, because the server counts a browser
# as listening only a moment after the connection opens.
CATCH_UP_SCRIPT = (
    "<script>(function(){{var shown='{generation}';function check(){{fetch('" + GENERATION_PATH + "',"
    "{{cache:'no-store'}}).then(function(r){{return r.text()}}).then(function(now){{if(now!==shown)location.reload()}})}}"
    "document.addEventListener('LiveReloadConnect',function(){{check();setTimeout(check,250)}})}})();</script>")


class Preview:
    """The preview's state: where it builds, what it last built, and what went wrong."""

    def __init__(self, root: Path, out: Path):
        self.root = root
        self.out = out
        self.problems: list[Problem] = []
        self.failure = ""  # a bug's one-line summary; its traceback goes to the terminal
        self.digests: dict[str, str] = {}
        self._digest_memo: dict[str, tuple[tuple[int, int, int], str]] = {}  # see output_digests
        self.on_reload: Callable[[str], None] = lambda path: None
        self.warnings: list[Problem] = []
        self.generation = 0  # counts the page reloads sent (see CATCH_UP_SCRIPT)
        self.memo = InputMemo()  # inputs loaded by the last build, while their files stay the same
        self._unfinished: Report | None = None  # a build whose deferred work is still to do
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()

    def rebuild(self, changed: list[Path]) -> None:
        """Build the site again and tell the browsers what to reload, if anything."""
        with self._busy():
            self._rebuild(changed)

    @contextlib.contextmanager
    def _busy(self):
        """One build or finish at a time; requests for a file missing meanwhile wait for it."""
        with self._lock:
            self._idle.clear()
            try:
                yield
            finally:
                self._idle.set()

    def _rebuild(self, changed: list[Path]) -> None:
        started = time.perf_counter()
        before = (self.problems, self.failure)
        self.problems, self.failure, self._unfinished = [], "", None
        try:
            report = build(self.root, out=self.out, drafts=True, defer=True, memo=self.memo)
        except BuildError as exc:
            self.problems = exc.problems
        except OSError as exc:  # an input vanished or moved mid-build; its own event rebuilds again
            where = Problems(self.root).where(exc.filename or "?")
            self.problems = [Problem(where, 0, 0, f"could not read: {exc.strerror}", "saved while building? it rebuilds by itself")]
        except Exception as exc:  # a bug: keep the traceback, keep serving
            traceback.print_exc()
            self.failure = f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - started
        what = ", ".join(_relative(p, self.root) for p in changed[:3]) + (" …" if len(changed) > 3 else "")
        if self.problems or self.failure:
            print(self.describe_failure(), file=sys.stderr, flush=True)
            if (self.problems, self.failure) != before:
                self._reload(["*"])
            return
        digests = output_digests(self.out, self._digest_memo)
        paths = reload_paths(self.digests, digests) if not any(before) else ["*"]
        self.digests = digests
        if changed:
            print(f"rebuilt in {seconds:.2f} s after {what}: {_describe(paths)}", flush=True)
        else:
            print(f"built {report.pages} pages in {seconds:.2f} s", flush=True)
        self._reload(paths)
        self._unfinished = report

    def finish(self, superseded: Callable[[], bool] | None = None) -> None:
        """The last build's deferred work, once the browser has had its page: the link
        check (its warnings go to the terminal) and the search index. A newer save
        skips it, and stops the search index as soon as ``superseded()`` says one
        waits: that build defers its own, and indexes at the next quiet moment."""
        with self._busy():
            report, self._unfinished = self._unfinished, None
            if report is None:
                return
            try:
                report.finish(superseded)
            except Exception:  # a bug or a broken Pagefind: say so, keep serving
                traceback.print_exc()
            self.digests = output_digests(self.out, self._digest_memo)
            if report.warnings != self.warnings:  # each rebuild repeating them would bury what is new
                for warning in report.warnings:
                    print(warning, file=sys.stderr, flush=True)
                self.warnings = report.warnings

    def _reload(self, paths: list[str]) -> None:
        if any(not path.endswith(".css") for path in paths):
            self.generation += 1  # stylesheets swapped in place leave the page as it is
        for path in paths:
            self.on_reload(path)

    def describe_failure(self) -> str:
        """The terminal's version of the error page: each problem with its source lines."""
        if self.failure:
            return f"build failed: internal error: {self.failure} (a bug in site_builder; the traceback is above)"
        lines = []
        for problem in self.problems:
            lines.append(str(problem))
            lines += [f"  {'>' if n == problem.line else ' '}{n:5} | {text}" for n, text in self.excerpt(problem)]
        lines.append(f"build failed: {len(self.problems)} problem(s); the preview shows them until they are fixed")
        return "\n".join(lines)

    def excerpt(self, problem: Problem) -> list[tuple[int, str]]:
        """The offending line of ``problem`` with a little context, as (number, text)."""
        path = self.root / problem.source
        if problem.line < 1 or not path.is_file():
            return []
        try:
            lines = path.read_text("utf-8", errors="replace").split("\n")
        except OSError:
            return []
        first = max(1, problem.line - CONTEXT_LINES)
        return [(n, lines[n - 1]) for n in range(first, min(len(lines), problem.line + CONTEXT_LINES) + 1)]

    def app(self, environ, start_response):
        """A WSGI app serving the preview folder, or the error page while broken."""
        path = unquote(environ.get("PATH_INFO", "/"))
        if path == GENERATION_PATH:
            return _respond(start_response, "200 OK", "text/plain", str(self.generation).encode())
        target = self._locate(path)
        if target is None and not self._idle.is_set():
            self._idle.wait(10)  # asked mid-swap: answer from the finished build
            target = self._locate(path)
        broken = self.problems or self.failure
        if broken and (target is None or target.suffix == ".html"):
            return _respond(start_response, "500 Build failed", "text/html; charset=utf-8", self._catch_up(self.error_page()))
        if target is None:
            missing = self.out / "404.html"
            body = missing.read_bytes() if missing.is_file() else b"<!doctype html><title>Not found</title><h1>Not found</h1>"
            return _respond(start_response, "404 Not Found", "text/html; charset=utf-8", body)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/json", "image/svg+xml", "application/javascript"):
            kind += "; charset=utf-8"
        body = target.read_bytes()
        if target.suffix == ".html":
            return _respond(start_response, "200 OK", kind, self._catch_up(body))
        # A content-hashed name always holds the same bytes: the browser keeps it, and a
        # reload fetches the page alone instead of waiting for the stylesheet again.
        # (An outdated name answered with the current file is not that file: no caching.)
        exact = target.name == path.rsplit("/", 1)[-1] and HASHED_NAME.fullmatch(target.name)
        return _respond(start_response, "200 OK", kind, body, IMMUTABLE if exact else NO_STORE)

    def _catch_up(self, html: bytes) -> bytes:
        script = CATCH_UP_SCRIPT.format(generation=self.generation).encode()
        return html.replace(b"</head>", script + b"</head>", 1)

    def _locate(self, path: str) -> Path | None:
        """The file for a URL path, inside the preview folder only. An outdated hashed
        name (a page still linking last build's stylesheet) gets the current file."""
        out = self.out.resolve()
        target = (out / path.lstrip("/")).resolve()
        if not target.is_relative_to(out):
            return None
        if target.is_dir():
            target = target / "index.html"
        if target.is_file():
            return target
        if match := HASHED_NAME.fullmatch(target.name):
            stem, suffix = match["stem"], match["suffix"]
            for sibling in sorted(target.parent.glob(f"*{suffix}")):
                if (other := HASHED_NAME.fullmatch(sibling.name)) and other["stem"] == stem:
                    return sibling
        return None

    def error_page(self) -> bytes:
        """The page every HTML address shows while the build is broken."""
        items = []
        for problem in self.problems:
            rows = "".join(f'<span class="{"bad" if n == problem.line else ""}"><span class="n">{n}</span> '
                           f"{escape(text)}\n</span>" for n, text in self.excerpt(problem))
            items.append(f"<li><p><code>{escape(str(problem))}</code></p>{f'<pre>{rows}</pre>' if rows else ''}</li>")
        if self.failure:
            items.append(f"<li><p><code>internal error: {escape(self.failure)}</code></p><p>This is a bug in "
                         "site_builder, not in your files; the traceback is in the terminal.</p></li>")
        count = len(self.problems) + bool(self.failure)
        return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Build failed</title>'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}"
                f"h1{{color:#b00020}}pre{{background:#f4f4f4;padding:.5rem 0;overflow:auto}}pre>span{{display:block;padding:0 .5rem}}"
                f".n{{display:inline-block;min-width:3em;color:#666}}.bad{{background:#ffe0e0}}</style></head>"
                f'<body><main><h1>Build failed</h1><p>{count} problem(s). Fix the file and save: this page '
                f"reloads by itself.</p><ol>{''.join(items)}</ol></main></body></html>").encode()


def output_digests(out: Path, memo: dict[str, tuple[tuple[int, int, int], str]] | None = None) -> dict[str, str]:
    """A digest of every output file, keyed by its path, with the content hashes of
    CSS and JS names taken out: a stylesheet edit then changes the stylesheet only,
    not every page that links it.

    ``memo`` (kept by the caller between builds) spares reading the files a build left
    alone: the build hard-links an unchanged file from the previous output and writes a
    changed one as a new file, so the same inode, size and mtime mean the same bytes."""
    digests = {}
    seen = {}
    for relative, entry in _files(out):
        info = entry.stat()
        identity = (info.st_ino, info.st_size, info.st_mtime_ns)
        known = memo.get(relative) if memo is not None else None
        if known is not None and known[0] == identity:
            digest = known[1]
        else:
            with open(entry.path, "rb") as file:
                data = file.read()
            if relative.endswith(".html"):
                data = HASH_IN_TEXT.sub(b"", data)
            digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        seen[relative] = (identity, digest)
        digests[HASH_IN_TEXT.sub(b"", relative.encode()).decode()] = digest
    if memo is not None:
        memo.clear()
        memo.update(seen)
    return digests


def _files(folder: str | Path, prefix: str = "") -> Iterator[tuple[str, os.DirEntry]]:
    """Every file below ``folder``, as (its path relative to it, its entry); a listing
    by ``os.scandir`` (which knows what is a folder without asking the disk again): the
    preview lists its output after every rebuild, while the browser waits."""
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda entry: entry.name)
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _files(entry.path, f"{prefix}{entry.name}/")
        elif entry.is_file():
            yield prefix + entry.name, entry


def reload_paths(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """What to tell the browsers: the changed stylesheets when only stylesheets changed
    (swapped in place), else one path that is not a stylesheet (the page reloads, which
    also fetches the stylesheets), and nothing when nothing changed."""
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    pages = [k for k in changed if not k.endswith(".css")]
    return [f"/{pages[0]}"] if pages else [f"/{k}" for k in changed]


def _describe(paths: list[str]) -> str:
    if not paths:
        return "nothing changed"
    return f"stylesheet {', '.join(paths)} swapped in place" if paths[0].endswith(".css") else "pages reloaded"


def _respond(start_response, status: str, kind: str, body: bytes, cache: str = NO_STORE):
    start_response(status, [("Content-Type", kind), ("Cache-Control", cache)])
    return [body]


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Serve the preview until interrupted; returns the exit code."""
    import livereload.server
    from livereload import Server
    from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
    from tornado.ioloop import IOLoop

    class CachedReloadScript(LiveReloadJSHandler):
        """livereload.js, kept by the browser: a reloading page then waits for no request
        (the file is part of the installed package; it cannot change while we serve)."""

        def set_default_headers(self) -> None:
            self.set_header("Cache-Control", "private, max-age=3600")

    # Server.application() picks the script's handler up by this name; the server's other
    # handlers stay livereload's own.
    livereload.server.LiveReloadJSHandler = CachedReloadScript

    logging.getLogger("tornado.access").setLevel(logging.CRITICAL)  # the terminal shows build problems, not requests
    workdir = Path(tempfile.mkdtemp(prefix="site-builder-preview-"))
    preview = Preview(root, workdir / "site")
    paths = Paths(root)
    rebuilds = Rebuilds(preview.rebuild, idle=preview.finish)
    # Watch before the first build, so that nothing saved meanwhile is missed.
    watcher = Watcher(root, paths.inputs, rebuilds.changed)
    watcher.start()
    try:
        preview.rebuild([])
        preview.finish()
        # livereload's own watcher polls and drops reloads within 3 s of the last one;
        # it is never started: the app and the browsers' socket are all we use.
        try:
            Server(app=preview.app).application(port, host, debug=False, live_css=True)
        except OSError as exc:
            print(f"cannot listen on {host}:{port}: {exc.strerror} (choose another with --port)", file=sys.stderr)
            return 2
        loop = IOLoop.current()
        preview.on_reload = lambda path: loop.add_callback(LiveReloadHandler.reload_waiters, path)
        signal.signal(signal.SIGTERM, _interrupt)  # stop like Ctrl-C: clean up the preview folder
        print(f"serving http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
        try:
            loop.start()
        except KeyboardInterrupt:
            pass
        return 0
    finally:
        watcher.stop()
        rebuilds.stop()
        shutil.rmtree(workdir, ignore_errors=True)
