"""The hand-typed-number check: every numeral a reader sees in text written in content
is a figure, a year or date, a heading, footnote or list number, part of a name, or
exempted with a written reason (``{n:75 miles|quoted from DW}``).

Everything else is reported as ``path:line: warning: …`` (an error with ``--strict``),
with the figure key that already holds the same value as the hint when there is one.
The check reads the text as written, before figures are filled in.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import Problems
from .figures import SPAN, line_of
from .model import Figure

if TYPE_CHECKING:
    from .memo import Recent

MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
          "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
NUMBER_WORDS = "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred"
# what may stand as typed, replaced by blanks (so columns and lines stay put) before numerals are sought
_ALLOWED = [
    re.compile(r"\b\d{4}-\d\d-\d\d\b"),  # ISO dates
    re.compile(r"\b\d+:\d+\w*"),  # scales and times: 1:50m, 10:30
    re.compile(r"(?<![\d.,])(?:1[89]|20|21)\d\d(?:\s*[–-]\s*(?:(?:1[89]|20|21)\d\d|\d\d))?(?![\d%])(?![.,]\d)"),  # years, ranges
    re.compile(rf"\b\d{{1,2}}(?:\s*[–-]\s*\d{{1,2}})?(?=\s+(?:{MONTHS})\b)"),  # 29 February, 17–18 December
    re.compile(rf"\b(?:{MONTHS})\s\d{{1,2}}\b(?!,\d)"),  # February 29
    re.compile(r"[A-Za-z][A-Za-z]*-?[\d.]+[A-Za-z\d]*|\d+(?:st|nd|rd|th)\b|\b\d+[A-Za-z]+"),  # names: FY2024, COVID-19, 1st, 50m
    re.compile(r"\b(?:Title|Section|Article|Chapter|Part|Rule|Form|Annex|Volume)\s\d+\b"),  # names of laws and documents
    re.compile(r"\bnearest\s\d[\d,]*\b"),  # a rounding step, as the source states it ("rounded to the nearest 10")
    re.compile(r"(?<![\d.,])\d{1,2}(?:\s*[–-]\s*\d{1,2})?\s*[月日](?!\d)"),  # Chinese dates: 7 月 1 日, 17–18 日
    re.compile(r"第\s*\d+\s*[编条章节款]"),  # Chinese names of laws and parts: 第 8 编, 第 42 条
]
_MARKDOWN_ALLOWED = [
    re.compile(r"\b\d{4}-\d\d-\d\d\b"),  # ISO dates
    re.compile(r"\b\d+:\d+\w*"),  # scales and times: 1:50m, 10:30
    re.compile(r"^(?:```|~~~).*?^(?:```|~~~)[^\n]*$", re.M | re.S),  # fenced blocks (```chart id```)
    re.compile(r"`[^`\n]*`"),  # code
    re.compile(r"\]\([^)\n]*\)"),  # link targets
    re.compile(r"\[\^[^\]\n]*\]:?"),  # footnote references and definitions
    re.compile(r"^[ \t]*\d+[.)](?=\s)", re.M),  # ordered list numbers
    re.compile(r"^#{1,6}[ \t]+\d+(?:\.\d+)*[.)]?", re.M),  # numbered headings
    re.compile(r"^[ \t]*>.*$", re.M),  # block quotations (quoted as written)
]
_NUMERAL = re.compile(r"\d[\d,]*(?:\.\d+)?\s?%?|\b(?:one|1) in (?:" + NUMBER_WORDS + r")\b", re.I)
_TEMPLATE_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|<[^>]*>|<!--.*?-->|&#?\w+;|(?<![\w])/[\w./-]+", re.S)


def _blank(text: str, pattern: re.Pattern) -> str:
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def hand_typed(text: str, markdown: bool = False) -> list[tuple[int, str]]:
    """(offset, numeral) of every number in ``text`` that is neither a figure nor allowed
    as typed. ``markdown`` also allows code, link targets, list and footnote numbers."""
    text = _blank(text, SPAN)
    for pattern in (_MARKDOWN_ALLOWED if markdown else []) + _ALLOWED:
        text = _blank(text, pattern)
    return [(m.start(), m.group(0).strip().rstrip(",.")) for m in _NUMERAL.finditer(text)]


class NumberCheck:
    """Reports hand-typed numbers; made once per build with the figures it can hint at.
    ``scans`` (the preview's, kept between builds) holds what :func:`hand_typed` found in
    each text, so a text that did not change is not scanned again."""

    def __init__(self, figures: dict[str, Figure], problems: Problems, scans: Recent | None = None):
        self.problems = problems
        self.scans = scans
        self.figures = figures

    @functools.cached_property
    def by_value(self) -> dict[str, list[str]]:
        """Figure keys by the value they hold, for hints (made at the first number found:
        a site without hand-typed numbers never needs it)."""
        by_value: dict[str, list[str]] = {}
        for key, figure in sorted(self.figures.items()):
            if figure.value is not None and not key.startswith("claims:"):
                percent = figure.text.endswith("%") or (figure.measured is not None and figure.measured.unit == "percent")
                for spelling in {_plain(figure.text), _plain(str(figure.value) + ("%" if percent else ""))}:
                    by_value.setdefault(spelling, []).append(key)
        return by_value

    def text(self, text: str, path: Path | str, line: int, markdown: bool = False) -> None:
        """Check ``text`` (which starts at ``line`` of ``path``)."""
        self.report(self._scan((text, markdown), lambda: hand_typed(text, markdown)), text, path, line)

    def field(self, text: str) -> list[tuple[int, str]]:
        """What :func:`hand_typed` finds in a short text field; nothing in one without a digit."""
        return self._scan((text, "field"), lambda: hand_typed(text) if any(c.isdigit() for c in text) else [])

    def template(self, text: str, path: Path | str) -> None:
        """Check the literal text of a template (tags, attributes and Jinja left out)."""
        blanked = self._scan((text, "template"), lambda: _blank(text, _TEMPLATE_CODE))
        self.text(blanked, path, 1)

    def _scan(self, key: tuple, scan):
        return scan() if self.scans is None else self.scans.get(key, scan)

    def report(self, found: list[tuple[int, str]], text: str, path: Path | str, line: int) -> None:
        """Report the numerals ``found`` in ``text`` (which starts at ``line`` of ``path``)."""
        for offset, numeral in found:
            keys = self.by_value.get(_plain(numeral), [])
            hint = (f"the figure '{keys[0]}' holds this value: write {{fig:{keys[0]}}}" if keys else
                    f"compute it as a figure in content/figures.yaml, or mark it {{n:{numeral}|why it is typed}}")
            self.problems.warn(path, line + text.count("\n", 0, offset), f"number '{numeral}' is typed by hand", hint)


def _plain(numeral: str) -> str:
    """A numeral's value as comparable text: ``25,565`` → ``25565``, ``2.50%`` → ``2.5%``."""
    digits = numeral.replace(",", "").replace("%", "").strip()
    try:
        number = float(digits)
    except ValueError:
        return digits.lower()
    return f"{number:g}" + ("%" if numeral.strip().endswith("%") else "")


def check_site(root: Path, templates: Path, site, problems: Problems, scans: Recent | None = None) -> None:
    """Check every reader-visible text written in content: page titles, summaries and
    bodies; chart titles, takeaways, descriptions and notes; claim notes, periods and
    reasons (the quotes are the articles' own words); dataset titles, definitions and
    caveats; figure labels; the site's title and description; the literal text of templates.
    ``scans``: see :class:`NumberCheck`."""
    check = NumberCheck(site.figures, problems, scans)
    sources: dict[str, str] = {}

    def source(name: str) -> str:
        if name not in sources:
            path = root / name
            sources[name] = path.read_text("utf-8", errors="replace") if path.is_file() else ""
        return sources[name]

    def fields(name: str, texts, default: int = 1) -> None:
        for text in texts:
            if text and (found := check.field(text)):
                check.report(found, text, name, line_of(source(name), text, default))

    for page in site.pages:
        fields(page.source, [page.title, page.summary])
        check.text(page.body, page.source, page.body_line, markdown=True)
    for spec in site.charts.values():
        fields(spec.source, [spec.title, spec.takeaway, spec.description, *spec.notes], spec.line)
    for claim in (c for slug in sorted(site.claims) for c in site.claims[slug]):
        fields(claim.source, [claim.period, claim.note, claim.reason], claim.line)
    for dataset in site.datasets.values():
        fields(dataset.source[: -len(".csv")] + ".yaml", [dataset.title, dataset.definition, *dataset.caveats])
    for figure in site.figures.values():
        if figure.query is not None:  # a label is shown as the figure's tooltip
            fields(figure.source, [figure.label], figure.line)
    fields("content/site.toml", [site.config.title, site.config.description])
    for path in sorted(templates.glob("*.html")) if templates.is_dir() else []:
        check.template(path.read_text("utf-8", errors="replace"), problems.where(path))
