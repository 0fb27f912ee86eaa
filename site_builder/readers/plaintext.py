"""A plain-text article: a headline, a byline ``By <names>, <outlet>``, a date line,
then paragraphs separated by blank lines.

The part of the byline after the last comma is the outlet, never a person; names are
split on commas, 'and' and '&'. The first paragraph is body text, not a standfirst: a
plain-text file does not mark one.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Block
from .common import DATE_LINE, Findings, Parsed, clean, date_or_none, header_lines, paragraphs, split_authors

NAME = "plaintext"
SETTINGS = {"byline": ["By"]}


def looks_for(settings: dict) -> str:
    words = " or ".join(f"'{b} <names>[, <outlet>]'" for b in settings["byline"])
    return f"a headline, a byline {words} and a date line in the first lines"


def _byline(settings: dict) -> re.Pattern:
    words = "|".join(re.escape(b) for b in settings["byline"]) or "(?!)"
    return re.compile(rf"^(?:{words})\s+(?P<names>\S.*)$")


def _header(text: str, settings: dict):
    blocks = paragraphs(text.split("\n"))
    header = header_lines(blocks, 3)
    byline = _byline(settings)
    at = next((i for i, (_, line) in enumerate(header) if byline.match(line)), None)
    dated = next((i for i, (_, line) in enumerate(header) if DATE_LINE.match(line)), None)
    return blocks, header, at, dated


def recognises(text: str, path: Path, settings: dict) -> str | None:
    _, header, at, dated = _header(text, settings)
    return "sure" if at and dated and dated <= at + 2 else None


def read(path: Path, text: str, findings: Findings, settings: dict) -> Parsed | None:
    blocks, header, at, dated = _header(text, settings)
    if not at or dated is None:  # named by a sidecar, which then gives what a header would: all is text
        return Parsed(body=_paragraphs(blocks, 0))
    names = _byline(settings).match(header[at][1])["names"]
    authors, outlet = split_byline(names)
    last = max(header[at][0], header[dated][0])
    body = _paragraphs(blocks, last)
    title_line, title = header[0]
    return Parsed(title=clean(title), authors=tuple(authors), outlet=outlet,
                  published=date_or_none(DATE_LINE.match(header[dated][1])["date"], "date", header[dated][0], findings),
                  body=body, title_line=title_line)


def _paragraphs(blocks: list[tuple[int, list[str]]], after: int) -> tuple[Block, ...]:
    return tuple(Block("paragraph", number, text=clean(" ".join(block))) for number, block in blocks if number > after)


def split_byline(names: str) -> tuple[list[str], str]:
    """``Maria Lopez and Wen Li, Associated Press`` → (['Maria Lopez', 'Wen Li'], 'Associated Press');
    without a comma, every name is a person."""
    people, _, outlet = names.rpartition(",")
    if not people:
        return split_authors(names), ""
    return split_authors(people), clean(outlet)
