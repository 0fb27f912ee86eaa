"""``site-builder build``: gather and check everything, then render and write.

The build is a flat list of named steps (see :func:`build`). Every stage reports its
mistakes to one :class:`~site_builder.errors.Problems`; the build stops after the
first stage that found any, before a single file is published.
"""

from __future__ import annotations

import functools
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .cache import output_key, site_digest
from .charts import ChartRenderer, load_chart_specs, vega_bundle
from .config import load_config
from .data import load_claims, load_datasets, load_figures
from .editions import check_translations, editions_of
from .errors import Problem, Problems
from .i18n import catalogue
from .links import ScannedPage, check_links, scan
from .feeds import structured_data, write_edition_feed, write_feeds
from .markdown import CHART_MARKER, Markdown, References
from .memo import InputMemo, remembered
from .minify import minify_page, minify_stylesheet
from .model import Article, Chart, Page, Section, Site
from .pages import load_pages
from .parallel import Job, run_jobs
from .render import Renderer
from .search import SearchIndex, index_output
from .seeds import load_articles
from .write import DuplicateOutput, Output, OutputPathError

@dataclass(frozen=True)
class Paths:
    """Where a project keeps each kind of input (all below ``root``)."""

    root: Path

    @property
    def content(self) -> Path: return self.root / "content"
    @property
    def config(self) -> Path: return self.content / "site.toml"
    @property
    def pages(self) -> Path: return self.content / "pages"
    @property
    def data(self) -> Path: return self.content / "data"
    @property
    def charts(self) -> Path: return self.content / "charts"
    @property
    def claims(self) -> Path: return self.content / "claims"
    @property
    def figures(self) -> Path: return self.content / "figures.yaml"
    @property
    def sidecars(self) -> Path: return self.content / "seeds"
    @property
    def seeds(self) -> Path: return self.root / "seeds"
    @property
    def templates(self) -> Path: return self.root / "templates"
    @property
    def static(self) -> Path: return self.root / "static"
    @property
    def cache(self) -> Path: return self.root / ".cache" / "site-builder"


@dataclass
class Report:
    """What a build did, for the summary line and for tests."""

    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    chart_renders: int = 0
    reused: int = 0  # pages whose inputs had not changed: linked, not rendered
    link_scans: int = 0  # HTML files the link stage parsed (the others' links were cached)
    search: SearchIndex | None = None
    warnings: list[Problem] = field(default_factory=list)
    output: Path | None = None
    pending: Callable[[], None] | None = None  # what a deferred build left for finish()

    def finish(self) -> None:
        """Do what a ``defer`` build left until after publishing: check the links (their
        warnings join :attr:`warnings`) and bring the search index up to date."""
        pending, self.pending = self.pending, None
        if pending is not None:
            pending()

    def summary(self) -> str:
        return (f"built {self.pages} pages ({self.files} files) in {self.seconds:.2f} s"
                f" → {self.output}" + (f", {len(self.warnings)} warnings" if self.warnings else ""))


