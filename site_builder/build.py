"""``site-builder build``: gather and check everything, then render and write.

The build is a flat list of named steps (see :func:`build`). Every stage reports its
mistakes to one :class:`~site_builder.errors.Problems`; the build stops after the
first stage that found any, before a single file is published.
"""

from __future__ import annotations

import functools
import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .addresses import check_addresses
from .cache import base_key, engine_digest, folder_digest, render_key, shared_cache_dir
from .chart_text import chart_figure_keys, load_chart_text
from .charts import ChartRenderer, load_chart_specs, vega_bundle
from .config import load_config
from .claims import claim_figures, load_claims
from .context import TemplateContext
from .data import load_datasets
from .figures import cite_figures, load_figures
from .editions import Editions, check_translations, editions_of
from .errors import Problem, Problems
from .feeds import structured_data
from .i18n import catalogue, edition_config
from .links import ScannedPage, check_links, scan
from .listings import template_context
from .markdown import Markdown, References, glossary_terms
from .memo import InputMemo, Recent, remembered
from .model import Chart, Language, Site, fill
from .outputs import Bodies, File, Planned, planned_outputs, render_output, static_files, write_hashed
from .pages import load_pages
from .parallel import Job, run_jobs
from .paths import Paths
from .render import Renderer
from .seeds import load_articles, seed_options
from .write import DuplicateOutput, Output, OutputPathError

if TYPE_CHECKING:  # loaded when a site has search (its indexer runs a program)
    from .search import SearchIndex


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
    published: dict[str, os.stat_result] | None = None  # each output file's stat once published, when known
    pending: Callable[[Callable[[], bool] | None], None] | None = None  # what a deferred build left for finish()

    def finish(self, superseded: Callable[[], bool] | None = None) -> None:
        """Do what a ``defer`` build left until after publishing: check the links (their
        warnings join :attr:`warnings`) and bring the search index up to date, unless
        ``superseded()`` turns true first (a newer build waits: it will index again)."""
        pending, self.pending = self.pending, None
        if pending is not None:
            pending(superseded)

    def summary(self) -> str:
        return (f"built {self.pages} pages ({self.files} files) in {self.seconds:.2f} s"
                f" → {self.output}" + (f", {len(self.warnings)} warnings" if self.warnings else ""))


def build(root: Path, out: Path | None = None, strict: bool = False, drafts: bool = False,
          cache_dir: Path | None = None, defer: bool = False, memo: InputMemo | None = None,
          chart_cache: Path | None = None) -> Report:
    """Build the site in ``root`` into ``out`` (default: the configured output folder).

    ``defer`` (the preview, where a contributor waits for the page) publishes as soon as
    the pages are written, with the previous search index; :meth:`Report.finish` then
    checks the links and indexes the pages. Broken links are warnings only, so nothing
    that could stop the build is deferred (``strict`` cannot be combined with it).
    ``memo`` keeps loaded inputs from one build to the next (the preview; see :mod:`.memo`).
    ``cache_dir`` holds what this project's builds keep (default ``.cache/site-builder``);
    ``chart_cache`` the renders any build may share (see :func:`.cache.shared_cache_dir`).

    Raises :class:`BuildError` with every problem found; the previous output is then
    left untouched.
    """
    if defer and strict:
        raise ValueError("a strict build cannot defer its link check")
    started = time.perf_counter()
    paths = Paths(root.resolve())
    problems = Problems(paths.root)
    cache_dir = cache_dir or paths.cache
    charts = ChartRenderer(shared_cache_dir(chart_cache), kept=memo.recent("charts") if memo else None)
    charts.start_bundle(paths.charts)  # in the background, while the site loads
    try:
        site = gather(paths, problems, drafts, memo, cache_dir)
        _check_with_references(site, paths, problems, strict)
        render_charts(site, charts, problems)
        _check_with_references(site, paths, problems, strict)
        out = _output_folder(out or paths.root / site.config.output_dir, paths, problems)
        report = Report(chart_renders=charts.renders, output=out)
        link_check = _publish(site, paths, problems, report, cache_dir, charts.cache_dir, drafts, strict, defer, memo)
        report.seconds = time.perf_counter() - started
        if defer:
            report.pending = functools.partial(_finish_deferred, report, problems, link_check, paths.root)
    except BaseException:
        charts.stop()  # a failed build leaves no process rendering for it (the preview builds again and again)
        raise
    finally:
        if memo is not None:
            memo.end_round()
    return report


