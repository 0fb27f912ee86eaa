"""A reposted plain-text article: a line saying when it was reposted (``posted``
setting: ``Posted on <date>``), a title, a byline ``<authors>, <outlet>, <date>``,
bullets, bold lead-ins (the ``lead_ins`` setting names them) and elision markers
(``elision`` setting, such as ``{snip}``).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Block
from .common import DATE_WORDS, Findings, Parsed, clean, date_or_none, header_lines, paragraphs, split_authors

NAME = "repost"
SETTINGS = {"posted": [], "elision": [], "lead_ins": []}
_BYLINE = re.compile(rf"^(?P<authors>[^,]+(?:, [^,]+)*?), (?P<outlet>[^,]+), (?P<date>{DATE_WORDS})\s*$")
_BULLET = re.compile(r"^\s*[•·▪◦]\s*(?P<text>.*)$")
_ELISION = "[…]"


def looks_for(settings: dict) -> str:
    posted = " or ".join(f"'{p} <date>'" for p in settings["posted"]) or "a repost line (no 'posted' setting is given)"
    return f"{posted} in the first lines, a title, then a byline '<authors>, <outlet>, <Month D, YYYY>'"


def _posted(settings: dict) -> re.Pattern | None:
    if not settings["posted"]:
        return None
    words = "|".join(re.escape(p) for p in settings["posted"])
    return re.compile(rf"^(?:{words}) (?P<date>{DATE_WORDS})\s*$")


def recognises(text: str, path: Path, settings: dict) -> str | None:
    posted = _posted(settings)
    head = [line.strip() for line in text.split("\n") if line.strip()][:8]
    if posted and any(posted.match(line) for line in head[:2]) and any(_BYLINE.match(line) for line in head):
        return "sure"
    return None


def read(path: Path, text: str, findings: Findings, settings: dict) -> Parsed | None:
    blocks = paragraphs(text.split("\n"))
    header = header_lines(blocks)
    posted_rule = _posted(settings)
    posted = next(((n, m) for n, line in header if posted_rule and (m := posted_rule.match(line))), None)
    byline = next(((n, m) for n, line in header if (m := _BYLINE.match(line))), None)
    if not posted or not byline:  # named by a sidecar, which then gives what the header would: all is text
        return Parsed(body=tuple(_body(blocks, 0, settings)))
    title_line, title = next(((n, line) for n, line in header if posted[0] < n < byline[0]), (byline[0], ""))
    body = _body(blocks, byline[0], settings)
    return Parsed(title=clean(title), authors=tuple(split_authors(byline[1]["authors"])),
                  outlet=clean(byline[1]["outlet"]),
                  published=date_or_none(posted[1]["date"], "date", posted[0], findings),
                  original_published=date_or_none(byline[1]["date"], "original_published", byline[0], findings),
                  body=tuple(body), title_line=title_line)


def _body(blocks: list[tuple[int, list[str]]], after: int, settings: dict) -> list[Block]:
    """The lines after line ``after`` as blocks: bullets, lead-ins and elisions marked."""
    body: list[Block] = []
    leads = sorted(settings["lead_ins"], key=len, reverse=True)
    elisions = [re.compile(re.escape(e), re.I) for e in settings["elision"]]
    for number, block in blocks:
        if number > after:
            for offset, line in enumerate(block):
                _add_line(body, number + offset, line, leads, elisions)
    return body


def _add_line(body: list[Block], number: int, line: str, leads: list[str], elisions: list[re.Pattern]) -> None:
    bullet = _BULLET.match(line)
    text = clean(bullet["text"] if bullet else line)
    if any(e.fullmatch(text) for e in elisions):
        item = Block("elision", number)
    else:  # bold lead-ins ("Why it matters:") open top-level paragraphs only
        lead = None if bullet else next((lead for lead in leads if text.startswith(f"{lead}: ")), None)
        rest = text[len(lead) + 2:] if lead else text
        for elision in elisions:
            rest = elision.sub(_ELISION, rest)
        item = Block("paragraph", number, text=rest, lead=lead or "")
    if bullet:
        if not body or body[-1].kind != "list":
            body.append(Block("list", number))
        body[-1].items.append(item)
    else:
        body.append(item)