def build(root: Path, out: Path | None = None, strict: bool = False, drafts: bool = False,
          cache_dir: Path | None = None, defer: bool = False, memo: InputMemo | None = None) -> Report:
    """Build the site in ``root`` into ``out`` (default: the configured output folder).

    ``defer`` (the preview, where a contributor waits for the page) publishes as soon as
    the pages are written, with the previous search index; :meth:`Report.finish` then
    checks the links and indexes the pages. Broken links are warnings only, so nothing
    that could stop the build is deferred (``strict`` cannot be combined with it).
    ``memo`` keeps loaded inputs from one build to the next (the preview; see :mod:`.memo`).

    Raises :class:`BuildError` with every problem found; the previous output is then
    left untouched.
    """
    if defer and strict:
        raise ValueError("a strict build cannot defer its link check")
    started = time.perf_counter()
    paths = Paths(root.resolve())
    problems = Problems(paths.root)
    renderer = ChartRenderer(cache_dir or paths.cache)
    renderer.start_bundle(paths.charts)  # in the background, while the site loads
    site = gather(paths, problems, drafts, memo, cache_dir or paths.cache)
    _check_with_references(site, paths, problems, strict)
    render_charts(site, renderer, problems)
    _check_with_references(site, paths, problems, strict)
    out = (out or paths.root / site.config.output_dir).resolve()
    _check_output_folder(out, paths, problems)
    report = Report(chart_renders=renderer.renders, output=out)
    folder_id = hashlib.sha256(str(out).encode()).hexdigest()[:16]
    manifest = renderer.cache_dir / f"output-{folder_id}.json"
    links = renderer.cache_dir / f"links-{folder_id}.json"
    catalogues = {language.code: catalogue(paths.templates, language, problems) for language in site.config.languages}
    with Output(out, manifest) as output:
        report.pages, scanned = write_site(site, paths, output, problems, renderer.cache_dir, noindex=drafts,
                                           catalogues=catalogues)
        problems.check(strict)  # a page that failed to render would only add broken-link noise
        write_feeds(site.config, site.articles, output)
        for language in site.config.languages[1:]:
            write_edition_feed(site.config, language, site.articles, catalogues[language.code], output)
        if not defer:
            report.link_scans = check_links(output, paths.root, problems, links, scanned)
            problems.check(strict)
        if site.config.search:
            # one language: one index; several: Pagefind makes one per <html lang>
            language = site.config.language if len(site.config.languages) == 1 else None
            report.search = index_output(output, language, renderer.cache_dir / f"search-{folder_id}.txt", defer)
        output.commit()
    if report.search:
        report.search.published()
    report.files, report.reused = len(output.written), output.reused
    report.warnings = problems.warnings
    report.seconds = time.perf_counter() - started
    if defer:
        def pending() -> None:
            found = Problems(paths.root)
            report.link_scans = check_links(output, paths.root, found, links, scanned)
            report.warnings = problems.warnings + found.warnings
            if report.search:
                report.search.catch_up()
        report.pending = pending
    return report


def gather(paths: Paths, problems: Problems, drafts: bool = False, memo: InputMemo | None = None,
           cache_dir: Path | None = None) -> Site:
    """Load and check every input; nothing is rendered yet. With a ``memo``, the data
    and seed articles whose files did not change since the last build are not parsed again."""
    config = load_config(paths.config, problems)
    problems.check()
    datasets = remembered(memo, "datasets", [paths.data], problems, lambda found: load_datasets(paths.data, found))
    articles = remembered(memo, "articles", [paths.seeds, paths.sidecars], problems, lambda found: load_articles(
        paths.seeds, paths.sidecars, paths.root, found) if paths.seeds.is_dir() else [])
    pages = load_pages(paths.pages, config, problems, drafts, cache_dir)
    figures = remembered(memo, "figures", [paths.figures, paths.data], problems,
                         lambda found: load_figures(paths.figures, datasets, found))
    slugs = {a.slug for a in articles}
    claims = remembered(memo, "claims", [paths.claims, paths.data], problems,
                        lambda found: load_claims(paths.claims, slugs, datasets, found), extra=tuple(sorted(slugs)))
    charts = load_chart_specs(paths.charts, datasets, problems)
    site = Site(str(paths.root), config, articles, pages, datasets, figures, claims, charts)
    _check_links(site, problems)
    check_translations(editions_of(site, []), problems)
    return site


