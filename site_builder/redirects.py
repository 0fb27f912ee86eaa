"""Old addresses of pages (``aliases`` in their front matter) that lead to the new one.

Two forms, because a static site has no server of its own: a Netlify ``_redirects``
file (a real 301, which search engines follow) and, at each old address, a small page
that sends the browser on with ``<meta http-equiv="refresh">`` and a link, for any
other host.
"""

from __future__ import annotations

from markupsafe import escape

from .model import Config, Page

REDIRECTS_FILE = "_redirects"


def redirect_files(config: Config, pages: list[Page]) -> list[tuple[str, bytes, str]]:
    """Every page's aliases as (path, bytes, source): ``_redirects`` and a fallback page
    at each old address; none when no page has an alias."""
    moves = sorted((alias, page) for page in pages for alias in page.aliases)
    if not moves:
        return []
    lines = [f"{alias} {page.url} 301" for alias, page in moves]
    files = [(REDIRECTS_FILE, ("\n".join(lines) + "\n").encode("utf-8"), "redirects")]
    for alias, page in moves:
        relative = alias.lstrip("/") + ("index.html" if alias.endswith("/") else "")
        files.append((relative, redirect_page(config, page).encode("utf-8"), page.source))
    return files


def redirect_page(config: Config, page: Page) -> str:
    """A page that only forwards to ``page``: no script, so the site's CSP holds."""
    target = f"{config.base_url}{page.url}"
    return (f'<!doctype html>\n<html lang="{escape(config.language)}"><head><meta charset="utf-8">'
            f'<title>Moved: {escape(page.title)}</title><meta name="robots" content="noindex">'
            f'<link rel="canonical" href="{escape(target)}">'
            f'<meta http-equiv="refresh" content="0; url={escape(page.url)}"></head>'
            f'<body><p>This page has moved to <a href="{escape(page.url)}">{escape(page.title)}</a>.</p></body></html>\n')
