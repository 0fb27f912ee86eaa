"""Citations readers can copy: each page, article, dataset and chart as a plain-text
reference and a BibTeX entry, made from the same fields the page shows (its title,
address and dates), so a citation never disagrees with what it cites.

Nothing here reads a clock: an item without a date is cited "n.d." (no date).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from babel.lists import format_list

from .model import Article, Chart, Config, Dataset, Page

_BIBTEX_SPECIAL = re.compile(r"([&%$#_])")


@dataclass(frozen=True)
class Citation:
    kind: str      # what "Cite this …" names: page, article, dataset, chart
    text: str      # one plain-text reference
    bibtex: str    # one @misc entry


def citation(config: Config, item: Page | Article | Dataset | Chart | Any) -> Citation:
    """The citation of ``item`` as this site publishes it. A news article is cited as
    its original (authors, outlet, first date, original address): that is the work.

    Any other item (a section index, a catalogue, the search page: templates pass an
    object or a mapping) is cited by its ``title``, ``url`` and ``modified`` if known."""
    site = config.author or config.title
    if isinstance(item, Article):
        date = _iso(item.original_published or item.published)
        return _make("article", item.authors or [item.outlet or site], item.title, item.outlet or config.title,
                     date, item.source_url or config.base_url + item.url, "", item.url)
    if isinstance(item, Dataset):
        return _make("dataset", [site], item.title, config.title, item.as_of,
                     config.base_url + item.url, f"Compiled from {item.agency}; figures as of {item.as_of}", item.url)
    if isinstance(item, Chart):
        note = f"Data as of {format_list(item.data_dates, locale='en')}" if item.data_dates else ""
        return _make("chart", [site], item.spec.title, config.title, item.modified, config.base_url + item.url, note, item.url)
    if isinstance(item, Page):
        note = f"Updated {item.updated[:10]}" if item.updated else ""
        return _make("page", [site], item.title, config.title, item.modified[:10], config.base_url + item.url, note, item.url)
    title, url, date = (str(_field(item, name) or "") for name in ("title", "url", "modified"))
    return _make("page", [site], title, config.title, date[:10], config.base_url + url, "", url)


def _field(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)


def _make(kind: str, authors: list[str], title: str, container: str, date: str, url: str, note: str, path: str) -> Citation:
    year = date[:4] if date else "n.d."
    who = "; ".join(authors)
    parts = [f"{who} ({year}).", f"“{title}”", f"[{kind}].", f"{container}."]
    if note:
        parts.append(f"{note}.")
    text = " ".join(parts + [url])
    fields = [("author", " and ".join("{" + _bibtex(a) + "}" for a in authors)), ("title", "{" + _bibtex(title) + "}"),
              ("howpublished", _bibtex(container)), ("year", year if date else ""), ("date", date),
              ("url", url), ("note", _bibtex(note))]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return Citation(kind, text, f"@misc{{{_key(url, path)},\n{body}\n}}")


def _key(url: str, path: str) -> str:
    """A BibTeX key from the site's host and the page's address: stable and readable."""
    host = urlsplit(url).hostname or ""
    words = re.findall(r"[a-z0-9]+", f"{host.split('.')[0]} {path}".lower())
    return "-".join(words) or "page"


def _bibtex(text: str) -> str:
    """Text safe inside a BibTeX field: braces and backslashes dropped (they would
    unbalance the entry), LaTeX's special characters escaped."""
    return _BIBTEX_SPECIAL.sub(r"\\\1", re.sub(r"[{}\\]", "", text))


def _iso(value) -> str:
    return value.isoformat()[:10] if value else ""
