"""Languages: the editions a site is published in, their message catalogues, and
dates and numbers written the way each language writes them.

``content/site.toml`` names the default language (``language = "en"``, published at
``/``) and may declare others in ``[languages.<code>]`` tables, each published under
``/<code>/`` from the pages in ``content/pages/<code>/``. Interface text comes from
gettext catalogues, ``templates/locales/<code>/LC_MESSAGES/messages.po``, compiled in
memory with Babel on every build (no ``.mo`` file to keep in step); a language without
a catalogue shows the templates' own text. Babel's CLDR data formats dates and numbers
(``29 February 2024``, ``2024年2月29日``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, Callable, Iterable

from markupsafe import Markup, escape

from .errors import Problems
from .model import Config, Language

if TYPE_CHECKING:
    from .memo import Recent

LANGUAGE_KEYS = {"name", "tag", "locale", "title", "description", "date_format"}
CODE = re.compile(r"[a-z]{2,3}")  # a folder under content/pages and a URL prefix
CATALOGUE = "locales/{code}/LC_MESSAGES/messages.po"  # below the templates folder
_SLOT = re.compile("\x00(\\d+)\x00")  # where list_formatter puts each item back


def read_languages(data: dict[str, Any], line_of: Callable[[str], int], path: Path,
                   problems: Problems) -> list[Language] | None:
    """The site's languages from the parsed ``site.toml`` (the default first, then the
    others by code), or None when one is declared wrongly (reported). A site without a
    ``[languages]`` table has one language, ``language``."""
    default = str(data.get("language", "en"))
    table = data.get("languages", {})
    if not isinstance(table, dict) or not all(isinstance(v, dict) for v in table.values()):
        problems.add(path, line_of("languages"), "languages must be tables: [languages.zh]",
                     "name, tag, locale, title, description and date_format in each")
        return None
    languages = []
    for code in [default] + sorted(set(table) - {default}):
        language = _language(code, table.get(code, {}), code == default, data, line_of, path, problems)
        if language is None:
            return None
        languages.append(language)
    return languages


def _language(code: str, entry: dict[str, Any], default: bool, data: dict[str, Any],
              line_of: Callable[[str], int], path: Path, problems: Problems) -> Language | None:
    from babel import Locale, UnknownLocaleError

    line = line_of(f"[languages.{code}]") if not default else line_of("language")
    for key in sorted(set(entry) - LANGUAGE_KEYS):
        problems.add(path, line, f"unknown key '{key}' in [languages.{code}]", f"known keys: {', '.join(sorted(LANGUAGE_KEYS))}")
        return None
    if not default and not CODE.fullmatch(code):
        problems.add(path, line, f"language code '{code}' must be 2 or 3 lowercase letters",
                     "it names the folder content/pages/<code>/ and the address /<code>/")
        return None
    if not all(isinstance(v, str) and v for v in entry.values()):
        problems.add(path, line, f"every key of [languages.{code}] must be non-empty text")
        return None
    locale = entry.get("locale", code)
    try:
        parsed = Locale.parse(locale.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        problems.add(path, line, f"unknown locale '{locale}' for language '{code}'", "a CLDR locale such as en, zh_Hans_CN")
        return None
    return Language(code=code, tag=entry.get("tag", code),
                    locale=str(parsed), name=entry.get("name", parsed.get_display_name(parsed) or code),
                    prefix="" if default else f"/{code}", title=entry.get("title", str(data.get("title", ""))),
                    description=entry.get("description", str(data.get("description", ""))),
                    date_format=entry.get("date_format", "d MMMM y" if parsed.language == "en" else "long"))


def edition_config(config: Config, language: Language) -> Config:
    """The site configuration as ``language``'s edition shows it: its title, description
    and language tag."""
    return dataclasses.replace(config, title=language.title, description=language.description, language=language.tag)


def split_language(relative: PurePath, languages: list[Language]) -> tuple[Language, PurePath]:
    """The language of a page file (by its first folder) and its path within that language."""
    first = relative.parts[0] if len(relative.parts) > 1 else ""
    for language in languages[1:]:
        if first == language.code:
            return language, PurePath(*relative.parts[1:])
    return languages[0], relative


def catalogue(templates_dir: Path, language: Language, problems: Problems, kept: Recent | None = None):
    """The language's interface text as gettext translations, compiled from its ``.po``
    catalogue in memory (the same catalogue gives the same bytes); the templates' own
    text when it has none. A broken catalogue is reported at its line. ``kept`` (the
    preview's) holds the last compiled ones, by language and bytes of the catalogue."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import PoFileError, read_po
    from babel.support import NullTranslations, Translations

    path = templates_dir / CATALOGUE.format(code=language.code)
    if not path.is_file():
        return NullTranslations()
    data = path.read_bytes()
    if kept is not None and (known := kept.get((language, data), lambda: None)) is not None:
        return known
    try:
        messages = read_po(io.BytesIO(data), locale=language.locale, abort_invalid=True)
    except (PoFileError, ValueError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", -1) + 1  # Babel counts from 0
        problems.add(path, line, f"message catalogue: {exc}", "each msgid needs a msgstr, each in double quotes")
        return NullTranslations()
    broken = False
    for message, errors in messages.check():  # placeholders that the template would not fill
        for error in errors:
            problems.add(path, message.lineno or 0, f"message catalogue: {error}", "keep the %(name)s placeholders of the msgid")
            broken = True
    if broken:
        return NullTranslations()
    compiled = io.BytesIO()
    write_mo(compiled, messages, use_fuzzy=False)
    compiled.seek(0)
    translations = Translations(compiled)
    if kept is not None:  # only one that compiled without a problem: the others are reported again
        kept.put((language, data), translations)
    return translations


def as_date(value: Any) -> dt.date | dt.datetime | None:
    """Pages keep their dates as ISO text (see :class:`~site_builder.model.Page`)."""
    if isinstance(value, str):
        if not value:
            return None
        return dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    return value


def date_formatter(language: Language) -> Callable[..., str]:
    """The ``date`` template filter for ``language``: ``style='full'`` adds a datetime's time."""
    from babel.dates import format_date, format_time

    def date(value: Any, style: str = "long") -> str:
        value = as_date(value)
        if value is None:
            return ""
        text = format_date(value, language.date_format, locale=language.locale)
        if style == "full" and isinstance(value, dt.datetime):
            text += ", " + format_time(value, "HH:mm", locale=language.locale)
        return text
    return date


def number_formatter(language: Language) -> Callable[[Any], str]:
    """The ``number`` template filter: digits grouped the language's way."""
    from babel.numbers import format_decimal

    return lambda value: format_decimal(value, locale=language.locale)


def list_formatter(language: Language) -> Callable[[Iterable[Any]], Markup]:
    """The ``listed`` template filter: items joined the language's way ("A and B",
    "A和B"). Items are escaped unless already markup (``<time>`` elements stay whole)."""
    from babel.lists import format_list

    def listed(items: Iterable[Any]) -> Markup:
        parts = [escape(item) for item in items]
        slots = format_list([f"\x00{i}\x00" for i in range(len(parts))], locale=language.locale)
        return Markup(_SLOT.sub(lambda found: parts[int(found[1])], str(escape(slots))))
    return listed


def extract_config(fileobj, keywords, comment_tags, options):
    """A Babel extractor for ``site.toml`` (``make messages``): the navigation and section
    titles and the licence's wording, which templates look up in the catalogue by their text."""
    import tomllib

    text = fileobj.read().decode("utf-8")
    data = tomllib.loads(text)
    lines = text.split("\n")

    def line_of(value: str) -> int:
        return next((n for n, line in enumerate(lines, 1) if f'"{value}"' in line), 0)
    titles = [item.get("title") for item in data.get("nav", [])]
    titles += [value for settings in data.get("sections", {}).values() for key, value in settings.items() if key in ("title", "summary")]
    titles += [data.get("license", {}).get(key) for key in ("covers", "others")]
    for title in titles:
        if isinstance(title, str) and title:
            yield line_of(title), "gettext", title, ["site.toml: a navigation or section title, or the licence's wording"]