def _check_links(site: Site, problems: Problems) -> None:
    slugs = {a.slug for a in site.articles}
    for page in site.pages:
        for slug in page.articles:
            if slug not in slugs:
                problems.add(page.source, 1, f"unknown article '{slug}' in 'articles'", f"known: {', '.join(sorted(slugs))}")
    owners: dict[str, str] = {}
    reserved = {"/articles/": "the article index", "/404.html": "the 404 page", "/search/": "the search page"}
    items = list(reserved.items()) + [(p.url, p.source) for p in site.pages]  # reserved first: the page is at fault
    items += [(a.url, a.source) for a in site.articles] + [(d.url, d.source) for d in site.datasets.values()]
    for url, source in items:
        key = url.lower()
        if key in owners and owners[key] != source:
            problems.add(source, 1, f"its address {url} is already used by {owners[key]}", "rename the file or set another slug")
        owners.setdefault(key, source)


def _check_with_references(site: Site, paths: Paths, problems: Problems, strict: bool) -> None:
    """Stop if a stage found mistakes, reporting the pages' reference mistakes with them:
    pages are otherwise parsed only when written (and only when changed)."""
    if problems.errors or (strict and problems.items):
        render_markdown(site, paths, problems)
    problems.check(strict)


def render_markdown(site: Site, paths: Paths, problems: Problems) -> None:
    """Turn every page and article body into HTML; unknown references are reported."""
    markdown = Markdown(site.config.terms)
    refs = References(set(site.charts), site.figures, site.config.terms)
    for page in site.pages:
        rendered = markdown.render(page.body, paths.root / page.source, page.body_line, refs, problems)
        page.html, page.toc, page.charts, page.figures = rendered.html, rendered.toc, rendered.charts, rendered.figures
        page.word_count = rendered.words
    for article in site.articles:
        article.html = markdown.render_blocks(article.body, paths.root / article.source, refs, problems)


def render_charts(site: Site, renderer: ChartRenderer, problems: Problems) -> None:
    """Render every chart that a page uses (from the cache where possible), and have
    the Vega bundle ready when there are charts."""
    renderer.start(site.charts, site.datasets)
    for chart_id in sorted(site.charts):
        spec = site.charts[chart_id]
        files = renderer.render(spec, site.datasets, problems)
        if files is None:
            continue
        site.rendered_charts[chart_id] = Chart(
            spec=spec, svg=files.svg, table_columns=files.columns, table_rows=files.rows,
            csv_url=f"/charts/{chart_id}.csv", json_url=f"/charts/{chart_id}.vl.json",
            png_url=f"/charts/{chart_id}.png", sources=[site.datasets[d] for d in spec.datasets], files=files)
    if site.rendered_charts:
        renderer.wait_for_bundle()


def _check_output_folder(out: Path, paths: Paths, problems: Problems) -> None:
    inputs = [paths.root, paths.content, paths.seeds, paths.templates, paths.static]
    if any(out == p or p.is_relative_to(out) or out.is_relative_to(p) and p != paths.root for p in inputs):
        problems.add(out, 0, "the output folder must not be, contain or sit inside a source folder",
                     "use the default 'public' or another new folder")
        problems.check()


