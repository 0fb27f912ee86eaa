"""Site configuration from ``content/site.toml``."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from .errors import Problems, did_you_mean
from .i18n import read_languages
from .model import Config, License

KNOWN = {"title", "description", "language", "base_url", "author", "output_dir", "sections", "nav", "terms", "search",
         "check_numbers", "readers", "seeds", "license", "glossary", "languages"}
LICENSE_KEYS = {"name", "url", "covers", "others"}


def load_config(path: Path, problems: Problems) -> Config | None:
    """Read and check the site configuration; problems are reported with their line."""
    data = _read_toml(path, problems)
    if data is None:
        return None
    line = lambda key: _line_of(path, key)  # noqa: E731
    ok = _known_and_required(data, path, problems)
    base_url = str(data.get("base_url", ""))
    if base_url and not re.match(r"^https?://[^\s/]+(/[^\s]*)?$", base_url):
        problems.add(path, line("base_url"), "base_url must be an absolute http(s) URL")
        ok = False
    output_dir = str(data.get("output_dir", "public"))
    if Path(output_dir).is_absolute() or ".." in Path(output_dir).parts or output_dir in ("", "."):
        problems.add(path, line("output_dir"), "output_dir must be a folder inside the project")
        ok = False
    switches = {key: _switch(data, key, default, hint, path, problems) for key, (default, hint) in _SWITCHES.items()}
    license = _license(data.get("license"), path, problems)
    languages = read_languages(data, line, path, problems)
    if not ok or None in switches.values() or license is False or languages is None:
        return None
    terms = {k: tuple(v) for k, v in (data.get("terms") or {}).items() if isinstance(v, list) and len(v) == 2}
    return Config(title=data["title"], description=str(data.get("description", "")),
                  language=str(data.get("language", "en")), base_url=base_url.rstrip("/"),
                  author=str(data.get("author", "")), output_dir=output_dir,
                  sections=dict(data.get("sections") or {}), nav=list(data.get("nav") or []), terms=terms,
                  readers=_table(data, "readers", path, problems), seeds=_table(data, "seeds", path, problems),
                  license=license or None, glossary=str(data.get("glossary", "")), languages=languages, **switches)


def _read_toml(path: Path, problems: Problems) -> dict | None:
    """The file's tables, or None when it is missing or not TOML (reported)."""
    if not path.is_file():
        problems.add(path, 0, "site configuration not found", "create content/site.toml with title and base_url")
        return None
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        problems.add(path, *_toml_mistake(str(exc)))
    except UnicodeDecodeError:
        problems.add(path, 1, "not UTF-8", "save the file as UTF-8")
    return None


def _known_and_required(data: dict, path: Path, problems: Problems) -> bool:
    """Report unknown keys (with the nearest known one) and missing required ones."""
    ok = True
    for key in sorted(set(data) - KNOWN):
        problems.add(path, _line_of(path, key), f"unknown key '{key}'",
                     did_you_mean(key, KNOWN, listed=len(KNOWN), label="known keys"))
        ok = False
    for key in ("title", "base_url"):
        if not isinstance(data.get(key), str) or not data[key]:
            problems.add(path, 1, f"'{key}' is required")
            ok = False
    return ok


# true/false settings: their default, and what true or false does (the hint when mistyped)
_SWITCHES = {"search": (True, "false builds no search page and no search index"),
             "check_numbers": (False, "true reports every number typed by hand in the site's texts")}


def _switch(data: dict, key: str, default: bool, hint: str, path: Path, problems: Problems) -> bool | None:
    """A true/false setting, or None when it is something else (reported)."""
    value = data.get(key, default)
    if isinstance(value, bool):
        return value
    problems.add(path, _line_of(path, key), f"{key} must be true or false", hint)
    return None


# TOML's messages, with what to do about each (the common ones)
_TOML_HINTS = {"Unescaped '\\'": "write patterns in single quotes, where '\\' is kept: navigation = ['^\\s*Skip to']",
               "Invalid value": 'text goes in quotes: key = "value"',
               "Cannot declare": "a table is declared once: merge the two",
               "Cannot overwrite": "a key is set once per table: remove one"}


def _toml_mistake(message: str) -> tuple[int, str, str, int]:
    """(line, message, hint, column) for a TOML syntax error: tomllib puts the place
    at the end of its message ('Invalid value (at line 17, column 10)')."""
    place = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    line, column = (int(place[1]), int(place[2])) if place else (1, 0)
    text = message[:place.start()] if place else message
    hint = next((h for start, h in _TOML_HINTS.items() if text.startswith(start)), "")
    return line, f"invalid TOML: {text}", hint, column


def _table(data: dict, key: str, path: Path, problems: Problems) -> dict:
    """A table checked by the stage that uses it (seeds: ``[seeds]`` and ``[readers.*]``);
    a value that is not a table, where one is expected, is reported here."""
    value = data.get(key, {})
    nested = key == "readers" and isinstance(value, dict)  # [readers.<name>] tables
    inner = [name for name, table in value.items() if not isinstance(table, dict)] if nested else []
    if not isinstance(value, dict) or inner:
        where = f"[{key}.{inner[0]}]" if inner else f"[{key}]"
        problems.add(path, _line_of(path, inner[0] if inner else key), f"{where} must be a table",
                     f"write it as a '{where}' line followed by 'key = value' lines")
        return {}
    return dict(value)


def _license(table, path: Path, problems: Problems) -> License | None | bool:
    """The ``[license]`` table as a License, None when absent, False when wrong (reported)."""
    if table is None:
        return None
    line = _line_of(path, "name") if isinstance(table, dict) else _line_of(path, "license")
    if not isinstance(table, dict) or set(table) - LICENSE_KEYS or not all(isinstance(v, str) for v in table.values()):
        problems.add(path, line, "[license] takes text keys name, url, covers and others", 'e.g. name = "CC BY 4.0"')
        return False
    if not table.get("name") or not re.match(r"^https?://\S+$", table.get("url", "")):
        problems.add(path, line, "[license] needs a name and the http(s) url of the licence's page")
        return False
    return License(**table)


def _line_of(path: Path, key: str) -> int:
    """The line that sets ``key`` (or opens the table ``[key]``)."""
    for number, line in enumerate(path.read_text("utf-8").split("\n"), start=1):
        if re.match(rf"^\s*{re.escape(key)}\s*=", line) or line.strip() == key:
            return number
    return 1
