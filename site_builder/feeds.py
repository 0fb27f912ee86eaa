"""Feeds for machines: the Atom feed of articles, ``sitemap.xml``, ``robots.txt`` and
the JSON-LD that pages embed.

XML is built with ElementTree, which escapes every text and attribute exactly once;
nothing here is assembled by string formatting. Everything is sorted and no clock is
read, so the same site gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from typing import Any

from markupsafe import Markup

from .i18n import edition_config
from .model import Article, Chart, Config, Dataset, Language, Page, Site

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"  # hreflang links in a sitemap
FEED_PATH = "feed.xml"
NOT_IN_SITEMAP = {"404.html"}
EMBED_SUFFIX = "/embed/index.html"  # a chart alone, for other sites to frame: its chart page is the one to find


def feed_files(site: Site, outputs: list[str], catalogues: dict[str, Any]) -> list[tuple[str, bytes]]:
    """``feed.xml``, ``sitemap.xml``, ``robots.txt`` and each other language's
    ``<code>/feed.xml``, as (path, bytes).

    The sitemap lists the HTML files among ``outputs`` (every file the build declares,
    except the 404 page, redirect pages, embed pages and the search index's own files),
    with the date each page, article, dataset or chart last changed where it gives one
    (see :func:`modified_dates`), and the other editions of each translated page (see
    :mod:`.editions`). ``catalogues`` holds each language's interface text.
    """
    from .editions import editions_of  # (editions imports the listings, which import this module)

    config, articles, pages = site.config, site.articles, site.pages
    lastmod = {a.url: _rfc3339(_last_date(a))[:10] for a in articles if _last_date(a)}
    lastmod.update({p.url: (p.updated or p.date)[:10] for p in pages if p.updated or p.date})
    lastmod.update(modified_dates(site))
    aliases = {alias for page in pages for alias in page.aliases}
    urls = [u for u in _page_urls(outputs) if u not in aliases]
    alternates = editions_of(site).alternates
    editions = {url: [(language.tag, other) for language, other in alternates(url)] for url in urls}
    files = [(FEED_PATH, atom_feed(config, articles)),
             ("sitemap.xml", sitemap(config.base_url, urls, lastmod, {u: e for u, e in editions.items() if len(e) > 1})),
             ("robots.txt", f"User-agent: *\nAllow: /\n\nSitemap: {config.base_url}/sitemap.xml\n".encode("utf-8"))]
    return files + [edition_feed(config, language, articles, catalogues.get(language.code)) for language in config.languages[1:]]


def edition_feed(config: Config, language: Language, articles: list[Article], translations) -> tuple[str, bytes]:
    """``<code>/feed.xml``: the articles for readers of ``language``, each summed up in
    that language where its sidecar has a summary (``summary_<code>``)."""
    gettext = translations.gettext if translations is not None else str
    edition = edition_config(config, language)
    path = f"{language.code}/{FEED_PATH}"
    return path, atom_feed(edition, articles, path, f"{language.prefix}/articles/", gettext("news articles"),
                           lambda article: article.summaries.get(language.code, ""))


def atom_feed(config: Config, articles: list[Article], path: str = FEED_PATH, listing: str = "/articles/",
              kind: str = "news articles", summary_of=None) -> bytes:
    """An Atom 1.0 feed with one entry per article, newest first; ``summary_of`` picks
    an entry's summary (default: the article's own, crediting its outlet)."""
    ET.register_namespace("", ATOM)
    base = config.base_url
    ordered = sorted(articles, key=lambda a: (_rfc3339(_first_date(a)), a.slug), reverse=True)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": config.language})
    _text(feed, "title", f"{config.title}: {kind}")
    if config.description:
        _text(feed, "subtitle", config.description)
    _text(feed, "id", f"{base}{listing}")
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "type": "application/atom+xml", "href": f"{base}/{path}"})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": f"{base}{listing}"})
    updated = max((_rfc3339(_last_date(a)) for a in ordered), default="1970-01-01T00:00:00Z")
    _text(feed, "updated", updated)
    _text(ET.SubElement(feed, f"{{{ATOM}}}author"), "name", config.author or config.title)
    for article in ordered:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "title", article.title)
        _text(entry, "id", f"{base}{article.url}")
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": f"{base}{article.url}"})
        if article.source_url:
            ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "via", "href": article.source_url,
                                                      **({"title": article.outlet} if article.outlet else {})})
        _text(entry, "published", _rfc3339(_first_date(article)))
        _text(entry, "updated", _rfc3339(_last_date(article)))
        for name in article.authors or ([article.outlet] if article.outlet else []):
            _text(ET.SubElement(entry, f"{{{ATOM}}}author"), "name", name)
        for tag in sorted(set(article.tags)):
            ET.SubElement(entry, f"{{{ATOM}}}category", {"term": tag})
        credit = f" Originally published by {article.outlet}." if article.outlet else ""
        _text(entry, "summary", summary_of and summary_of(article) or (article.summary or article.dek) + credit)
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def modified_dates(site: Site) -> dict[str, str]:
    """Each dataset's and chart's last change as ``YYYY-MM-DD``, by address: a dataset's
    ``as_of``, a chart's newest data (pages and articles give their own, see :func:`feed_files`).
    The sitemap, JSON-LD and the dates readers see all come from these same fields."""
    dates = {d.url: d.as_of for d in site.datasets.values() if d.as_of}
    dates.update({chart.url: chart.modified for chart in site.rendered_charts.values() if chart.modified})
    return dates


def sitemap(base_url: str, urls: list[str], lastmod: dict[str, str] | None = None,
            editions: dict[str, list[tuple[str, str]]] | None = None) -> bytes:
    """A sitemap listing ``urls`` (paths starting with ``/``) under ``base_url``, each
    with its ``lastmod`` (YYYY-MM-DD) where one is known, and an ``hreflang`` link to
    each of its ``editions`` ((language tag, path), itself included) where it has several."""
    ET.register_namespace("", SITEMAP)
    ET.register_namespace("xhtml", XHTML)
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    for url in sorted(set(urls)):
        entry = ET.SubElement(root, f"{{{SITEMAP}}}url")
        _text(entry, "loc", f"{base_url}{url}", SITEMAP)
        if (lastmod or {}).get(url):
            _text(entry, "lastmod", lastmod[url], SITEMAP)
        for tag, other in (editions or {}).get(url, []):
            ET.SubElement(entry, f"{{{XHTML}}}link", {"rel": "alternate", "hreflang": tag, "href": f"{base_url}{other}"})
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _page_urls(files) -> list[str]:
    """The addresses of the HTML files among ``files`` (relative paths) that belong in the sitemap."""
    urls = []
    for relative in sorted(f for f in files if f.endswith(".html")):  # declared outputs: clean relative paths
        if relative in NOT_IN_SITEMAP or relative.startswith("pagefind/") or relative.endswith(EMBED_SUFFIX):
            continue
        urls.append("/" + relative.removesuffix("index.html"))
    return urls


def _text(parent: ET.Element, tag: str, text: str, namespace: str = ATOM) -> ET.Element:
    element = ET.SubElement(parent, f"{{{namespace}}}{tag}")
    element.text = text
    return element


def _first_date(article: Article) -> dt.date | dt.datetime | None:
    return article.original_published or article.published


def _last_date(article: Article) -> dt.date | dt.datetime | None:
    return article.updated or article.published or article.original_published


def _rfc3339(value: dt.date | dt.datetime | None) -> str:
    """Atom dates: a plain date is midnight UTC; a naive datetime is taken as UTC."""
    if value is None:
        return "1970-01-01T00:00:00Z"
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def structured_data(config: Config, items: Article | Page | Chart | list[Dataset], image: str = "") -> Markup:
    """A ``<script type="application/ld+json">`` element describing ``items``.

    An article becomes a ``NewsArticle`` credited to its original authors and outlet;
    one of our pages an ``Article`` and a chart an ``ImageObject``, both under the site's
    licence; a list of datasets becomes one ``Dataset`` each. ``<``, ``>`` and ``&`` are
    written as JSON escapes, so no text can close the element early.
    """
    if isinstance(items, Article):
        data: dict = _news_article(config, items, image)
    elif isinstance(items, Page):
        data = _licensed(config, _web_page(config, items))
    elif isinstance(items, Chart):
        data = _chart(config, items)
    else:
        data = {"@context": "https://schema.org", "@graph": [_dataset(config, d) for d in items]}
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">{text}</script>')


def _web_page(config: Config, page: Page) -> dict:
    """A hand-written page that gives its dates or authors, as a schema.org ``Article``."""
    data = {"@context": "https://schema.org", "@type": "Article", "headline": page.title,
            "description": page.description or page.summary, "url": f"{config.base_url}{page.url}",
            "author": [{"@type": "Person", "name": name} for name in page.authors]
            or [{"@type": "Organization", "name": config.author or config.title}], "inLanguage": config.language}
    if page.date:
        data["datePublished"] = page.date
    if page.updated or page.date:
        data["dateModified"] = page.updated or page.date
    return data


def _news_article(config: Config, article: Article, image: str) -> dict:
    outlet = {"@type": "NewsMediaOrganization", "name": article.outlet} if article.outlet else None
    authors = [{"@type": "Person", "name": name} for name in article.authors] or ([outlet] if outlet else [])
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": article.title,
            "description": article.summary or article.dek, "author": authors,
            "mainEntityOfPage": f"{config.base_url}{article.url}", "url": f"{config.base_url}{article.url}",
            "datePublished": _rfc3339(_first_date(article)), "dateModified": _rfc3339(_last_date(article)),
            "inLanguage": config.language}
    if outlet:
        data["publisher"] = outlet
    if article.source_url:
        data["isBasedOn"] = article.source_url
    if image:
        data["image"] = [image]
    if article.tags:
        data["keywords"] = sorted(set(article.tags))
    return data


def _chart(config: Config, chart: Chart) -> dict:
    """One of our charts, as a schema.org ``ImageObject``: dated by its data, licensed."""
    site = {"@type": "Organization", "name": config.author or config.title, "url": config.base_url + "/"}
    data = {"@context": "https://schema.org", "@type": "ImageObject", "name": chart.spec.title,
            "description": chart.spec.description, "contentUrl": config.base_url + chart.png_url,
            "url": config.base_url + chart.url, "author": site, "publisher": site, "inLanguage": config.language}
    if chart.modified:
        data["dateModified"] = chart.modified
    return _licensed(config, data)


def _licensed(config: Config, data: dict) -> dict:
    if config.license:
        data["license"] = config.license.url
    return data


def _dataset(config: Config, dataset: Dataset) -> dict:
    page = f"{config.base_url}{dataset.url}"
    data = {"@type": "Dataset", "name": dataset.title, "description": dataset.definition,
            "url": page, "@id": page,
            "creator": {"@type": "Organization", "name": dataset.agency},
            "distribution": [{"@type": "DataDownload", "encodingFormat": "text/csv",
                              "contentUrl": f"{page}{dataset.name}.csv"}]}
    if dataset.source_url:
        data["isBasedOn"] = dataset.source_url
    if dataset.as_of:
        data["dateModified"] = dataset.as_of
    if dataset.unit:
        data["variableMeasured"] = dataset.unit
    return _licensed(config, data)