def write_site(site: Site, paths: Paths, output: Output, problems: Problems, cache_dir: Path,
               noindex: bool = False, catalogues: dict | None = None) -> tuple[int, dict[str, ScannedPage]]:
    """Render every page whose inputs changed (keep the others) and write it, with static
    files, charts and data downloads. Returns the number of pages and the link scans of
    the pages rendered (for :func:`check_links`). ``noindex`` asks search engines to skip
    every page (a build that shows drafts). ``catalogues`` hold each language's
    interface text (see :func:`~site_builder.i18n.catalogue`)."""
    assets = write_static(paths.static, output)
    if site.rendered_charts:
        assets["vega.js"] = _write_hashed(output, "static/vega.js", vega_bundle(cache_dir).encode(), "vl-convert")
    default = site.config.languages[0]
    catalogues = catalogues or {}
    indexes = _section_indexes(site, _listings(site, [p for p in site.pages if p.lang == default.code])["sections"])
    editions = editions_of(site, [section.url for section in indexes])
    def asset(name: str) -> str:
        if name not in assets:
            raise KeyError(f"no static file '{name}' (files: {', '.join(sorted(assets))})")
        return assets[name]

    renderers, contexts, chart_html = {}, {}, {}
    for language in site.config.languages:  # one renderer per language, its listings made once
        context = contexts[language.code] = _listings(site, editions.pages(language))
        renderer = renderers[language.code] = Renderer(paths.templates, {
            "site": site, "config": editions.config(site.config, language), "asset": asset, "noindex": noindex,
            **context, **editions.globals(language),
            "structured_data": lambda items, image="": structured_data(site.config, items, image)},
            language, cache_dir, catalogues.get(language.code))
        chart_html[language.code] = {cid: renderer.render("chart.html", problems, chart=chart) or ""
                                     for cid, chart in sorted(site.rendered_charts.items())}
    renderer = renderers[default.code]
    markdown = functools.cache(lambda: Markdown(site.config.terms))  # made only if a page is rendered
    refs = References(set(site.charts), site.figures, site.config.terms)
    site_key = site_digest(site, paths.templates, assets) + f"noindex={noindex}"
    jobs: list[Job] = []

    def plan(relative: str, source: str, template: str, item: object, text: str, render, lang: str = default.code) -> None:
        key = output_key(site_key, template, item, chart_html[lang], text)

        def minified(found: Problems) -> str | None:
            html = render(found)
            return None if html is None else minify_page(html)
        try:
            if not output.reuse(relative, key, source):
                jobs.append(Job(relative, output.claim(relative, source), key, minified))
        except (OutputPathError, DuplicateOutput) as exc:
            problems.add(source, 0, str(exc))

    def page_job(page: Page):
        def render(found: Problems) -> str | None:
            rendered = markdown().render(page.body, paths.root / page.source, page.body_line, refs, found)
            if found.errors:
                return None
            page.html, page.toc, page.charts, page.figures = rendered.html, rendered.toc, rendered.charts, rendered.figures
            page.html, page.word_count = editions.localize_links(page.html, page.lang), rendered.words
            html = renderers[page.lang].render(f"{page.template}.html", found, page=page, source=page.source)
            for chart_id in page.charts if html is not None else []:
                html = html.replace(CHART_MARKER.format(chart_id), chart_html[page.lang].get(chart_id, ""))
            return html
        return render

    def article_job(article: Article):
        def render(found: Problems) -> str | None:
            article.html = markdown().render_blocks(article.body, paths.root / article.source, refs, found)
            return None if found.errors else renderer.render("article.html", found, page=article, article=article, source=article.source)
        return render

    def template_job(template: str, lang: str = default.code, **values):
        return lambda found: renderers[lang].render(template, found, **values)

    for page in site.pages:
        plan(page.output, page.source, page.template, page, page.body, page_job(page), page.lang)
    for article in site.articles:
        plan(article.output, article.source, "article", article, "", article_job(article))
    for name, dataset in sorted(site.datasets.items()):
        plan(dataset.output, dataset.source, "dataset", dataset, "",
             template_job("dataset.html", page=dataset, dataset=dataset, source=dataset.source))
        output.write(f"data/{name}/{name}.csv", dataset.download, dataset.source)
    for language in site.config.languages:
        code, folder = language.code, language.prefix.lstrip("/") + "/" * bool(language.prefix)
        for section in _section_indexes(site, contexts[code]["sections"]):
            section = editions.section(section, language, catalogues.get(code))
            plan(section.output, "content/site.toml", "section", section.url, "", template_job("section.html", code, page=section), code)
        plan(f"{folder}articles/index.html", "templates/articles.html", "articles", code, "", template_job("articles.html", code), code)
        if site.config.search:
            plan(f"{folder}search/index.html", "templates/search.html", "search", code, "", template_job("search.html", code), code)
    plan("404.html", "templates/404.html", "404", "", "", template_job("404.html"))
    for chart_id, chart in sorted(site.rendered_charts.items()):
        plan(f"charts/{chart_id}/index.html", chart.spec.source, "chart_page", chart_id, chart_id,
             template_job("chart_page.html", page=chart.spec, chart=chart, source=chart.spec.source))
        files = chart.files
        output.write(f"charts/{chart_id}.svg", files.svg, chart.spec.source)
        output.write(f"charts/{chart_id}.png", files.png, chart.spec.source)
        output.write(f"charts/{chart_id}.csv", files.csv, chart.spec.source)
        output.write(f"charts/{chart_id}.vl.json", files.spec_json, chart.spec.source)
    if jobs:
        markdown()  # once, here, rather than once in each forked worker
    # each worker scans the links of the pages it wrote for the link stage, in parallel
    written, scanned = run_jobs(jobs, output, paths.root, problems, inspect=scan)
    return output.reused + written, scanned