def _publish(site: Site, paths: Paths, problems: Problems, report: Report, cache_dir: Path, shared_cache: Path,
             drafts: bool, strict: bool, defer: bool, memo: InputMemo | None = None) -> Callable[[Problems], None]:
    """Write every output into ``report.output`` and publish it (links checked unless
    ``defer``; search indexed); fills ``report``. Returns the link check, for a deferred build."""
    kept = KeptFiles(cache_dir, report.output)
    compiled = memo.recent("catalogues") if memo else None  # the preview's, by language and .po bytes
    catalogues = {language.code: catalogue(paths.templates, language, problems, compiled)
                  for language in site.config.languages}
    with Output(report.output, kept.manifest) as output:
        report.pages, scanned = write_site(site, paths, output, problems, cache_dir, shared_cache, noindex=drafts,
                                           catalogues=catalogues, memo=memo)
        problems.check(strict)  # a page that failed to render would only add broken-link noise
        link_check = functools.partial(_link_check, output, paths.root, kept.links, scanned, report)
        if not defer:
            link_check(problems)
            problems.check(strict)
        if site.config.search:
            # one language: one index; several: Pagefind makes one per <html lang>
            language = site.config.language if len(site.config.languages) == 1 else None
            from .search import index_output

            report.search = index_output(output, language, kept.search, defer)
        output.commit()
    if report.search:
        report.search.published()
    report.files, report.reused, report.warnings = len(output.written), output.reused, problems.warnings
    report.published = output.published
    return link_check


@dataclass(frozen=True)
class KeptFiles:
    """What the cache folder keeps for one output folder between builds."""

    cache_dir: Path
    out: Path

    @property
    def folder_id(self) -> str: return hashlib.sha256(str(self.out).encode()).hexdigest()[:16]
    @property
    def manifest(self) -> Path: return self.cache_dir / f"output-{self.folder_id}.json"
    @property
    def links(self) -> Path: return self.cache_dir / f"links-{self.folder_id}.json"
    @property
    def search(self) -> Path: return self.cache_dir / f"search-{self.folder_id}.txt"


def _link_check(output: Output, root: Path, kept: Path, scanned: dict[str, ScannedPage], report: Report,
                problems: Problems) -> None:
    report.link_scans = check_links(output, root, problems, kept, scanned)


def _finish_deferred(report: Report, problems: Problems, link_check: Callable[[Problems], None], root: Path,
                     superseded: Callable[[], bool] | None = None) -> None:
    """What a deferred build leaves until after publishing: the links, then the search
    index (stopped when ``superseded()`` turns true)."""
    found = Problems(root)
    link_check(found)
    report.warnings = problems.warnings + found.warnings
    if report.search:
        report.search.catch_up(superseded)


