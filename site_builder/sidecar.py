"""A seed's sidecar, ``content/seeds/<seed file stem>.yaml``: what the seed file cannot
tell, or tells wrongly. Seeds are kept byte-for-byte, so the sidecar is where every
doubt about one is settled, and it wins over the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .addresses import is_slug
from .errors import Problems, did_you_mean
from .readers import READERS
from .readers.common import SAFE_URL, clean, slugify
from .sourcefile import Field, LineDict, check_fields, check_text, parse_date, parse_yaml, read_text

RIGHTS = ("full", "excerpt")
# What ``accept`` may list: findings in a seed's text that the engine escapes or leaves
# out either way (the seed is never edited); accepting one only silences its warning.
ACCEPTABLE = {
    "raw-html": "HTML tags in the text, shown as typed, never run",
    "remote-images": "images on other sites, shown as their description only",
    "refused-links": "links that could run code or open local files, shown as plain text",
    "relative-links": "links to the original's own site ('/world/…') when its address ('url') is unknown, shown as plain text",
    "deep-nesting": "lists or quotes nested past 50 levels, left out",
    "invisible-characters": "direction overrides and zero-width characters, removed",
    "empty-body": "an article with no text after its header",
    "slow-markdown": "a body markdown-it cannot render within its time limit, left out",
    "ignored-metadata": "values in the file's own metadata that no sidecar key replaces, ignored",
}
FIELDS = {
    "reader": Field(str), "title": Field(str), "summary": Field(str), "authors": Field((str, list)),
    "date": Field(str), "updated": Field(str), "category": Field(str),
    "original_published": Field(str), "outlet": Field(str), "url": Field(str), "slug": Field(str),
    "related": Field(list, default=list), "tags": Field(list, default=list), "rights": Field(str),
    "encoding": Field(str), "accept": Field(list, default=list), "related_urls": Field(dict, default=dict),
}

_SUMMARY_KEY = re.compile(r"summary_([a-z]{2,3})")  # a summary for another edition: summary_zh


@dataclass
class Sidecar:
    """What a sidecar gives; ``given`` names the keys it set (they settle the seed's doubts)."""

    reader: str = ""
    title: str = ""
    summary: str = ""
    authors: tuple[str, ...] = ()
    date: object = None
    updated: object = None
    category: str = ""
    original_published: object = None
    outlet: str = ""
    url: str = ""
    slug: str = ""
    related: tuple[str, ...] = ()
    related_urls: tuple[tuple[str, str], ...] = ()  # related story title → its address, where known
    tags: tuple[str, ...] = ()
    rights: str = ""
    encoding: str = ""  # the seed's text encoding when it is not UTF-8 ('windows-1252')
    accept: frozenset[str] = frozenset()  # kinds of ACCEPTABLE findings shown as the engine shows them
    summaries: tuple[tuple[str, str], ...] = ()  # (language code, summary) from summary_<code> keys
    given: set[str] = field(default_factory=set)


def read_sidecar(path: Path, problems: Problems) -> Sidecar | None:
    """Read a sidecar; an absent file gives nothing. None (reported) when it has a mistake."""
    if not path.is_file():
        return Sidecar()
    text = read_text(path, problems)
    data = parse_yaml(text, path, problems) if text is not None else None
    if data is None and (text or "").strip():
        return None
    if data is not None and not isinstance(data, dict):
        problems.add(path, 1, "seed metadata must be a mapping of 'key: value' lines")
        return None
    if data is None:
        data = LineDict()
        data.lines = {}
    summaries = _summaries(data, path, problems)
    values = check_fields(data, FIELDS, path, problems, 1, "seed metadata")
    if values is None or summaries is None:
        return None
    checked = _checked(values, data, path, problems)
    if checked is None:
        return None
    return Sidecar(**checked, summaries=summaries, given={key for key in data if data[key] is not None})


def _summaries(data: LineDict, path: Path, problems: Problems) -> tuple[tuple[str, str], ...] | None:
    """Take the ``summary_<language code>`` keys out of ``data``: a short summary of the
    article for readers of another edition of the site (the article stays as received)."""
    found = []
    for key in sorted(k for k in data if isinstance(k, str) and _SUMMARY_KEY.fullmatch(k)):
        line, value = data.line(key, 1), data.pop(key)
        if not isinstance(value, str) or not value.strip():
            problems.add(path, line, f"'{key}' must be text", "one or two sentences in that language")
            return None
        found.append((_SUMMARY_KEY.fullmatch(key).group(1), check_text(clean(value), key, path, problems, line, 500)))
    return tuple(found)


def _checked(values: dict, data: LineDict, path: Path, problems: Problems) -> dict | None:
    errors = len(problems.errors)
    line = lambda key: data.line(key, 1)  # noqa: E731
    if values["url"] and not SAFE_URL.match(values["url"]):
        problems.add(path, line("url"), "url must be an http(s) URL")
    if values["slug"] is not None and not is_slug(values["slug"]):
        problems.add(path, line("slug"), f"slug '{values['slug']}' may only hold a-z, 0-9 and '-'",
                     f"try '{slugify(values['slug']) or 'a-title-in-latin-letters'}'")
    if values["reader"] is not None and values["reader"] not in READERS:
        problems.add(path, line("reader"), f"unknown reader '{values['reader']}'", f"known: {', '.join(READERS)}")
    for kind in values["accept"]:
        if not isinstance(kind, str) or kind not in ACCEPTABLE:
            problems.add(path, line("accept"), f"'accept' lists '{kind}', which is not a finding a sidecar can accept",
                         did_you_mean(str(kind), ACCEPTABLE))
    if values["rights"] is not None and values["rights"] not in RIGHTS:
        problems.add(path, line("rights"), f"rights must be one of {', '.join(RIGHTS)}, not '{values['rights']}'")
    dates = {key: _date(values[key], key, path, problems, line(key)) for key in ("date", "updated", "original_published")}
    title = check_text(values["title"], "title", path, problems, line("title"), 300) if values["title"] is not None else ""
    authors = values["authors"] if isinstance(values["authors"], list) else [values["authors"] or ""]
    related_urls = tuple((clean(str(story)), str(url)) for story, url in values["related_urls"].items())
    for story, url in related_urls:
        if not SAFE_URL.match(url):
            problems.add(path, line("related_urls"), f"related_urls: '{story[:40]}' needs an http(s) URL")
    if len(problems.errors) > errors:
        return None
    return {"reader": values["reader"] or "", "title": title, "summary": clean(values["summary"] or ""),
            "category": clean(values["category"] or ""), "authors": tuple(clean(str(a)) for a in authors if clean(str(a))),
            **dates, "outlet": clean(values["outlet"] or ""), "url": values["url"] or "", "slug": values["slug"] or "",
            "related": tuple(clean(r) for r in values["related"]), "related_urls": related_urls, "tags": tuple(values["tags"]),
            "rights": values["rights"] or "", "encoding": values["encoding"] or "",
            "accept": frozenset(values["accept"])}


def _date(value, key: str, path: Path, problems: Problems, line: int):
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        problems.add(path, line, str(exc))
        return None
