"""Every output a build makes, declared by kind.

Each kind is a function of the site that yields what it publishes: :class:`Planned`
pages (a template, the item it renders, the file it goes to, and the body to turn into
HTML first) and :class:`File` downloads written as they are. Adding a kind of output
is adding a function to :data:`OUTPUT_KINDS`. What a planned page may show besides its
own item is the build's :class:`~site_builder.context.TemplateContext`; its reuse key
follows from what its render looked at (see :mod:`site_builder.cache`), never from a
list kept here. Static files (hashed names, needed by every page) are written before
these (:func:`static_files`); the feeds, which list them, come last.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .context import Dependency, TemplateContext
from .errors import Problems
from .editions import edition_sections, localize_links
from .feeds import feed_files
from .markdown import CHART_MARKER, Markdown, References, Rendered
from .minify import minify_page, minify_stylesheet
from .model import Article, Page, Site, fill
from .redirects import redirect_files
from .render import Renderer
from .write import Output


@dataclass
class Planned:
    """One page to render: ``template`` with ``values`` (its own item under its names),
    into ``output``. ``body`` turns the item's text into HTML first (None: no text)."""

    output: str
    source: str
    template: str
    item: Any  # hashed whole into the reuse key
    values: dict[str, Any]
    body: Callable[["Bodies", Problems], Rendered | None] | None = None
    lang: str = ""  # the code of the edition it belongs to ("": the default language)


@dataclass
class File:
    """A file published as it is (a download)."""

    output: str
    data: bytes | str
    source: str


Declared = Planned | File


def pages(site: Site) -> Iterator[Declared]:
    for page in site.pages:
        yield Planned(page.output, page.source, f"{page.template}.html", page, {"page": page, "source": page.source},
                      body=lambda bodies, found, page=page: bodies.page(page, found), lang=page.lang)


def articles(site: Site) -> Iterator[Declared]:
    for article in site.articles:
        yield Planned(article.output, article.source, "article.html", article,
                      {"page": article, "article": article, "source": article.source},
                      body=lambda bodies, found, article=article: bodies.article(article, found))


def datasets(site: Site) -> Iterator[Declared]:
    for name, dataset in sorted(site.datasets.items()):
        yield Planned(dataset.output, dataset.source, "dataset.html", dataset,
                      {"page": dataset, "dataset": dataset, "source": dataset.source})
        yield File(f"data/{name}/{name}.csv", dataset.download, dataset.source)


def sections(site: Site) -> Iterator[Declared]:
    for language, section in edition_sections(site):
        yield Planned(section.output, "content/site.toml", "section.html", section, {"page": section}, lang=language.code)


def indexes(site: Site) -> Iterator[Declared]:
    for language in site.config.languages:
        folder = language.prefix.lstrip("/") + "/" * bool(language.prefix)
        item = language.code if language.prefix else None  # the item tells the editions' keys apart
        yield Planned(f"{folder}articles/index.html", "templates/articles.html", "articles.html", item, {}, lang=language.code)
        if site.config.search:
            yield Planned(f"{folder}search/index.html", "templates/search.html", "search.html", item, {}, lang=language.code)
    yield Planned("404.html", "templates/404.html", "404.html", None, {})
    yield Planned("charts/index.html", "templates/charts.html", "charts.html", None, {})
    yield Planned("data/index.html", "templates/data.html", "data.html", None, {})


def chart_pages(site: Site) -> Iterator[Declared]:
    for chart_id, chart in sorted(site.rendered_charts.items()):
        source = chart.spec.source
        yield Planned(f"charts/{chart_id}/index.html", source, "chart_page.html", chart,
                      {"page": chart.spec, "chart": chart, "source": source})
        yield Planned(chart.embed_url.lstrip("/") + "index.html", source, "chart_embed.html", chart,
                      {"chart": chart, "source": source})
        for suffix, data in (("svg", chart.files.export_svg), ("thumb.svg", chart.files.svg), ("png", chart.files.png), ("csv", chart.files.csv),
                             ("vl.json", chart.files.spec_json)):
            yield File(f"charts/{chart_id}.{suffix}", data, source)


def redirects(site: Site) -> Iterator[Declared]:
    for relative, data, source in redirect_files(site.config, site.pages):
        yield File(relative, data, source)


