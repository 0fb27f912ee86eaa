"""The template context of a build: the site-wide lists every template may show,
computed once per build (never inside a page's render) and declared by name in a
:class:`~site_builder.context.TemplateContext` (the table of names is there).

Listings hold other pages as :func:`~site_builder.context.listed` copies: their front
matter, never their body.
"""

from __future__ import annotations

import types
from typing import Any, Callable

from .cite import citation
from .context import TemplateContext, listed
from .model import Article, Config, Page, Section, Site


def template_context(site: Site, assets: dict[str, str], noindex: bool, chart_html: dict[str, str],
                     structured_data: Callable[..., Any], pages: list[Page] | None = None,
                     config: Config | None = None, instances: dict | None = None) -> TemplateContext:
    """Every name a template can see besides its own item, with how each is digested.
    An edition in another language lists its own ``pages`` and sees its own ``config``
    (see :mod:`site_builder.editions`); ``instances`` is the build's memo of digests
    (see :attr:`TemplateContext.instances`), shared by its editions."""
    context = TemplateContext(instances)
    pages = [listed(page) for page in (site.pages if pages is None else pages)]
    articles = [listed(article) for article in site.articles]
    sections = _sections(pages)
    by_slug = {a.slug: a for a in articles}
    config = config or site.config
    context.value("config", config)
    context.value("noindex", noindex)
    context.function("asset", lambda name: _asset(assets, name))
    context.value("structured_data", lambda items, image="": structured_data(config, items, image),
                  shows=lambda: config)  # the rest of what it prints is passed in
    context.value("citation", lambda item: citation(config, item), shows=lambda: config)
    context.attributes("site", types.SimpleNamespace(
        config=site.config, pages=pages, articles=articles, datasets=site.datasets, figures=site.figures,
        claims=site.claims, charts=site.charts, rendered_charts=site.rendered_charts))
    context.mapping("sections", sections)
    context.value("articles", sorted(articles, key=lambda a: (sort_date(a), a.slug), reverse=True))
    context.mapping("articles_by_slug", by_slug)
    context.mapping("cited_by", _cited_by(pages, articles))
    context.mapping("articles_for", {page.url: [by_slug[s] for s in page.articles if s in by_slug] for page in pages})
    context.mapping("neighbours", _neighbours(sections))
    context.mapping("claims", site.claims)
    context.value("all_claims", [claim for slug in sorted(site.claims) for claim in site.claims[slug]])
    context.mapping("figures", site.figures)  # what {fig:key} prints in a body
    context.value("glossary", site.glossary)  # what a body links to the glossary
    context.mapping("chart_html", chart_html)  # what ```chart id``` embeds in a body
    return context


def _asset(assets: dict[str, str], name: str) -> str:
    if name not in assets:
        raise KeyError(f"no static file '{name}' (files: {', '.join(sorted(assets))})")
    return assets[name]


def _sections(pages: list[Page]) -> dict[str, list[Page]]:
    sections: dict[str, list[Page]] = {}
    for page in pages:
        sections.setdefault(page.section, []).append(page)
    return sections


def _cited_by(pages: list[Page], articles: list[Article]) -> dict[str, list[Page]]:
    cited_by: dict[str, list[Page]] = {a.slug: [] for a in articles}
    for page in pages:
        for slug in page.articles:
            cited_by[slug].append(page)
    return cited_by


def _neighbours(sections: dict[str, list[Page]]) -> dict[str, tuple[Page | None, Page | None]]:
    """Each page's previous and next page in its section (not the section's index)."""
    neighbours: dict[str, tuple[Page | None, Page | None]] = {}
    for section, members in sections.items():
        ordered = [p for p in members if p.slug != "index" and p.url != f"/{section}/"] if section else []
        for i, page in enumerate(ordered):
            neighbours[page.url] = (ordered[i - 1] if i else None, ordered[i + 1] if i + 1 < len(ordered) else None)
    return neighbours


def section_indexes(site: Site, pages: list[Page] | None = None, prefix: str = "") -> list[Section]:
    """An index page for each configured section that has no index.md of its own, listing
    ``pages`` (default: the site's) under ``prefix`` (an edition's, see :class:`~site_builder.model.Language`)."""
    pages = site.pages if pages is None else pages
    return [Section(name, str(settings.get("title", name.title())), str(settings.get("summary", "")), url,
                    url.lstrip("/") + "index.html", [listed(p) for p in pages if p.section == name])
            for name, settings, url in _generated_sections(site, prefix)]


def section_urls(site: Site, prefix: str = "") -> list[str]:
    """The addresses of the section indexes :func:`section_indexes` makes."""
    return [url for _, _, url in _generated_sections(site, prefix)]


def _generated_sections(site: Site, prefix: str) -> list[tuple[str, dict, str]]:
    taken = {p.url for p in site.pages}
    return [(name, settings, f"{prefix}/{name}/") for name, settings in sorted(site.config.sections.items())
            if f"{prefix}/{name}/" not in taken]


def sort_date(article: Article) -> str:
    date = article.original_published or article.published
    return date.isoformat()[:10] if date else ""