def gather(paths: Paths, problems: Problems, drafts: bool = False, memo: InputMemo | None = None,
           cache_dir: Path | None = None) -> Site:
    """Load and check every input; nothing is rendered yet. With a ``memo``, the data
    and seed articles whose files did not change since the last build are not parsed again."""
    config = load_config(paths.config, problems)
    problems.check()
    datasets = remembered(memo, "datasets", [paths.data], problems, lambda found: load_datasets(paths.data, found))
    settings, rights = seed_options(config, paths.config, problems)
    articles = remembered(memo, "articles", [paths.seeds, paths.sidecars], problems, lambda found: load_articles(
        paths.seeds, paths.sidecars, paths.root, found, settings, rights, cache_dir) if paths.seeds.is_dir() else [],
        extra=repr((settings, rights)))
    pages = load_pages(paths.pages, config, problems, drafts, cache_dir)
    figures = remembered(memo, "figures", [paths.figures, paths.data], problems,
                         lambda found: load_figures(paths.figures, datasets, found))
    slugs = {a.slug for a in articles}
    claims = remembered(memo, "claims", [paths.claims, paths.data], problems,
                        lambda found: load_claims(paths.claims, slugs, datasets, found), extra=tuple(sorted(slugs)))
    figures = {**figures, **claim_figures(claims, problems.where(paths.claims))}
    charts = load_chart_specs(paths.charts, datasets, problems, config.languages[0].locale)
    site = Site(str(paths.root), config, articles, pages, datasets, figures, claims, charts)
    scans = memo.recent("numerals") if memo else None  # what the numerals check found in each text
    if config.check_numbers:
        from .numerals import check_site as check_numbers

        check_numbers(paths.root, paths.templates, site, problems, scans)  # the text as written, before figures fill it
    written = {cid: chart_figure_keys(spec) for cid, spec in charts.items()}  # before figures fill the text
    cite_figures(paths.root, site, problems)
    site.glossary = _glossary(site, paths, problems)
    site.chart_texts = load_chart_text(paths.charts, config.languages, charts, figures, problems, config.check_numbers,
                                       written, scans)
    check_addresses(site, problems)
    check_translations(editions_of(site), problems)
    return site


def _glossary(site: Site, paths: Paths, problems: Problems) -> dict[str, str]:
    """The terms of the page named by ``glossary`` in site.toml, linked where pages mention them."""
    if not site.config.glossary:
        return {}
    page = next((p for p in site.pages if p.url == site.config.glossary), None)
    if page is None:
        problems.add(paths.config, 0, f"glossary: no page at {site.config.glossary}",
                     "give the address of a page, e.g. glossary = \"/glossary/\"")
        return {}
    return glossary_terms(page.body, page.url)


def _check_with_references(site: Site, paths: Paths, problems: Problems, strict: bool) -> None:
    """Stop if a stage found mistakes, reporting the pages' reference mistakes with them:
    pages are otherwise parsed only when written (and only when changed)."""
    if problems.errors or (strict and problems.items):
        render_markdown(site, paths, problems)
    problems.check(strict)


def render_markdown(site: Site, paths: Paths, problems: Problems) -> None:
    """Turn every page and article body into HTML; unknown references are reported."""
    markdown = Markdown(site.config.terms)
    refs = References(set(site.charts), site.figures, site.config.terms, site.glossary)
    for page in site.pages:
        rendered = markdown.render(page.body, paths.root / page.source, page.body_line, refs, problems)
        fill(page, html=rendered.html, toc=rendered.toc, charts=rendered.charts, figures=rendered.figures,
             word_count=rendered.words)
    for article in site.articles:
        article.html = markdown.render_blocks(article.body, paths.root / article.source, refs, problems, article.accepted)


def render_charts(site: Site, renderer: ChartRenderer, problems: Problems) -> None:
    """Render every chart that a page uses (from the cache where possible), and have
    the Vega bundle ready when there are charts."""
    renderer.credit = f"{site.config.title} · {site.config.base_url}"  # on every downloaded image
    for specs, rendered in [(site.charts, site.rendered_charts)] + [
            (texts, site.translated_charts.setdefault(code, {})) for code, texts in sorted(site.chart_texts.items())]:
        renderer.start(specs, site.datasets)
        for chart_id in sorted(specs):
            spec = specs[chart_id]
            files = renderer.render(spec, site.datasets, problems)
            if files is None:
                continue
            # another language's drawing links to the default's downloads and interactive page
            rendered[chart_id] = Chart(
                spec=spec, svg=files.svg, table_columns=files.columns, table_rows=files.rows,
                csv_url=f"/charts/{chart_id}.csv", json_url=f"/charts/{chart_id}.vl.json",
                png_url=f"/charts/{chart_id}.png", sources=[site.datasets[d] for d in spec.datasets], files=files)
    if site.rendered_charts:
        renderer.wait_for_bundle()


