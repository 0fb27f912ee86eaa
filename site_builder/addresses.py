"""Addresses, defined once: what a slug is, how a title becomes one, and the check that
no two inputs claim one address.

Page file names, seed slugs and chart ids become parts of URLs and output paths, so
they follow one rule (:data:`SLUG`, at most :data:`MAX_SLUG` long); dataset file names
may also hold ``_``, as CSV names often do (:data:`NAME`).
"""

from __future__ import annotations

import re
import unicodedata

from .errors import Problems, did_you_mean
from .model import Site

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
NAME = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
MAX_SLUG = 80
# addresses the build itself publishes (see outputs.indexes): an input claiming one is at fault
RESERVED = {"/articles/": "the article index", "/404.html": "the 404 page", "/search/": "the search page",
            "/charts/": "the chart catalogue", "/data/": "the data catalogue"}


def slugify(text: str) -> str:
    """A lowercase ASCII slug: ``Más allá del Darién`` → ``mas-alla-del-darien``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:MAX_SLUG].rstrip("-")


def is_slug(text: str) -> bool:
    """Whether ``text`` is a clean slug: exactly the texts :func:`slugify` leaves as they are."""
    return len(text) <= MAX_SLUG and bool(SLUG.fullmatch(text))


def check_addresses(site: Site, problems: Problems) -> None:
    """Every article a page cites exists, and no two inputs (nor an input and a page the
    build makes) share an address, compared case-insensitively as some servers do."""
    slugs = {a.slug for a in site.articles}
    for page in site.pages:
        for slug in page.articles:
            if slug not in slugs:
                problems.add(page.source, 1, f"unknown article '{slug}' in 'articles'", did_you_mean(slug, slugs))
    owners: dict[str, str] = {}
    fixes = {a.source: f"set another 'slug' in {a.accepted.sidecar}" for a in site.articles}  # seeds are not renamed
    items = list(RESERVED.items()) + [(p.url, p.source) for p in site.pages]  # reserved first: the page is at fault
    items += [(a.url, a.source) for a in site.articles] + [(d.url, d.source) for d in site.datasets.values()]
    items += [(alias, p.source) for p in site.pages for alias in p.aliases]
    for url, source in items:
        key = url.lower()
        if key in owners and owners[key] != source:
            problems.add(source, 1, f"its address {url} is already used by {owners[key]}",
                         fixes.get(source, "rename the file or set another slug"))
        owners.setdefault(key, source)
