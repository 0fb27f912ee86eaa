"""What every reader shares: the :class:`Parsed` result, the :class:`Findings` a reader
reports through, and the plain-text helpers (cleaning, author lists, dates, paragraphs).

A reader reports each doubt about one field (``title``, ``date``…) through
:class:`Findings`, which drops it when the seed's sidecar already gives that field:
a seed is kept byte-for-byte, so every problem inside it must be one its sidecar can settle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..addresses import slugify  # noqa: F401 - the one slug rule (addresses.py)
from ..errors import Problems
from ..inputs import INVISIBLE
from ..model import Accepted, Block, Image
from ..sourcefile import parse_date

SAFE_URL = re.compile(r"^https?://[^\s<>\"']+$", re.I)  # the only addresses a seed may give
DATE_WORDS = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
              r"\.? \d{1,2}, \d{4}")
DATE_LINE = re.compile(rf"^\s*(?P<date>{DATE_WORDS}|\d{{4}}-\d{{2}}-\d{{2}})\s*$")


@dataclass
class Parsed:
    """What a reader found in the file itself, before the sidecar is applied."""

    title: str = ""
    dek: str = ""
    authors: tuple[str, ...] = ()
    author_titles: tuple[str, ...] = ()
    outlet: str = ""
    published: object = None
    original_published: object = None
    updated: object = None
    source_url: str = ""
    category: str = ""
    images: tuple[Image, ...] = ()
    body: tuple[Block, ...] = ()
    credit_line: str = ""
    related: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    title_line: int = 1


class Findings:
    """A reader's problems with one seed. Each names the field it is about; a field
    the sidecar gives is settled, so its problems are dropped, and every other one
    says which sidecar key would settle it."""

    def __init__(self, path: Path, problems: Problems, sidecar: Path, settled: set[str],
                 accepted: Accepted | None = None, keys: set[str] | None = None):
        self.path, self.problems, self.sidecar, self.settled = path, problems, sidecar, settled
        self.keys = keys  # the sidecar's keys (None: any key a reader names is one)
        self.reported: set[str] = set()  # the keys whose doubts were reported (not settled)
        # findings in the text itself, which no field settles: the sidecar's 'accept' does
        self.accepted = accepted or Accepted(frozenset(), problems.where(sidecar))

    def add(self, key: str, line: int, message: str, hint: str = "", warning: bool = False, column: int = 0) -> None:
        if key in self.settled:
            return
        self.reported.add(key)
        if self.keys is not None and key not in self.keys:  # no key replaces it: the value is ignored
            self.accepted.report(self.problems, "ignored-metadata", self.path, line, message, "if it may be left out, ", column)
            return
        where = self.problems.where(self.sidecar)
        settle = f"or set '{key}' in {where}" if hint else f"set '{key}' in {where}"
        hint = f"{hint}; {settle}" if hint else settle
        (self.problems.warn if warning else self.problems.add)(self.path, line, message, hint, column)

    def warn(self, key: str, line: int, message: str, hint: str = "") -> None:
        self.add(key, line, message, hint, warning=True)


def clean(text: str) -> str:
    """Plain text as readers should see it: invisible direction and zero-width marks
    removed, runs of white space folded."""
    return re.sub(r"\s+", " ", INVISIBLE.sub("", text)).strip()


def split_authors(text: str) -> list[str]:
    """``Han Chen and Stef W. Knight`` → two names; also splits on commas and '&'.
    A leading ``By`` is not part of a name."""
    text = re.sub(r"^\s*by\s+", "", text, flags=re.I)
    return [name for name in (clean(n) for n in re.split(r",\s*|\s+and\s+|\s*&\s*", text)) if name]


def date_or_none(text: str, key: str, line: int, findings: Findings):
    """The date in ``text``; None (reported against ``key``) when it is not one."""
    try:
        return parse_date(text)
    except ValueError as exc:
        findings.add(key, line, str(exc))
        return None


def paragraphs(lines: list[str], first_line: int = 1) -> list[tuple[int, list[str]]]:
    """Group lines into blank-line-separated blocks, each with its first line number."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(lines, start=first_line):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def header_lines(blocks: list[tuple[int, list[str]]], count: int = 4) -> list[tuple[int, str]]:
    """The stripped lines of the first ``count`` blocks, each with its line number."""
    return [(number + i, line.strip()) for number, block in blocks[:count] for i, line in enumerate(block)]


def compile_patterns(patterns: list[str]) -> list[re.Pattern]:
    """Regular expressions given as data (checked by the configuration loader)."""
    return [re.compile(p, re.I) for p in patterns]


def matches_any(patterns: list[re.Pattern], text: str) -> re.Match | None:
    return next((m for p in patterns if (m := p.search(text))), None)
