"""What is unchanged since the last build: a key per output file, hashed from its inputs.

A page's key covers everything its bytes depend on: the engine (its source code and the
versions of the libraries that render), every template, the configuration, the static
files' hashed names, the site-wide listings every template may show, the page itself,
and the HTML of each chart it embeds. When the key of an output equals the key recorded
for it by the last successful build into the same folder (see :mod:`site_builder.write`),
the page is neither parsed as Markdown nor rendered again.

The listings are hashed from what listings show: every page's, article's and dataset's
fields except the body and the HTML made from it. A template that printed another
page's body would need that body added here.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import re
import sys
from pathlib import Path

from .model import Site

RENDER_LIBRARIES = ("jinja2", "markdown-it-py", "mdit-py-plugins", "markupsafe")


@functools.cache
def version(distribution: str) -> str:
    """An installed distribution's version, looked up once per process (each lookup
    scans ``site-packages``: milliseconds that every preview rebuild would pay again).

    The version is read from the name of the distribution's ``NAME-VERSION.dist-info``
    folder, the first on ``sys.path`` as :mod:`importlib.metadata` would find it:
    importing that module costs a build with nothing to render a tenth of its time."""
    wanted = _normalized(distribution)
    for folder in sys.path:
        try:
            names = sorted(os.listdir(folder or "."))
        except OSError:
            continue
        for name in names:
            found, _, found_version = name.removesuffix(".dist-info").partition("-")
            if name.endswith(".dist-info") and _normalized(found) == wanted:
                return found_version
    import importlib.metadata  # an egg or another layout: the standard library knows them all
    return importlib.metadata.version(distribution)


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


@functools.cache
def engine_digest() -> str:
    """The engine's own source and the libraries that shape its output: a new engine
    renders every page afresh. Computed once per process (the code cannot change under it)."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for name in RENDER_LIBRARIES:
        digest.update(f"{name}={version(name)}\n".encode())
    return digest.hexdigest()


def folder_digest(folder: Path) -> str:
    """Every file below ``folder``, by name and bytes."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def site_digest(site: Site, templates_dir: Path, assets: dict[str, str]) -> str:
    """What every page may show besides itself: engine, templates, config, asset names,
    and the listings (front matter of every page and article, datasets, figures, claims,
    chart definitions)."""
    digest = hashlib.sha256()
    for part in (engine_digest(), folder_digest(templates_dir), repr(site.config), repr(sorted(assets.items()))):
        digest.update(part.encode() + b"\0")
    for page in site.pages:
        digest.update(repr(dataclasses.replace(page, body="")).encode())
    for article in site.articles:
        digest.update(repr(dataclasses.replace(article, body=[], html="")).encode())
    for name, dataset in sorted(site.datasets.items()):
        digest.update(repr(dataclasses.replace(dataset, rows=[], row_lines=[])).encode())
    digest.update(repr(sorted(site.figures.items())).encode())
    digest.update(repr(sorted(site.claims.items())).encode())
    for chart_id, spec in sorted(site.charts.items()):
        digest.update(repr(dataclasses.replace(spec, function=None)).encode())
    return digest.hexdigest()


def output_key(site_key: str, template: str, item: object, chart_html: dict[str, str], text: str = "") -> str:
    """The key of one rendered output: the site-wide digest, the template, the item
    (all its fields, body included) and the HTML of every chart whose id ``text`` mentions
    (a mention that is not an embed only costs a needless render)."""
    digest = hashlib.sha256(f"{site_key}\0{template}\0".encode())
    _update(digest, item)
    for chart_id in sorted(chart_html):
        if chart_id in text:
            digest.update(f"\0{chart_id}\0{chart_html[chart_id]}".encode())
    return digest.hexdigest()[:32]


def _update(digest, item: object) -> None:
    """Hash ``item`` by value: a dataclass field by field, with its text fields as bytes
    (``repr`` of a page's body, escaping every character, cost more than the rest of a
    warm build's keys); anything else by its ``repr``."""
    if not dataclasses.is_dataclass(item) or isinstance(item, type):
        digest.update(repr(item).encode())
        return
    digest.update(f"{type(item).__qualname__}(".encode())
    for field in dataclasses.fields(item):
        value = getattr(item, field.name)
        if isinstance(value, str):
            data = value.encode("utf-8", "surrogatepass")
            digest.update(f"{field.name}:{len(data)}:".encode())  # the length keeps the fields apart
            digest.update(data)
        else:
            digest.update(f"{field.name}={value!r}\0".encode())  # repr never holds a NUL of its own