def _output_folder(out: Path, paths: Paths, problems: Problems) -> Path:
    """The resolved output folder; one that is, holds or sits in a source folder is refused."""
    out = out.resolve()
    inputs = [paths.root, paths.content, paths.seeds, paths.templates, paths.static]
    if any(out == p or p.is_relative_to(out) or out.is_relative_to(p) and p != paths.root for p in inputs):
        problems.add(out, 0, "the output folder must not be, contain or sit inside a source folder",
                     "use the default 'public' or another new folder")
        problems.check()
    return out


def write_site(site: Site, paths: Paths, output: Output, problems: Problems, cache_dir: Path, shared_cache: Path,
               noindex: bool = False, catalogues: dict | None = None,
               memo: InputMemo | None = None) -> tuple[int, dict[str, ScannedPage]]:
    """Write every declared output (see :mod:`.outputs`), after the static files: a page
    whose recorded dependencies did not change is kept, the others are rendered. Returns
    the number of pages and the link scans of the pages rendered (for :func:`check_links`).
    ``noindex`` asks search engines to skip every page (a build that shows drafts).
    Each language renders with its own context, catalogue (``catalogues``) and charts;
    ``memo`` (the preview's) keeps each chart's HTML between builds (see :func:`_chart_html`)."""
    assets = static_files(paths.static, output)
    if site.rendered_charts:
        assets["vega.js"] = write_hashed(output, "static/vega.js", vega_bundle(shared_cache).encode(), "vl-convert")
    pairs = editions_of(site)
    shared = engine_digest() + folder_digest(paths.templates)
    instances: dict = {}  # each item's digest, made once per build (see context.fingerprint)
    reuse = _Reuse(shared, instances, memo.recent("chart_html") if memo else None)
    editions = {language.code: _edition(site, pairs, paths, problems, shared_cache, assets, noindex, language,
                                        (catalogues or {}).get(language.code), reuse)
                for language in site.config.languages}
    editions[""] = editions[site.config.languages[0].code]
    jobs = []
    for declared in planned_outputs(site, catalogues):
        try:
            if isinstance(declared, File):
                output.write(declared.output, declared.data, declared.source)
            elif job := _unless_reused(declared, output, shared, (edition := editions[declared.lang]).context, problems, functools.partial(
                    render_output, declared, edition.renderer, edition.bodies, edition.chart_html)):
                jobs.append(job)
        except (OutputPathError, DuplicateOutput) as exc:
            problems.add(declared.source, 0, str(exc))
    if jobs:  # one parser, made here rather than once in each forked worker
        for edition in editions.values():
            edition.bodies.markdown = editions[""].bodies.markdown
    # each worker scans the links of the pages it wrote for the link stage, in parallel
    written, scanned = run_jobs(jobs, output, paths.root, problems, inspect=scan)
    return output.reused + written, scanned


@dataclass
class _Edition:
    """What renders the pages of one language."""

    context: TemplateContext
    renderer: Renderer
    bodies: Bodies
    chart_html: dict[str, str]


