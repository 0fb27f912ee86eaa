"""Markdown with YAML front matter, as blogs and publishing systems export it.

Known keys (``title``, ``summary``/``description``, ``authors``/``author``, ``date``,
``updated``, ``canonical_url``, ``image``, ``category``/``categories``, ``tags``) fill
the article; an outlet's own names for them are mapped by the ``aliases`` setting
(``subhed = "summary"``). Every other key is kept as the article's ``extra``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..model import Block, Image
from ..sourcefile import LineDict, split_front_matter
from ..errors import Problems
from .common import SAFE_URL, Findings, Parsed, clean, date_or_none

NAME = "frontmatter"
SETTINGS = {"aliases": {}}


def looks_for(settings: dict) -> str:
    return "YAML front matter: a first line '---', 'key: value' lines, then '---'"


def recognises(text: str, path: Path, settings: dict) -> str | None:
    return "sure" if text.startswith("---") else None


def read(path: Path, text: str, findings: Findings, settings: dict) -> Parsed | None:
    scratch = Problems(findings.problems.root)
    doc = split_front_matter(text, path, scratch)
    for problem in scratch.items:  # a broken header: the sidecar can give what it held
        findings.add("title", problem.line, problem.message, problem.hint)
    if doc is None:
        return None
    meta = _aliased(doc.meta, settings["aliases"])
    line = lambda key: doc.meta.line(meta.origin.get(key, key), doc.meta_line)  # noqa: E731
    image = _image(meta.get("image"), settings["aliases"], findings, line("image"))
    authors = _text_list(meta.get("authors", meta.get("author")), "authors", findings, line("authors"))
    known = {"title", "summary", "description", "authors", "author", "author_title", "date", "updated",
             "canonical_url", "image", "category", "categories", "tags"}
    body = [Block("markdown", doc.body_line, text=doc.body)] if doc.body.strip() else []
    categories = _text_list(meta.get("categories", meta.get("category")), "category", findings, line("category"))
    return Parsed(
        title=_text(meta.get("title"), "title", findings, line("title")),
        dek=_text(meta.get("summary", meta.get("description")), "summary", findings, line("summary")),
        authors=authors, author_titles=_text_list(meta.get("author_title"), "authors", findings, line("author_title")),
        published=_date(meta.get("date"), "date", findings, line("date")),
        updated=_date(meta.get("updated"), "updated", findings, line("updated")),
        source_url=_url(meta.get("canonical_url"), "url", findings, line("canonical_url")),
        category=categories[0] if categories else "", images=(image,) if image else (),
        body=tuple(body), tags=_text_list(meta.get("tags"), "tags", findings, line("tags")),
        extra={meta.origin.get(k, k): _plain(v) for k, v in meta.items() if k not in known},
        title_line=line("title"))


class _Aliased(dict):
    origin: dict[str, str]


def _aliased(meta: dict, aliases: dict[str, str]) -> _Aliased:
    """``meta`` with each outlet key renamed to ours; ``origin`` remembers the file's name."""
    result = _Aliased()
    result.origin = {}
    for key, value in meta.items():
        ours = aliases.get(key, key)
        result[ours] = value
        result.origin[ours] = key
    return result


def _text(value: Any, key: str, findings: Findings, line: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        findings.add(key, line, f"'{key}' in the front matter is not text; ignored")
        return ""
    return clean(str(value))


def _text_list(value: Any, key: str, findings: Findings, line: int) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [] if value is None else [value]
    names = tuple(_text(item if not isinstance(item, dict) else item.get("name"), key, findings, line) for item in items)
    return tuple(name for name in names if name)


def _date(value: Any, key: str, findings: Findings, line: int):
    return None if value is None else date_or_none(str(value), key, line, findings)


def _url(value: Any, key: str, findings: Findings, line: int) -> str:
    text = _text(value, key, findings, line)
    if text and not SAFE_URL.match(text):
        if key == "url":  # an image's address is only recorded, never shown: a bad one is dropped
            findings.warn(key, line, "canonical_url must be an http(s) URL; ignored")
        return ""
    return text


def _image(value: Any, aliases: dict[str, str], findings: Findings, line: int) -> Image | None:
    """An ``image`` given as a URL or as a mapping (url, caption, credit, alt). Remote
    images are never shown, only recorded with their caption and credit."""
    if value is None:
        return None
    meta = _aliased(value if isinstance(value, dict) else {"url": value}, aliases)
    url = _url(meta.get("url"), "image", findings, line)
    return Image(caption=_text(meta.get("caption"), "image", findings, line),
                 credit=_text(meta.get("credit"), "image", findings, line),
                 alt=_text(meta.get("alt"), "image", findings, line), remote_url=url)


def _plain(value: Any) -> Any:
    """A front-matter value as templates see it: plain dicts, lists and scalars."""
    if isinstance(value, (dict, LineDict)):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
