"""``site-builder serve``: build into ``.preview/``, serve it, rebuild on every save.

python-livereload stays behind this module alone. While the last build failed, every
page shows the problems (``path:line: message`` with the offending line) instead of
the site; fixing the file brings the page back by itself.
"""

from __future__ import annotations

import mimetypes
import sys
import time
from pathlib import Path
from urllib.parse import unquote

from markupsafe import escape

from .build import Paths, build
from .errors import BuildError, Problem

PREVIEW_DIR = ".preview"


class Preview:
    """The preview's state: where it builds, and the problems of the last build."""

    def __init__(self, root: Path):
        self.root = root
        self.out = root / PREVIEW_DIR
        self.problems: list[Problem] = []

    def rebuild(self) -> None:
        started = time.perf_counter()
        try:
            report = build(self.root, out=self.out, drafts=True)
        except BuildError as exc:
            self.problems = exc.problems
            for problem in exc.problems:
                print(problem, file=sys.stderr, flush=True)
            print(f"build failed: {len(exc.problems)} problem(s); the preview shows them", file=sys.stderr, flush=True)
            return
        self.problems = []
        print(f"rebuilt in {time.perf_counter() - started:.2f} s ({report.pages} pages)", flush=True)

    def app(self, environ, start_response):
        """A WSGI app serving the preview folder, or the error page while broken."""
        path = unquote(environ.get("PATH_INFO", "/"))
        target = (self.out / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        inside = target.is_relative_to(self.out.resolve())
        if self.problems and (target.suffix == ".html" or not target.exists()):
            return self._respond(start_response, "500 Build failed", "text/html; charset=utf-8", self.error_page())
        if not inside or not target.is_file():
            missing = self.out / "404.html"
            body = missing.read_bytes() if missing.is_file() else b"<!doctype html><title>Not found</title><h1>Not found</h1>"
            return self._respond(start_response, "404 Not Found", "text/html; charset=utf-8", body)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/json", "image/svg+xml", "application/javascript"):
            kind += "; charset=utf-8"
        return self._respond(start_response, "200 OK", kind, target.read_bytes())

    @staticmethod
    def _respond(start_response, status: str, kind: str, body: bytes):
        start_response(status, [("Content-Type", kind), ("Cache-Control", "no-store")])
        return [body]

    def error_page(self) -> bytes:
        items = []
        for problem in self.problems:
            excerpt = _source_line(self.root / problem.source, problem.line)
            code = f'<pre><span class="n">{problem.line}</span> {escape(excerpt)}</pre>' if excerpt else ""
            items.append(f"<li><p><code>{escape(str(problem))}</code></p>{code}</li>")
        return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Build failed</title>'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}"
                f"h1{{color:#b00020}}pre{{background:#f4f4f4;padding:.5rem;overflow:auto}}.n{{color:#888}}</style></head>"
                f"<body><h1>Build failed</h1><p>{len(self.problems)} problem(s). Fix the file and save: this page "
                f"reloads by itself.</p><ol>{''.join(items)}</ol></body></html>").encode()


def _source_line(path: Path, line: int) -> str:
    if line < 1 or not path.is_file():
        return ""
    try:
        lines = path.read_text("utf-8", errors="replace").split("\n")
    except OSError:
        return ""
    return lines[line - 1] if line <= len(lines) else ""


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Serve the preview until interrupted; returns the exit code."""
    from livereload import Server

    preview = Preview(root)
    preview.rebuild()
    server = Server(app=preview.app)
    paths = Paths(root)
    for watched in (paths.seeds, paths.content, paths.templates, paths.static):
        if watched.exists():
            server.watch(str(watched), preview.rebuild)
    print(f"serving http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    server.serve(host=host, port=port, debug=False, restart_delay=0)
    return 0