def _edition(site: Site, editions: Editions, paths: Paths, problems: Problems, cache_dir: Path, assets: dict[str, str],
             noindex: bool, language: Language, translations, reuse: _Reuse) -> _Edition:
    """The template context, renderer, body renderer and chart HTML of one language."""
    chart_html: dict[str, str] = {}
    context = template_context(site, assets, noindex, chart_html, structured_data, editions.pages(language),
                               edition_config(site.config, language), reuse.instances)
    editions.declare(context, language)
    renderer = Renderer(paths.templates, context, language, cache_dir, translations)
    drawn = {**site.rendered_charts, **site.translated_charts.get(language.code, {})}
    chart_html.update(_chart_html(drawn, renderer, context, language, problems, reuse))
    localize = context.globals()["localize"] if language.prefix else None
    bodies = Bodies(paths.root, References(set(site.charts), site.figures, site.config.terms, _edition_glossary(site, language)),
                    context, site.config.terms, localize, language.prefix)
    return _Edition(context, renderer, bodies, chart_html)


@dataclass(frozen=True)
class _Reuse:
    """What one build's editions share for reuse keys: the engine and templates' digest,
    the digests of the instances digested so far, and the preview's chart HTML (or None)."""

    shared: str
    instances: dict
    chart_html: Recent | None


def _chart_html(drawn: dict[str, Chart], renderer: Renderer, context: TemplateContext, language: Language,
                problems: Problems, reuse: _Reuse) -> dict[str, str]:
    """The HTML of each chart, as pages embed it. The preview keeps each chart's HTML with
    the key of what its render looked at, made as a page's is (the chart, the language,
    the engine and templates, and the current value of each dependency it recorded):
    while that key holds, the chart is not rendered again."""
    html, kept = {}, reuse.chart_html
    for chart_id, chart in sorted(drawn.items()):
        base = base_key(reuse.shared, "chart.html", (language, chart), reuse.instances)
        last = kept.get((language.code, chart_id), lambda: None) if kept is not None else None
        if last is not None and render_key(base, last[1], context) == last[0]:
            html[chart_id] = last[2]
            continue
        with context.tracing() as used:
            rendered = renderer.render("chart.html", problems, chart=chart)
        html[chart_id] = rendered or ""
        # (a chart showing other charts' HTML would see it unfinished: not kept)
        if kept is not None and rendered is not None and all(name != "chart_html" for name, _ in used):
            dependencies = sorted(used, key=lambda d: (d[0], d[1] is None, d[1] or ""))
            kept.put((language.code, chart_id), (render_key(base, dependencies, context), dependencies, rendered))
    return html


def _edition_glossary(site: Site, language: Language) -> dict[str, str]:
    """The glossary terms pages of ``language`` link: its own glossary page's (their
    anchors are that page's), none when it has no translation of the glossary."""
    if not language.prefix:
        return site.glossary
    page = next((p for p in site.pages if site.config.glossary and p.url == language.prefix + site.config.glossary), None)
    return glossary_terms(page.body, page.url) if page else {}


def _unless_reused(planned: Planned, output: Output, shared: str, context: TemplateContext, problems: Problems,
                   render: Callable[[Problems], tuple[str, list] | None]) -> Job | None:
    """Keep the published page when nothing its last render looked at has changed
    (None; the warnings its render gave are reported again); else the job that renders it."""
    recorded = output.recorded(planned.output)
    base = base_key(shared, planned.template, planned.item, context.instances) if recorded else ""
    if recorded and render_key(base, recorded[1], context) == recorded[0] \
            and output.reuse(planned.output, recorded[0], planned.source):
        problems.items.extend(Problem(*fields) for fields in recorded[2])
        return None
    path = output.claim(planned.output, planned.source)
    return Job(planned.output, path, functools.partial(_render_key, base, shared, planned, context), render)


def _render_key(base: str, shared: str, planned: Planned, context: TemplateContext, used: list) -> str:
    """A rendered page's reuse key. A page never rendered into this folder before (every
    page of a clean build) has its ``base`` key made here, where it rendered: in a
    worker, not one page after another before the workers start. Rendering fills only
    fields that keys leave out (see :func:`.model.fill`), so it is the key made before."""
    return render_key(base or base_key(shared, planned.template, planned.item, context.instances), used, context)