OUTPUT_KINDS: tuple[Callable[[Site], Iterator[Declared]], ...] = (
    pages, articles, datasets, sections, indexes, chart_pages, redirects)


def planned_outputs(site: Site, catalogues: dict[str, Any] | None = None) -> Iterator[Declared]:
    """Every output of every kind, in a fixed order, then the feeds, which list the
    others (see :func:`~site_builder.feeds.feed_files`; ``catalogues``: each
    language's interface text)."""
    declared_paths = []
    for kind in OUTPUT_KINDS:
        for declared in kind(site):
            declared_paths.append(declared.output)
            yield declared
    for relative, data in feed_files(site, declared_paths, catalogues or {}):
        yield File(relative, data, "feeds")


@dataclass
class Bodies:
    """Turns the bodies of the pages being rendered into HTML, telling the template
    context which figures and charts each used (they are part of what it shows)."""

    root: Path
    refs: References
    context: TemplateContext
    terms: dict[str, tuple[str, str]] = field(default_factory=dict)
    localize: Callable[[str], str] | None = None  # an edition in another language: its links (see .editions)
    prefix: str = ""  # that edition's address prefix

    @functools.cached_property
    def markdown(self) -> Markdown:
        return Markdown(self.terms)  # made only when a page is rendered

    def page(self, page: Page, problems: Problems) -> Rendered | None:
        refs = self.refs
        if any(href.startswith(page.url + "#") for href in refs.glossary.values()):
            refs = dataclasses.replace(refs, glossary={})  # the glossary does not link to itself
        rendered = self.markdown.render(page.body, self.root / page.source, page.body_line, refs, problems)
        html = localize_links(rendered.html, self.localize, self.prefix) if self.localize else rendered.html
        fill(page, html=html, toc=rendered.toc, charts=rendered.charts, figures=rendered.figures, word_count=rendered.words)
        return self._used(rendered)

    def article(self, article: Article, problems: Problems) -> Rendered | None:
        rendered = self.markdown.render_article(article.body, self.root / article.source, self.refs, problems,
                                                article.accepted)
        article.html = rendered.html
        rendered.charts = []  # a quoted article keeps its chart blocks as they are
        return self._used(rendered)

    def _used(self, rendered: Rendered) -> Rendered:
        self.context.record("config", None)  # terms
        self.context.record("glossary", None)  # the terms linked at their first mention
        for key in rendered.figures:
            self.context.record("figures", key)
        for chart_id in rendered.charts:
            self.context.record("chart_html", chart_id)
        return rendered


def render_output(planned: Planned, renderer: Renderer, bodies: Bodies, chart_html: dict[str, str],
                  problems: Problems) -> tuple[str, list[Dependency]] | None:
    """The minified HTML of one planned page and the dependencies its render recorded;
    None when it could not be rendered (reported to ``problems``)."""
    with bodies.context.tracing() as used:
        rendered = planned.body(bodies, problems) if planned.body else None
        if problems.errors:
            return None
        html = renderer.render(planned.template, problems, **planned.values)
    if html is None:
        return None
    for chart_id in rendered.charts if rendered else []:
        html = html.replace(CHART_MARKER.format(chart_id), chart_html.get(chart_id, ""))
    return minify_page(html), sorted(used, key=lambda d: (d[0], d[1] is None, d[1] or ""))


def static_files(static_dir: Path, output: Output) -> dict[str, str]:
    """Copy ``static/`` under content-hashed names. Returns name → URL."""
    urls = {}
    for path in sorted(static_dir.rglob("*")) if static_dir.is_dir() else []:
        if not path.is_file() or path.name.startswith("."):
            continue
        relative = path.relative_to(static_dir).as_posix()
        data = path.read_bytes()
        if path.suffix == ".css":
            data = minify_stylesheet(data.decode("utf-8")).encode("utf-8")
        urls[relative] = write_hashed(output, f"static/{relative}", data, f"static/{relative}")
    return urls


def write_hashed(output: Output, relative: str, data: bytes, source: str) -> str:
    """Write an asset with a content hash in its name, so that it can be cached forever
    (everything under /static/ is served immutable). Returns the URL."""
    suffix = Path(relative).suffix
    relative = relative[: len(relative) - len(suffix)] + f".{hashlib.sha256(data).hexdigest()[:10]}{suffix}"
    output.write(relative, data, source)
    return f"/{relative}"
