"""Editions: which page of one language is which page of another, computed once per build.

A page's *key* is its address in the default language (``/zh/topics/route/`` and
``/topics/route/`` share ``/topics/route/``). From the keys come the ``hreflang``
alternates, the language switcher (the same page in the other language, else that
language's home) and each language's page list, where a page not yet translated is
shown in the default language rather than left out. The checks that a translation
still matches its source (see :func:`check_translations`) read the Markdown sources,
so they run before any page is rendered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .context import TemplateContext
from .errors import Problems
from .listings import section_indexes, section_urls
from .model import Language, Page, Section, Site

GENERATED = ("/articles/", "/search/")  # listings every edition has besides its pages
FIGURE_KEY = re.compile(r"\{fig:([^{}\s|]+)\}")  # the figure keys a text cites (chart text too)
_CHART = re.compile(r"^\s*```+\s*chart\s+(\S+)", re.M)
_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)")
_HREF = re.compile(r'href="(/[^"#?]*)([^"]*)"')


@dataclass
class Editions:
    """The site's languages and the pages of each."""

    languages: list[Language]
    by_key: dict[str, dict[str, Page]] = field(default_factory=dict)  # key → language code → page
    addresses: dict[str, set[str]] = field(default_factory=dict)  # language code → the keys it publishes

    @property
    def default(self) -> Language:
        return self.languages[0]

    def key(self, url: str) -> str:
        """The default-language address of ``url`` (an address of any edition)."""
        for language in self.languages[1:]:
            if url == language.prefix or url.startswith(language.prefix + "/"):
                return url[len(language.prefix):] or "/"
        return url

    def url(self, key: str, language: Language) -> str:
        """Where ``language`` publishes ``key``: its own edition when it has one, else the default's."""
        return language.prefix + key if key in self.addresses[language.code] else key

    def alternates(self, url: str) -> list[tuple[Language, str]]:
        """Every edition of the page at ``url``, the default first (one when it is not translated)."""
        key = self.key(url)
        return [(language, language.prefix + key) for language in self.languages if key in self.addresses[language.code]]

    def switcher(self, url: str, current: Language) -> list[tuple[Language, str, bool]]:
        """For each other language: where the switcher leads (the same page, else that
        language's home) and whether it is the same page."""
        key = self.key(url)
        return [(language, language.prefix + key, True) if key in self.addresses[language.code]
                else (language, language.prefix + "/", False)
                for language in self.languages if language != current]

    def localized(self, url: str, language: Language) -> str:
        """``url`` (an address of any edition) as ``language`` links to it."""
        return self.url(self.key(url), language)

    def declare(self, context: TemplateContext, language: Language) -> None:
        """Declare what templates of ``language`` see of the editions (see :mod:`.context`)."""
        context.value("lang", language)
        context.value("languages", self.languages)
        context.mapping("language_tags", {other.code: other.tag for other in self.languages})
        context.function("alternates", self.alternates)
        context.function("switcher", lambda url: self.switcher(url, language))
        context.function("localize", lambda url: self.localized(url, language))

    def pages(self, language: Language) -> list[Page]:
        """The pages ``language`` lists: its own, and the default's where it has none."""
        return [editions.get(language.code) or editions[self.default.code]
                for editions in self.by_key.values() if self.default.code in editions or language.code in editions]


def localize_links(html: str, localize: Callable[[str], str], prefix: str) -> str:
    """Point the local links of a page body (in the language published under ``prefix``)
    at that language's edition of each page where there is one, and at the default's
    where there is not yet (``localize``, the template context's): a translator may write
    either address. A default-language address with an ``#anchor`` is kept: the anchor
    names a heading of that page, which a translation spells otherwise."""
    def one(match: re.Match) -> str:
        path, rest = match.group(1), match.group(2)
        if rest.startswith("#") and not (path == prefix or path.startswith(prefix + "/")):
            return match.group(0)
        return f'href="{localize(path)}{rest}"'
    return _HREF.sub(one, html)


def editions_of(site: Site) -> Editions:
    """Pair the site's pages by key; every edition also publishes the generated listings
    (the section indexes among them). Made once per site: its pages are fixed once gathered."""
    if site.editions is None:
        site.editions = _pair(site)
    return site.editions


def _pair(site: Site) -> Editions:
    editions = Editions(site.config.languages)
    generated = set(GENERATED) | set(section_urls(site))
    for language in editions.languages:
        editions.addresses[language.code] = set(generated)
    for page in site.pages:
        key = editions.key(page.url)
        editions.by_key.setdefault(key, {})[page.lang] = page
        editions.addresses[page.lang].add(key)
    editions.by_key = dict(sorted(editions.by_key.items(), key=lambda item: _order(item[1], editions.default)))
    return editions


def edition_sections(site: Site) -> Iterator[tuple[Language, Section]]:
    """The generated section indexes of every edition, each listing that edition's pages."""
    editions = editions_of(site)
    for language in editions.languages:
        for section in section_indexes(site, editions.pages(language), language.prefix):
            yield language, section


def _order(pages: dict[str, Page], default: Language) -> tuple:
    page = pages.get(default.code) or next(iter(pages.values()))
    return page.section, page.order, page.title, page.url


def check_translations(editions: Editions, problems: Problems) -> None:
    """Warn where a translation may no longer say what its source says: its source was
    revised after it (by ``updated``), or the two use different figures, charts or links."""
    for key, pages in editions.by_key.items():
        source = pages.get(editions.default.code)
        for language in editions.languages[1:]:
            translation = pages.get(language.code)
            if translation is None:
                continue
            if source is None:
                problems.warn(translation.source, 1, f"no {editions.default.name} page at {key} to translate",
                              f"move it, or write content/pages{key.rstrip('/') or '/index'}.md first")
                continue
            _compare(source, translation, language, editions, problems)


def _compare(source: Page, translation: Page, language: Language, editions: Editions, problems: Problems) -> None:
    if source.updated and (not translation.updated or translation.updated < source.updated):
        problems.warn(translation.source, 1, f"translation last checked {translation.updated or 'never'}, but "
                      f"{source.source} was updated {source.updated}",
                      "compare the two, bring the translation up to date and set its 'updated'")
    for what, found in (("figure keys", FIGURE_KEY), ("charts", _CHART)):
        _differ(what, set(found.findall(source.body)), set(found.findall(translation.body)), source, translation, problems)
    links = lambda page: {editions.key(link.split("#")[0]) if link.startswith("/") else link
                          for link in _LINK.findall(page.body) if not link.startswith("#")}
    _differ("links", links(source), links(translation), source, translation, problems)


def drift(theirs: set[str], ours: set[str]) -> str:
    """What a translation (``ours``) lacks or adds against its source (``theirs``); "" when none."""
    missing, extra = sorted(theirs - ours), sorted(ours - theirs)
    return "; ".join(part for part in (f"missing {', '.join(missing)}" if missing else "",
                                        f"not in the source: {', '.join(extra)}" if extra else "") if part)


def _differ(what: str, theirs: set[str], ours: set[str], source: Page, translation: Page, problems: Problems) -> None:
    if theirs != ours:
        detail = drift(theirs, ours)
        problems.warn(translation.source, translation.body_line, f"uses other {what} than {source.source} ({detail})",
                      "a translation shows the same figures, charts and links as its source")
