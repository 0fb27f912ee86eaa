"""A web page as scraped to plain text: navigation lines, a title, the author, a date
line, the standfirst, then the body with photo captions and short subheadings.

Outlet habits are settings, not code: ``navigation`` (patterns of lines to drop),
``caption_credit`` (patterns with ``caption`` and ``credit`` groups for a photo's
last line), ``credit_line`` (patterns of a closing credit such as a translator's).
Recognising this shape is a guess (any text with a date line near the top), so a seed
read this way is warned about until its sidecar names the reader.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Block, Image
from .common import (DATE_LINE, Findings, Parsed, clean, compile_patterns, date_or_none, header_lines,
                     matches_any, paragraphs, split_authors)

NAME = "scraped"
SETTINGS = {"navigation": [], "caption_credit": [], "credit_line": []}
_NUMBERED = re.compile(r"^\s*\d+\.\s+\S")


def looks_for(settings: dict) -> str:
    return "a title line, the author, then a date line like 'February 29, 2024' in the first 12 lines"


def recognises(text: str, path: Path, settings: dict) -> str | None:
    lines = [line for line in text.split("\n") if line.strip()]
    return "guess" if any(DATE_LINE.match(line) for line in lines[:12]) else None


def read(path: Path, text: str, findings: Findings, settings: dict) -> Parsed | None:
    """``settings['related']`` (from the sidecar) lists short lines that link to other stories."""
    navigation = compile_patterns(settings["navigation"])
    blocks = [(n, [line for line in b if not matches_any(navigation, line)]) for n, b in paragraphs(text.split("\n"))]
    while blocks and (not blocks[0][1] or all(_NUMBERED.match(line) for line in blocks[0][1])):
        blocks.pop(0)  # a numbered menu before the title is navigation
    header = header_lines(blocks)
    date_at = next((i for i, (_, line) in enumerate(header) if DATE_LINE.match(line)), None)
    related = tuple(settings.get("related", ()))
    if not header or not date_at:  # the sidecar gives title and date; the text is still the article
        findings.add("title", header[0][0] if header else 1, "scraped page has no recognisable title and date",
                     f"expected {looks_for(settings)}")
        body, images, credit, found_related = _body(blocks, settings, related)
        return Parsed(images=tuple(images), body=tuple(body), credit_line=credit, related=tuple(found_related))
    title_line, title = header[0]
    date_line = header[date_at][0]
    rest = [(n, b) for n, b in blocks if n > date_line]
    dek = clean(" ".join(rest.pop(0)[1])) if rest else ""
    body, images, credit, found_related = _body(rest, settings, related)
    return Parsed(title=clean(title), dek=dek,
                  authors=tuple(name for _, line in header[1:date_at] for name in split_authors(line)),
                  published=date_or_none(header[date_at][1], "date", date_line, findings),
                  images=tuple(images), body=tuple(body), credit_line=credit, related=tuple(found_related),
                  title_line=title_line)


def _body(rest, settings: dict, related: tuple[str, ...]):
    captions = compile_patterns(settings["caption_credit"])
    credits = compile_patterns(settings["credit_line"])
    body: list[Block] = []
    images: list[Image] = []
    credit, found_related = "", []
    for number, block in rest:
        joined = clean(" ".join(block))
        caption = matches_any(captions, clean(block[-1]))
        if caption:
            image = Image(caption=clean(caption["caption"]), credit=clean(caption["credit"]),
                          alt=clean(" ".join(block[:-1])))
            images.append(image)
            body.append(Block("figure", number, image=image))
        elif joined in related:
            found_related.append(joined)
        elif len(block) == 1 and matches_any(credits, joined):
            credit = joined
        elif len(block) == 1 and _looks_like_heading(joined):
            body.append(Block("heading", number, text=joined))
        elif joined:
            body.append(Block("paragraph", number, text=joined))
    return body, images, credit, found_related


def _looks_like_heading(line: str) -> bool:
    return len(line) <= 80 and len(line.split()) <= 12 and not re.search(r"[.,;:!?]$", line)
