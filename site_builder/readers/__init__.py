"""Seed readers, registered in one place.

Each reader is a module with the same small contract:

* ``NAME``: what sidecars call it (``reader: html``);
* ``SETTINGS``: the data it may be given, with defaults (``[readers.<name>]`` in
  ``content/site.toml``): an outlet's habits, such as a caption-credit style or the
  navigation lines of its pages, are such data, never code;
* ``recognises(text, path, settings)``: ``"sure"``, ``"guess"`` or None;
* ``looks_for(settings)``: what it recognises, in words, for the message shown when
  no reader accepts a seed;
* ``read(path, text, findings, settings)``: a :class:`~.common.Parsed`, or None when
  it reported (through ``findings``) why it cannot.

Readers are tried in the order below; the first that is sure wins, else the first
that guesses, with a warning that the sidecar silences by naming the reader.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from types import ModuleType

from ..errors import Problems
from . import frontmatter, html, plaintext, repost, scraped
from .common import Findings, Parsed

READERS: dict[str, ModuleType] = {m.NAME: m for m in (frontmatter, html, repost, plaintext, scraped)}

__all__ = ["READERS", "Findings", "Parsed", "choose", "load_settings", "table_line", "unrecognised"]


def choose(text: str, path: Path, settings: dict[str, dict]) -> tuple[str | None, bool]:
    """(reader name, whether it is only a guess); (None, False) when none accepts."""
    verdicts = [(name, reader.recognises(text, path, settings[name])) for name, reader in READERS.items()]
    sure = next((name for name, verdict in verdicts if verdict == "sure"), None)
    if sure:
        return sure, False
    return next(((name, True) for name, verdict in verdicts if verdict == "guess"), (None, False))


def unrecognised(settings: dict[str, dict], sidecar: str) -> str:
    """The one message for a seed no reader accepts: what each looked for, and how to settle it."""
    wanted = "; ".join(f"{name}: {reader.looks_for(settings[name])}" for name, reader in READERS.items())
    return (f"no reader recognises this article ({wanted})",
            f"name one in {sidecar} ('reader: plaintext', for example) and give what it cannot find there: "
            "title, authors, date, outlet, url")


def load_settings(raw: object, path: Path, problems: Problems) -> dict[str, dict]:
    """Each reader's settings: its defaults, overridden by ``[readers.<name>]`` tables of
    ``content/site.toml``. Unknown readers and settings, and patterns that are not valid
    regular expressions, are reported against ``path``."""
    settings = {name: dict(reader.SETTINGS) for name, reader in READERS.items()}
    if not isinstance(raw, dict):
        return settings
    for name, table in sorted(raw.items()):
        if name not in READERS:
            _unknown(path, table_line(path, f"readers.{name}"), problems, f"unknown reader '{name}' in [readers]", name, list(READERS))
            continue
        for key, value in sorted((table if isinstance(table, dict) else {}).items()):
            default = READERS[name].SETTINGS.get(key)
            line = table_line(path, f"readers.{name}", key)
            if key not in READERS[name].SETTINGS:
                _unknown(path, line, problems, f"unknown setting '{key}' for reader '{name}'", key, list(READERS[name].SETTINGS))
            elif not isinstance(value, type(default)) or isinstance(value, list) and not all(isinstance(v, str) for v in value):
                problems.add(path, line, f"[readers.{name}] {key} must be {'a list of text' if isinstance(default, list) else 'a table'}")
            elif _valid_patterns(name, key, value, path, line, problems):
                settings[name][key] = value
    return settings


def table_line(path: Path, table: str, key: str = "") -> int:
    """The line of ``[table]`` in the TOML file at ``path`` (or of ``key`` inside it); 0 if not found."""
    try:
        lines = path.read_text("utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return 0
    header = next((n for n, line in enumerate(lines, 1) if line.strip() == f"[{table}]"), 0)
    if not key or not header:
        return header
    entry = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
    for number, line in enumerate(lines[header:], header + 1):
        if line.lstrip().startswith("["):
            break
        if entry.match(line):
            return number
    return header


def _unknown(path: Path, line: int, problems: Problems, message: str, key: str, known: list[str]) -> None:
    close = difflib.get_close_matches(key, known, n=1)
    problems.add(path, line, message, f"did you mean '{close[0]}'?" if close else f"known: {', '.join(sorted(known)) or 'none'}")


_PATTERNS = {("scraped", "navigation"), ("scraped", "caption_credit"), ("scraped", "credit_line")}


def _valid_patterns(name: str, key: str, value: list, path: Path, line: int, problems: Problems) -> bool:
    if (name, key) not in _PATTERNS:
        return True
    ok = True
    for pattern in value:
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            problems.add(path, line, f"[readers.{name}] {key}: '{pattern}' is not a valid pattern: {exc}")
            ok = False
            continue
        if key == "caption_credit" and not {"caption", "credit"} <= set(compiled.groupindex):
            problems.add(path, line, f"[readers.{name}] caption_credit '{pattern}' needs the groups (?P<caption>…) and (?P<credit>…)")
            ok = False
    return ok