def _listings(site: Site, pages: list[Page]) -> dict:
    """Site-wide lists every template of one language (showing ``pages``) may show,
    computed once per build."""
    sections: dict[str, list[Page]] = {}
    for page in pages:
        sections.setdefault(page.section, []).append(page)
    by_slug = {a.slug: a for a in site.articles}
    cited_by: dict[str, list[Page]] = {a.slug: [] for a in site.articles}
    for page in pages:
        for slug in page.articles:
            cited_by[slug].append(page)
    neighbours: dict[str, tuple[Page | None, Page | None]] = {}
    for section, members in sections.items():
        ordered = [p for p in members if p.slug != "index" and p.url != f"/{section}/"] if section else []
        for i, page in enumerate(ordered):
            neighbours[page.url] = (ordered[i - 1] if i else None, ordered[i + 1] if i + 1 < len(ordered) else None)
    articles = sorted(site.articles, key=lambda a: (_sort_date(a), a.slug), reverse=True)
    articles_for = {page.url: [by_slug[s] for s in page.articles if s in by_slug] for page in pages}
    return {"sections": sections, "articles": articles, "articles_by_slug": by_slug, "cited_by": cited_by,
            "articles_for": articles_for, "neighbours": neighbours, "claims": site.claims, "all_claims": [c for slug in sorted(site.claims) for c in site.claims[slug]]}


def _section_indexes(site: Site, sections: dict[str, list[Page]]) -> list[Section]:
    """An index page for each configured section that has no index.md of its own."""
    indexes = []
    for name, settings in sorted(site.config.sections.items()):
        members = [p for p in sections.get(name, []) if p.url != f"/{name}/"]
        if any(p.url == f"/{name}/" for p in site.pages):
            continue
        indexes.append(Section(name, str(settings.get("title", name.title())), str(settings.get("summary", "")),
                               f"/{name}/", f"{name}/index.html", members))
    return indexes


def _sort_date(article: Article) -> str:
    date = article.original_published or article.published
    return date.isoformat()[:10] if date else ""


def write_static(static_dir: Path, output: Output) -> dict[str, str]:
    """Copy ``static/`` under content-hashed names. Returns name → URL."""
    urls = {}
    for path in sorted(static_dir.rglob("*")) if static_dir.is_dir() else []:
        if not path.is_file() or path.name.startswith("."):
            continue
        relative = path.relative_to(static_dir).as_posix()
        data = path.read_bytes()
        if path.suffix == ".css":
            data = minify_stylesheet(data.decode("utf-8")).encode("utf-8")
        urls[relative] = _write_hashed(output, f"static/{relative}", data, f"static/{relative}")
    return urls


def _write_hashed(output: Output, relative: str, data: bytes, source: str) -> str:
    """Write an asset with a content hash in its name, so that it can be cached forever
    (everything under /static/ is served immutable). Returns the URL."""
    suffix = Path(relative).suffix
    relative = relative[: len(relative) - len(suffix)] + f".{hashlib.sha256(data).hexdigest()[:10]}{suffix}"
    output.write(relative, data, source)
    return f"/{relative}"
