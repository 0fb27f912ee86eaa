"""A saved web page (``.html``/``.htm``): the article text extracted by trafilatura,
the metadata read from the page's own tags.

trafilatura drops scripts, navigation, advertising, related-story boxes and footers
and returns the article as typed XML (headings, paragraphs, lists, quotes, images),
which becomes plain-text blocks: no markup from the page reaches the output, so nothing
in it can run. Figure captions would be dropped as boilerplate, so each ``figcaption``
is first turned into a marked paragraph and joined back to its image afterwards.

Metadata, in order of trust: JSON-LD (``NewsArticle``…), ``og:``/``article:`` meta
tags, ``<link rel=canonical>``, ``rel=author`` links, the first ``<time datetime>``,
then ``<h1>`` and ``<title>``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from ..model import Block, Image
from .common import SAFE_URL, Findings, Parsed, clean, date_or_none

NAME = "html"
SETTINGS: dict = {}
_CAPTION = "[[figcaption]] "  # marks a caption turned into a paragraph (trafilatura drops unusual characters)
_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S)


def looks_for(settings: dict) -> str:
    return "a saved web page: a file ending in .html or .htm, or starting with <!doctype html> or <html>"


def recognises(text: str, path: Path, settings: dict) -> str | None:
    return "sure" if path.suffix.lower() in (".html", ".htm") or _HTML_START.match(text[:2000]) else None


def read(path: Path, text: str, findings: Findings, settings: dict) -> Parsed | None:
    import lxml.etree
    import lxml.html

    try:
        # an XHTML page's '<?xml … encoding=…?>' means nothing once the text is decoded, and lxml refuses it
        tree = lxml.html.document_fromstring(_XML_DECLARATION.sub("", text.replace("\x00", ""), count=1))
    except (lxml.etree.ParserError, ValueError) as exc:
        findings.add("reader", 1, f"cannot read the page as HTML: {exc}")
        return None
    meta = _metadata(tree)
    body = _body(tree, findings)
    if body is None:
        return None
    title = meta["title"]
    body = [b for b in body if not (b.kind == "heading" and b.text == title)]  # the headline itself
    return Parsed(title=title, dek=meta["description"], authors=tuple(meta["authors"]), outlet=meta["site"],
                  published=_date(meta["published"], "date", findings),
                  updated=_date(meta["modified"], "updated", findings),
                  source_url=meta["url"] if SAFE_URL.match(meta["url"]) else "",
                  images=tuple(b.image for b in body if b.image), body=tuple(body), tags=tuple(meta["tags"]))


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _metadata(tree) -> dict[str, Any]:
    """What the page says about itself; the first source that gives a field wins."""
    ld = _json_ld(tree)
    prop = lambda name: _first(tree.xpath(f'//meta[@property="{name}" or @name="{name}"]/@content'))  # noqa: E731
    authors = _ld_names(ld.get("author")) or [clean(a) for a in tree.xpath('//meta[@name="author"]/@content')]
    authors = authors or [clean(a.text_content()) for a in tree.xpath('//a[@rel="author"]')]
    publisher = ld.get("publisher")
    return {
        "title": clean(_ld_text(ld.get("headline")) or prop("og:title") or _first(tree.xpath("//h1//text()"))
                       or _first(tree.xpath("//title/text()"))),
        "description": clean(_ld_text(ld.get("description")) or prop("og:description") or prop("description")),
        "authors": list(dict.fromkeys(a for a in authors if a and not a.startswith("http"))),
        "site": clean(prop("og:site_name") or (_ld_text(publisher.get("name")) if isinstance(publisher, dict) else "")),
        "published": _ld_text(ld.get("datePublished")) or prop("article:published_time")
                     or _first(tree.xpath("//time/@datetime")),
        "modified": _ld_text(ld.get("dateModified")) or prop("article:modified_time"),
        "url": clean(_first(tree.xpath('//link[@rel="canonical"]/@href')) or prop("og:url")),
        "tags": [clean(t) for t in tree.xpath('//meta[@property="article:tag"]/@content') if clean(t)],
    }


def _ld_text(value: Any) -> str:
    """A JSON-LD value that should be text: other shapes (lists, objects) are not used."""
    return str(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""


def _first(values: list) -> str:
    return str(values[0]).strip() if values else ""


def _json_ld(tree) -> dict[str, Any]:
    """The first JSON-LD object typed as an article; broken JSON-LD is ignored."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        items = items if isinstance(items, list) else []
        for item in items:
            kind = item.get("@type") if isinstance(item, dict) else None
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and k.endswith("Article") for k in kinds):
                return item
    return {}


def _ld_names(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    names = [item.get("name", "") if isinstance(item, dict) else item for item in items]
    return [clean(n) for n in names if isinstance(n, str) and clean(n)]


def _date(text: str, key: str, findings: Findings):
    """An ISO 8601 timestamp (with its offset) as a UTC time; a bare date as a date."""
    text = text.strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return date_or_none(text[:10], key, 1, findings)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return moment.date() if len(text) <= 10 else moment


def _body(tree, findings: Findings) -> list[Block] | None:
    import trafilatura
    from lxml import etree

    for caption in tree.xpath("//figcaption"):
        text = clean(caption.text_content())
        caption.clear()
        caption.tag, caption.text = "p", _CAPTION + text
    xml = trafilatura.extract(tree, output_format="xml", include_images=True, include_tables=False,
                              include_comments=False, include_links=False, favor_precision=True,
                              with_metadata=False)
    if not xml:
        findings.add("reader", 1, "no article text found in the page",
                     "is it the article page itself, saved as 'Web page, complete' or 'HTML only'?")
        return None
    return _blocks(etree.fromstring(xml.encode("utf-8")).find("main"))


def _blocks(main) -> list[Block]:
    blocks: list[Block] = []
    for number, element in enumerate(main, start=1):
        text = clean("".join(element.itertext()))
        if element.tag == "graphic":
            src = element.get("src", "")
            blocks.append(Block("figure", number, image=Image(alt=clean(element.get("alt", "")),
                                                              remote_url=src if SAFE_URL.match(src) else "")))
        elif text.startswith(_CAPTION):
            caption = clean(text[len(_CAPTION):])
            if blocks and blocks[-1].kind == "figure" and not blocks[-1].image.caption:
                blocks[-1].image.caption = caption
            else:
                blocks.append(Block("figure", number, image=Image(caption=caption)))
        elif element.tag == "head" and text:
            blocks.append(Block("heading", number, text=text))
        elif element.tag == "list":
            items = [Block("paragraph", number, text=clean("".join(i.itertext()))) for i in element.iter("item")]
            blocks.append(Block("list", number, items=[i for i in items if i.text]))
        elif text:
            blocks.append(Block("paragraph", number, text=text))
    return [b for b in blocks if b.kind != "figure" or b.image.alt or b.image.caption]  # an unlabelled image says nothing
