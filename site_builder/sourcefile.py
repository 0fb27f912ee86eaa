"""Reading input files: UTF-8 text, front matter, strict YAML, typed fields.

Every reader goes through here so that encodings, line endings and YAML mistakes
are reported the same way everywhere, as ``path:line: message``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import Problems, did_you_mean
from .inputs import read_text  # noqa: F401 - re-exported: readers read through here


class LineDict(dict):
    """A mapping that remembers the line of each key (1-based, in its file)."""

    lines: dict[str, int]

    def line(self, key: str, default: int = 0) -> int:
        return self.lines.get(key, default)


class _Strict:
    """Safe YAML that refuses duplicate keys and aliases and keeps key lines.

    Timestamps are left as strings so that every date is parsed (and reported)
    by our own date rules.
    """

    line_offset = 0

    def compose_node(self, parent, index):  # noqa: D102 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(None, None, "YAML aliases (*name) are not allowed here",
                                       event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):  # noqa: D102 - PyYAML hook
        result = LineDict()
        result.lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise yaml.MarkedYAMLError(None, None, "a key must be plain text", key_node.start_mark)
            key = str(key)
            if key in result:
                raise yaml.MarkedYAMLError(None, None, f"duplicate key '{key}', first defined on line {result.lines[key]}",
                                           key_node.start_mark)
            result[key] = self.construct_object(value_node, deep=True)
            result.lines[key] = key_node.start_mark.line + 1 + self.line_offset
        return result


class _StrictLoader(_Strict, yaml.SafeLoader):
    """The pure-Python loader: its messages are the ones users see."""


try:
    from yaml.cyaml import CParser as _CParser
except ImportError:  # PyYAML built without libyaml: the pure-Python loader does it all
    _CParser = None


class _FastStrictLoader(_Strict, yaml.composer.Composer, *((_CParser,) if _CParser else ()),
                        yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """The same rules over libyaml's scanner and parser, about ten times faster. Our
    composer stays in Python (it checks aliases); on any error the input is parsed
    again by :class:`_StrictLoader`, so messages do not depend on libyaml."""

    def __init__(self, stream):
        _CParser.__init__(self, stream)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)


for _loader in (_StrictLoader, _FastStrictLoader):
    _loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _loader.add_constructor("tag:yaml.org,2002:map", _loader.construct_mapping)


def parse_yaml(text: str, path: Path, problems: Problems, first_line: int = 1) -> Any:
    """Parse YAML text that starts at ``first_line`` of ``path``; None (reported) on error."""
    # libyaml accepts control characters that PyYAML's reader rejects: those go the slow way.
    if _CParser is not None and not yaml.reader.Reader.NON_PRINTABLE.search(text):
        fast = _FastStrictLoader(text)
        fast.line_offset = first_line - 1
        try:
            return fast.get_single_data()
        except yaml.YAMLError:
            pass  # parsed again below, for the pure-Python loader's message
        finally:
            fast.dispose()
    try:
        loader = _StrictLoader(text)
    except yaml.reader.ReaderError as exc:  # raised while the loader reads its input
        line = text.count("\n", 0, exc.position) + first_line
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        problems.add(path, line, f"YAML may not contain the control character U+{exc.character:04X}",
                     "delete it; it is invisible in most editors", column)
        return None
    loader.line_offset = first_line - 1
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + first_line) if mark else first_line
        column = (mark.column + 1) if mark else 0
        message = exc.problem or exc.context or "invalid YAML"
        if exc.context and "quoted scalar" in exc.context and exc.context_mark:
            message, line = "a quoted value is never closed", exc.context_mark.line + first_line
            column = exc.context_mark.column + 1
        if "could not determine a constructor" in message:
            message = "YAML tags that construct objects are not allowed"
        hint = "check quotes and indentation; values containing ': ' need quotes" if "mapping values" in message else ""
        if "found character '\\t'" in message:
            message, hint = "a tab character in YAML", "indent with spaces"
        problems.add(path, line, message.strip(), hint, column)
    except yaml.YAMLError as exc:
        problems.add(path, first_line, f"invalid YAML: {exc}")
    finally:
        loader.dispose()
    return None


@dataclass
class Document:
    """A text file split into front matter (a mapping) and body."""

    meta: LineDict
    body: str
    body_line: int
    meta_line: int


@functools.cache
def _front_matter():
    """python-frontmatter's YAML handler, which knows where front matter starts and ends;
    imported on first use, so a build that reads no page or seed file never loads it."""
    import frontmatter

    return frontmatter.YAMLHandler()


def split_front_matter(text: str, path: Path, problems: Problems, required: bool = True) -> Document | None:
    """Split ``---`` YAML front matter from the body; report a missing or broken header."""
    empty = LineDict()
    empty.lines = {}
    handler = _front_matter()
    if not handler.detect(text):
        if required:
            boundary = handler.FM_BOUNDARY.search(text)
            if boundary and not text[: boundary.start()].strip():
                problems.add(path, 1, "front matter must start on the first line",
                             "remove the blank lines before the first '---'")
            elif boundary and re.match(r"^[\w-]+:", text):
                problems.add(path, 1, "the opening '---' of the front matter is missing", "add a line '---' first")
            else:
                problems.add(path, 1, "no front matter", "start the file with a '---' line, the YAML fields, then '---'")
            return None
        return Document(empty, text, 1, 1)
    opening = handler.FM_BOUNDARY.search(text)
    closing = handler.FM_BOUNDARY.search(text, opening.end()) if opening else None
    if not opening or opening.start() != 0 or not closing:
        problems.add(path, 1, "front matter is never closed", "add a line '---' after the last field")
        return None
    meta_text = text[opening.end():closing.start()]
    meta_line = text[: opening.end()].count("\n") + 1
    if meta_text.startswith("\n"):
        meta_text, meta_line = meta_text[1:], meta_line + 1
    body_start = _body_start(text, closing)
    body_line = text[:body_start].count("\n") + 1
    meta = parse_yaml(meta_text, path, problems, meta_line) if meta_text.strip() else empty
    if meta is None and meta_text.strip():
        return None
    if not isinstance(meta, dict):
        problems.add(path, meta_line, "front matter must be a mapping of 'key: value' lines")
        return None
    return Document(meta, text[body_start:], body_line, meta_line)


def _body_start(text: str, closing: re.Match) -> int:
    return closing.end() + (1 if text[closing.end():closing.end() + 1] == "\n" else 0)


def front_matter_body(text: str) -> str:
    """The body below the front matter of ``text``, as :func:`split_front_matter` splits
    it (``text`` as a whole when it has no closed front matter)."""
    boundary = _front_matter().FM_BOUNDARY
    opening = boundary.search(text)
    closing = boundary.search(text, opening.end()) if opening and opening.start() == 0 else None
    return text[_body_start(text, closing):] if closing else text


def read_document(text: str, path: Path, problems: Problems, fields: dict[str, "Field"],
                  unknown: str = "error") -> tuple[Document, dict[str, Any]] | None:
    """Split the front matter and check it against ``fields`` (``unknown`` as for
    :func:`check_fields`): the document and its checked values, or None when either
    step reported a problem."""
    doc = split_front_matter(text, path, problems)
    if doc is None:
        return None
    values = check_fields(doc.meta, fields, path, problems, doc.meta_line, unknown=unknown)
    return None if values is None else (doc, values)


# ---- typed fields --------------------------------------------------------------

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"], start=1)}
_WORD_DATE = re.compile(r"^(?P<month>[A-Za-z]+)\.? (?P<day>\d{1,2}), (?P<year>\d{4})$")
_ISO = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?:[ T](?P<h>\d{2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?)?$")
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


def parse_date(value: Any) -> dt.date | dt.datetime:
    """Parse ``2023-10-30``, ``2023-10-30 17:42`` or ``February 29, 2024``.

    Raises ValueError with a reader-facing message for anything else, including
    impossible dates, years outside 1900–2100 and ambiguous forms like ``03/04/2023``.
    """
    text = str(value).strip()
    if re.match(r"^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$", text):
        raise ValueError(f"ambiguous date '{text}': write it as YYYY-MM-DD")
    iso, word = _ISO.match(text), _WORD_DATE.match(text)
    if iso:
        year, month, day = int(iso["year"]), int(iso["month"]), int(iso["day"])
    elif word and word["month"].lower() in MONTHS:
        year, month, day = int(word["year"]), MONTHS[word["month"].lower()], int(word["day"])
    else:
        raise ValueError(f"'{text}' is not a date: write it as YYYY-MM-DD (optionally with HH:MM)")
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValueError(f"date '{text}' is out of range ({EARLIEST_YEAR}–{LATEST_YEAR})")
    try:
        if iso and iso["h"]:
            return dt.datetime(year, month, day, int(iso["h"]), int(iso["m"]), int(iso["s"] or 0))
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date") from None


# What other site generators call a key (README, "Front matter and sidecar keys"): a
# hint names ours only where the mapping has it, so 'date' never suggests 'draft'.
KEY_ALIASES = {
    "layout": "template", "weight": "order", "tag": "tags", "categories": "tags", "category": "tags",
    "keywords": "tags", "description": "summary", "excerpt": "summary", "subtitle": "summary",
    "pubdate": "date", "published": "date", "publishdate": "date", "lastmod": "updated", "modified": "updated",
    "author": "authors", "alias": "aliases", "permalink": "slug", "url": "slug", "hidden": "draft",
    "unpublished": "draft", "name": "title", "heading": "title", "cover": "image", "link": "url",
}


@dataclass(frozen=True)
class Field:
    """One expected key of a mapping: its type and whether it must be there."""

    type: type | tuple[type, ...] = str
    required: bool = False
    default: Any = None


def check_fields(meta: LineDict, fields: dict[str, Field], path: Path, problems: Problems,
                 line: int, what: str = "front matter", unknown: str = "error") -> dict[str, Any] | None:
    """Check ``meta`` against ``fields``: unknown keys (with a 'did you mean'; an error,
    or a warning when ``unknown='warn'``), missing required keys and wrong types are
    reported. Returns the values with defaults filled."""
    ok = True
    for key in sorted(set(meta) - set(fields)):
        hint = did_you_mean(key, fields, KEY_ALIASES, listed=len(fields), label="known keys")
        (problems.warn if unknown == "warn" else problems.add)(path, meta.line(key, line), f"unknown key '{key}' in {what}", hint)
        ok = ok and unknown == "warn"
    values: dict[str, Any] = {}
    for key, spec in fields.items():
        if key not in meta or meta[key] is None:
            if spec.required:
                problems.add(path, line, f"missing required key '{key}' in {what}")
                ok = False
            values[key] = spec.default() if callable(spec.default) else spec.default
            continue
        value = meta[key]
        expected = spec.type if isinstance(spec.type, tuple) else (spec.type,)
        if isinstance(value, bool) and bool not in expected:
            value = object()  # YAML 'yes'/'no' are not numbers or text here
        if float in expected and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected):
            names = " or ".join(_type_name(t) for t in expected)
            problems.add(path, meta.line(key, line), f"'{key}' must be {names}, not {_type_name(type(meta[key]))}")
            ok = False
            continue
        if isinstance(value, list) and expected == (list,) and not all(isinstance(v, str) for v in value):
            problems.add(path, meta.line(key, line), f"'{key}' must be a list of text items")
            ok = False
            continue
        values[key] = value
    return values if ok else None


def _type_name(kind: type) -> str:
    return {str: "text", int: "a whole number", float: "a number", bool: "true or false",
            list: "a list", dict: "a mapping", LineDict: "a mapping", type(None): "empty"}.get(kind, kind.__name__)


_MARKUP = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|&(?:#\d+|#x[0-9a-f]+|[a-z]+);", re.I)


def check_text(value: str, key: str, path: Path, problems: Problems, line: int, max_length: int) -> str:
    """A plain-text field (title, summary, author…) as readers will see it, stripped.

    Reports an empty value; warns when it holds HTML markup or entities (they are shown as typed, never
    interpreted) and when it is longer than ``max_length`` characters.
    """
    text = value.strip()
    if not text:
        problems.add(path, line, f"'{key}' is empty")
        return text
    markup = _MARKUP.search(text)
    if markup:
        problems.warn(path, line, f"'{key}' contains markup '{markup.group()[:40]}', which is shown as typed",
                      "plain text only here; write the characters themselves")
    if len(text) > max_length:
        problems.warn(path, line, f"'{key}' is {len(text)} characters long; listings and link previews cut it",
                      f"keep it under {max_length}")
    return text
