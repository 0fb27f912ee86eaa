"""The published site as Netlify would serve it: netlify.toml parsed (never copied),
its ``[[headers]]`` applied by path pattern, missing addresses answered by 404.html.

Netlify applies every matching rule and concatenates a header named by two of them;
with no Cache-Control of its own it sends ``public, max-age=0, must-revalidate``.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from browser import QuietHandler, serve_folder

REPO = Path(__file__).resolve().parent.parent
NETLIFY_DEFAULT_CACHE = "public, max-age=0, must-revalidate"


def netlify_config() -> dict:
    return tomllib.loads((REPO / "netlify.toml").read_text("utf-8"))


def _pattern(rule: str) -> re.Pattern:
    """A Netlify path rule as a regex: ``*`` is a splat, ``:name`` one segment."""
    parts = [".*" if p == "*" else "[^/]+" if p.startswith(":") else re.escape(p) for p in re.split(r"(\*|:\w+)", rule) if p]
    return re.compile("".join(parts) + r"\Z")


def headers_for(path: str, config: dict | None = None) -> dict[str, str]:
    """The headers Netlify adds to the response for ``path``."""
    headers: dict[str, str] = {}
    for rule in (config or netlify_config()).get("headers", []):
        if _pattern(rule["for"]).match(path):
            for name, value in rule.get("values", {}).items():
                headers[name] = f"{headers[name]}, {value}" if name in headers else value
    headers.setdefault("Cache-Control", NETLIFY_DEFAULT_CACHE)
    return headers


class _NetlifyHandler(QuietHandler):
    extensions_map = {**QuietHandler.extensions_map, ".js": "text/javascript"}

    def end_headers(self) -> None:
        for name, value in headers_for(self.path.split("?")[0]).items():
            self.send_header(name, value)
        super().end_headers()

    def do_GET(self) -> None:
        local = Path(self.translate_path(self.path))
        if not (local.is_file() or (local / "index.html").is_file()):
            body = (Path(self.directory) / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


def serve_like_netlify(folder: Path):
    """Serve ``folder`` on 127.0.0.1 with netlify.toml's headers; a context manager yielding the base URL."""
    return serve_folder(folder, _NetlifyHandler)
