"""Reading built output as a browser would, to find anything that could run.

Used by the bad-input tests: parse the HTML (entities decoded, any letter case) and
list every element, attribute or URL that could execute code or pull in another
site, except the scripts and the search form our templates put there on purpose.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

DANGEROUS_ELEMENTS = {"script", "iframe", "object", "embed", "form", "base", "style", "frame", "frameset",
                      "applet", "meta", "link", "svg", "math", "template"}
TEMPLATE_ELEMENTS = {"meta", "link", "svg"}  # the templates' own head tags and chart SVGs: checked below
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "cite", "background",
                  "srcset", "ping", "manifest", "codebase", "longdesc"}
_BAD_SCHEME = re.compile(r"^(javascript|vbscript|file|data):", re.I)
_IMAGE_DATA = re.compile(r"^data:image/(gif|png|jpeg|webp);", re.I)


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.texts: list[str] = []
        self.json_ld: list[str] = []
        self._in_json = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            if attributes.get("type") == "application/ld+json":
                self._in_json = True
            elif not (attributes.get("src") or "").startswith("/static/"):
                self.found.append(f"<script {attrs}>")
        elif tag == "form" and attributes.get("class") == "search-form" and attributes.get("action") == "/search/":
            pass  # the templates' own search box (404 and search pages), a GET to this site
        elif tag in DANGEROUS_ELEMENTS - TEMPLATE_ELEMENTS:
            self.found.append(f"<{tag}>")
        elif tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self.found.append("<meta http-equiv=refresh>")
        for name, value in attrs:
            self.texts.append(value or "")
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES and value is not None:
                url = re.sub(r"[\x00-\x20]", "", value)  # browsers ignore these inside a scheme
                if _BAD_SCHEME.match(url) and not (tag == "img" and _IMAGE_DATA.match(url)):
                    self.found.append(f"<{tag} {name}={value[:40]!r}>")
            if name == "style" and re.search(r"url\(|expression\(", value or "", re.I):
                self.found.append(f"<{tag} style={value[:40]!r}>")

    def handle_data(self, data):
        (self.json_ld if self._in_json else self.texts).append(data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json = False


def scan_html(text: str) -> _Scan:
    scan = _Scan()
    scan.feed(text)
    scan.close()
    return scan


def live_code(html: str) -> list[str]:
    """Everything in ``html`` that could run code or load another site's content."""
    return scan_html(html).found


def decoded_strings(path: Path) -> list[str]:
    """Every piece of text a reader or a machine gets from a built file, unescaped once:
    HTML text and attribute values, JSON-LD and JSON strings, XML text and attributes."""
    if path.suffix == ".html":
        scan = scan_html(path.read_text("utf-8"))
        return scan.texts + [s for block in scan.json_ld for s in _json_strings(json.loads(block))]
    if path.suffix == ".json":
        return list(_json_strings(json.loads(path.read_text("utf-8"))))
    if path.suffix in (".xml", ".atom", ".rss"):
        root = ElementTree.fromstring(path.read_bytes())
        return [t for e in root.iter() for t in [e.text or "", e.tail or "", *e.attrib.values()]]
    return []


def _json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _json_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _json_strings(v)
