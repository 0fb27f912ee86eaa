"""The chart stage: chart definitions registered from content modules, rendered at
build time to inline SVG (plus PNG, CSV and the Vega-Lite spec) with vl-convert.

A content module declares charts with the :func:`chart` decorator and imports Altair
inside the function only, so that registering charts costs nothing. Rendered charts
are cached by the hash of the module source, the datasets and the theme: when every
chart is cached, Altair and vl-convert are never imported.
"""

from __future__ import annotations

import copy
import csv
import functools
import hashlib
import io
import json
import os
import re
import sys
import time
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from markupsafe import escape

from . import exports
from .addresses import is_slug
from .errors import Problems, did_you_mean
from .exports import credit_lines, with_credits
from .inputs import list_files, read_text
from .model import ChartSpec, Dataset
from .chart_text import drawn_in, relabel
from .parallel import Background

if TYPE_CHECKING:
    from .memo import Recent
from .write import write_atomically

CACHE_VERSION = "5"  # 5: charts draw data-built labels in their language
CHART_LIBRARIES = ("altair", "vl-convert-python")  # their versions are part of each chart's cache key
TEXT = "#010101"   # sentinel colours replaced with currentColor so charts follow dark mode
RULE = "#020202"
SVG_THEME = {
    # right padding: a reader's font may draw a label wider than vl-convert measured it,
    # and the inline SVG clips what passes its edge (CJK labels did by a few pixels); no
    # more than that, or the charts shrink below 12 px text in a 360 px phone's column
    "padding": {"left": 5, "top": 5, "bottom": 5, "right": 8},
    "background": None, "font": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    "view": {"stroke": None},
    "axis": {"labelFontSize": 12, "titleFontSize": 13, "labelColor": TEXT, "titleColor": TEXT,
             "domainColor": RULE, "tickColor": RULE, "gridColor": RULE, "gridOpacity": 0.18},
    "legend": {"labelFontSize": 12, "titleFontSize": 13, "labelColor": TEXT, "titleColor": TEXT},
    "title": {"fontSize": 15, "color": TEXT, "subtitleColor": TEXT},
    "header": {"labelFontSize": 12, "titleFontSize": 13, "labelColor": TEXT, "titleColor": TEXT},
    "text": {"fontSize": 12, "color": TEXT},
}
PNG_THEME = json.loads(json.dumps(SVG_THEME).replace(TEXT, "#1a1a1a").replace(RULE, "#555555"))
PNG_THEME["background"] = "#ffffff"
_DECLARED = re.compile(r"""@chart\(\s*(?:id\s*=\s*)?["']([a-z0-9-]+)["']""")  # ids a module that failed meant to declare


def chart(id: str, *, title: str, takeaway: str, description: str, datasets: list[str],
          notes: list[str] | tuple[str, ...] = (), files: list[str | Path] | tuple = ()) -> Callable:
    """Declare a chart. The decorated function takes ``data`` (dataset name → Dataset)
    and returns ``(altair_chart, rows)`` where ``rows`` are exactly the plotted values.

    ``files`` names any other file the function reads (a boundary file, say), relative to
    the module's folder, so that editing it renders the chart again."""

    def register(function: Callable) -> Callable:
        function.__chart__ = dict(id=id, title=title, takeaway=takeaway, description=description,
                                  datasets=list(datasets), notes=list(notes), files=[str(f) for f in files])
        return function

    return register


def load_chart_specs(charts_dir: Path, datasets: dict[str, Dataset], problems: Problems,
                     locale: str = "en") -> dict[str, ChartSpec]:
    """Run each ``*.py`` module in ``charts_dir`` afresh and collect its charts, drawn in
    the default language's ``locale``."""
    specs: dict[str, ChartSpec] = {}
    for path in list_files(charts_dir, problems, (".py",), recursive=False):
        source = read_text(path, problems)
        if source is None:
            continue
        module = types.ModuleType(f"site_charts_{path.stem}")
        module.__file__ = str(path)
        try:
            exec(_compiled(source, str(path)), module.__dict__)
        except Exception as exc:  # content code: report it where it happened
            since = len(problems.items)
            problems.add(path, _error_line(exc, path), f"chart module failed to load: {type(exc).__name__}: {exc}")
            problems.failed(f"file:{problems.where(path)}", since)
            for chart_id in _DECLARED.findall(source):  # pages placing its charts are named with it
                problems.failed_with(f"chart:{chart_id}", f"file:{problems.where(path)}")
            continue
        digest = hashlib.sha256(source.encode()).hexdigest()
        for name in sorted(vars(module)):
            function = getattr(module, name)
            meta = getattr(function, "__chart__", None)
            if meta is None or function.__code__.co_filename != str(path):
                continue  # not a chart, or one imported from elsewhere
            line = function.__code__.co_firstlineno
            if not isinstance(meta["id"], str) or not is_slug(meta["id"]):
                problems.add(path, line, f"chart id {meta['id']!r} is not a clean URL slug (a-z, 0-9 and '-')",
                             "chart ids become addresses like /charts/<id>/")
                continue
            if meta["id"] in specs:
                problems.add(path, line, f"chart id '{meta['id']}' is already defined in {specs[meta['id']].source}")
                continue
            unknown = [d for d in meta["datasets"] if d not in datasets]
            if unknown:
                if not problems.blocked([f"dataset:{d}" for d in unknown], f"chart:{meta['id']}"):
                    problems.add(path, line, f"chart '{meta['id']}' uses unknown dataset '{unknown[0]}'",
                                 did_you_mean(unknown[0], datasets))
                continue
            extra = _files_digest(path.parent, meta.pop("files"), path, line, problems)
            if extra is None:
                continue
            specs[meta["id"]] = ChartSpec(source=problems.where(path), line=line, function=function,
                                          module_digest=hashlib.sha256((digest + extra).encode()).hexdigest(), locale=locale, **meta)
    return specs


@functools.lru_cache(maxsize=64)
def _compiled(source: str, filename: str) -> types.CodeType:
    """The module's code object; compiling is most of what loading a chart module costs,
    and the preview loads every module again on each save. Keyed by the exact source,
    so an edited module is compiled (and run) afresh."""
    return compile(source, filename, "exec")


def _files_digest(folder: Path, files: list[str], path: Path, line: int, problems: Problems) -> str | None:
    """One hash over the extra files a chart reads; a missing file is reported."""
    digest = hashlib.sha256()
    for name in sorted(files):
        target = folder / name
        if not target.is_file():
            problems.add(path, line, f"chart reads '{name}', which does not exist", "paths are relative to the module's folder")
            return None
        digest.update(Path(name).name.encode() + b"\0" + target.read_bytes())  # not the absolute path: caches move
    return digest.hexdigest()


def _error_line(exc: BaseException, path: Path) -> int:
    if isinstance(exc, SyntaxError) and exc.lineno:
        return exc.lineno
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(path)]
    return frames[-1].lineno if frames else 1


UNKEYED = {"keyed": False}  # the key stands for them (see .context.fingerprint)


@dataclass
class RenderedFiles:
    """What rendering one chart produces; stored in the cache as is, under ``key``
    (:meth:`ChartRenderer.cache_key`), which stands for it in reuse keys: equal keys,
    equal files, so a page's key need not walk a PNG's bytes."""

    key: str
    svg: str = field(metadata=UNKEYED)           # lean, for pages (currentColor, no title: the page shows them)
    png: bytes = field(metadata=UNKEYED)         # the download, with title, takeaway, source, notes and credit
    spec_json: str = field(metadata=UNKEYED)
    export_svg: str = field(metadata=UNKEYED)    # the SVG download, like the PNG
    columns: list[str] = field(metadata=UNKEYED)
    rows: list[list[Any]] = field(metadata=UNKEYED)
    csv: str = field(metadata=UNKEYED)


@dataclass
class ChartRenderer:
    """Renders charts, reusing cached results; ``renders`` counts real renders.

    What the cache lacks is rendered in background processes (see :meth:`start` and
    :meth:`start_bundle`): vl-convert runs on one core and keeps Python's lock while it
    does, so the charts and the Vega bundle go to two children, one core each, while
    this process loads the site. The children write the cache, as a render here would,
    and send back what they made: the bytes are the same either way. A process that
    has loaded vl-convert itself renders here instead: its runtime's threads do not
    survive a fork, and a child using it would hang.
    """

    cache_dir: Path
    credit: str = ""  # the site's name and address, printed on every downloaded image
    renders: int = 0
    kept: Recent | None = field(default=None, repr=False)  # the last build's files, in memory (the preview)
    _rendering: Background | None = field(default=None, repr=False)
    _bundling: Background | None = field(default=None, repr=False)
    _waiting: set[str] = field(default_factory=set, repr=False)  # ids the background process renders
    _cached: dict[str, RenderedFiles | None] = field(default_factory=dict, repr=False)  # read by start()

    def start_bundle(self, charts_dir: Path) -> None:
        """Begin making the Vega bundle in the background when the project has chart
        modules and the cache lacks it (see :func:`vega_bundle`). It takes seconds and
        needs nothing from the site, so it starts before the site is loaded; a project
        whose modules turn out to define no chart only wasted a background core."""
        if (self._bundling is None and _may_fork() and not bundle_path(self.cache_dir).is_file()
                and any(charts_dir.glob("*.py"))):
            self._bundling = Background(lambda: vega_bundle(self.cache_dir) and None)

    def stop(self) -> None:
        """End the background renders (a build that failed); the cache keeps only whole files."""
        for process in (self._rendering, self._bundling):
            if process is not None:
                process.stop()

    def wait_for_bundle(self) -> None:
        """Return once the Vega bundle started by :meth:`start_bundle` is in the cache."""
        if self._bundling is not None:
            self._bundling.result()

    def start(self, specs: dict[str, ChartSpec], datasets: dict[str, Dataset]) -> None:
        """Begin rendering, in a background process, every chart in ``specs`` that the
        cache lacks; :meth:`render` then waits for it. Content code runs there too: a
        chart module's mistakes are still reported by :meth:`render`."""
        self._cached = {chart_id: self._read_kept(self.cache_key(spec, datasets)) for chart_id, spec in sorted(specs.items())}
        missing = [specs[chart_id] for chart_id, files in self._cached.items() if files is None]
        if missing and _may_fork():
            self._rendering = Background(lambda: self._render_missing(missing, datasets))
            self._waiting = {spec.id for spec in missing}

    def _render_missing(self, specs: list[ChartSpec], datasets: dict[str, Dataset]) -> dict[str, RenderedFiles | ChartError]:
        """In the background process: each chart's files (cached) or its ChartError."""
        made: dict[str, RenderedFiles | ChartError] = {}
        for spec in specs:
            key = self.cache_key(spec, datasets)
            try:
                made[spec.id] = self._render(spec, datasets, key)
            except ChartError as exc:
                made[spec.id] = exc
                continue
            self._write_cache(key, made[spec.id])
        return made

    def cache_key(self, spec: ChartSpec, datasets: dict[str, Dataset]) -> str:
        """What a chart's files depend on: its module, its data, the theme, and the
        versions of the libraries that draw it (an upgrade renders every chart again)."""
        from .cache import version

        parts = [CACHE_VERSION, spec.id, spec.module_digest, json.dumps(SVG_THEME, sort_keys=True),
                 spec.title, spec.description, spec.takeaway, *spec.notes, self.credit,  # with their figures filled in, and drawn into the downloads
                 spec.lang, spec.locale, json.dumps(spec.labels, sort_keys=True, ensure_ascii=False)]
        parts += [f"{name}={version(name)}" for name in CHART_LIBRARIES]
        parts += [datasets[name].digest for name in spec.datasets]
        parts.append(_exports_digest())  # how the downloads are laid out
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]

    def render(self, spec: ChartSpec, datasets: dict[str, Dataset], problems: Problems) -> RenderedFiles | None:
        """The chart's files: from the background process, the cache, or rendered here.
        A chart that cannot be rendered is reported to ``problems``; None is returned."""
        try:
            files = self._made_in_background(spec.id) or self._cached.pop(spec.id, None)
            if files is not None:
                return files
            key = self.cache_key(spec, datasets)
            cached = self._read_kept(key)
            if cached:
                return cached
            files = self._render(spec, datasets, key)
        except ChartError as exc:
            problems.add(spec.source, spec.line, f"chart '{spec.id}': {exc}")
            return None
        self._write_cache(key, files)
        return files

    def _made_in_background(self, chart_id: str) -> RenderedFiles | None:
        """What the background process made of this chart, waiting for it (raising
        the chart's ChartError); None when it was not asked to render it."""
        if chart_id not in self._waiting:
            return None
        made = self._rendering.result()
        self._waiting.discard(chart_id)
        if isinstance(made[chart_id], ChartError):
            raise made[chart_id]
        self.renders += 1
        return made[chart_id]

    def _read_kept(self, key: str) -> RenderedFiles | None:
        """The files cached under ``key``: those the last build read (:attr:`kept`), else from the cache folder."""
        return self._read_cache(key) if self.kept is None else self.kept.get(key, lambda: self._read_cache(key))

    def _read_cache(self, key: str) -> RenderedFiles | None:
        meta, png = self.cache_dir / f"{key}.json", self.cache_dir / f"{key}.png"
        if not (meta.is_file() and png.is_file()):
            return None
        try:
            data = json.loads(meta.read_text("utf-8"))
            return RenderedFiles(key=key, png=png.read_bytes(), **data)
        except (ValueError, TypeError):
            return None

    def _write_cache(self, key: str, files: RenderedFiles) -> None:
        data = {k: v for k, v in vars(files).items() if k not in ("png", "key")}  # the key is the file's name
        for name, payload in ((f"{key}.png", files.png), (f"{key}.json", json.dumps(data).encode())):
            write_atomically(self.cache_dir / name, payload)  # two builds may write it at once

    def _render(self, spec: ChartSpec, datasets: dict[str, Dataset], key: str) -> RenderedFiles:
        os.environ["TZ"] = "UTC"  # temporal scales render in the process time zone
        time.tzset()
        import vl_convert  # deferred: only a chart that is not cached pays for it

        data = {name: copy.deepcopy(datasets[name]) for name in spec.datasets}
        try:
            with drawn_in(spec.locale, spec.labels):
                result = spec.function(data)
            chart_obj, rows = result
            vl_spec = relabel(chart_obj.to_dict(), spec.labels)
        except Exception as exc:  # content code
            raise ChartError(f"{type(exc).__name__}: {exc}") from None
        if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
            raise ChartError("the function must return (chart, rows) with rows a non-empty list of dicts")
        if re.search(r'"url"\s*:\s*"', json.dumps(vl_spec)):
            raise ChartError("the spec loads data from a URL; pass the rows inline with alt.Data(values=rows)")
        vl_spec.setdefault("description", spec.description)
        svg_spec = _themed(vl_spec, SVG_THEME)
        png_spec = _themed(vl_spec, PNG_THEME)
        sources = [datasets[name] for name in spec.datasets]
        try:
            svg = vl_convert.vegalite_to_svg(svg_spec, allowed_base_urls=[])
            width = float(re.search(r'<svg[^>]*?\swidth="([\d.]+)', svg).group(1))  # the text wraps to it
            export_spec = with_credits(png_spec, spec, credit_lines(spec, sources, self.credit, width), width)
            png = vl_convert.vegalite_to_png(export_spec, scale=2, allowed_base_urls=[])
            export_svg = vl_convert.vegalite_to_svg(export_spec, allowed_base_urls=[])
        except Exception as exc:  # vl-convert reports spec errors as ValueError
            raise ChartError(f"Vega-Lite could not render the spec: {exc}") from None
        self.renders += 1
        columns = list(rows[0])
        table = relabel([[row.get(c) for c in columns] for row in rows], spec.labels)
        columns = relabel(columns, spec.labels)
        return RenderedFiles(key=key, svg=_accessible_svg(svg, spec), png=png, export_svg=export_svg,
                             spec_json=json.dumps(png_spec, indent=1, sort_keys=True, ensure_ascii=False),
                             columns=columns, rows=table, csv=to_csv(columns, table))


@functools.cache
def _exports_digest() -> str:
    return hashlib.sha256(Path(exports.__file__).read_bytes()).hexdigest()


def vega_bundle(cache_dir: Path) -> str:
    """The self-contained Vega, Vega-Lite and Vega-Embed bundle for interactive charts,
    made by vl-convert once per installed version and cached (it takes seconds)."""
    path = bundle_path(cache_dir)
    if path.is_file():
        return path.read_text("utf-8")
    import vl_convert

    bundle = vl_convert.javascript_bundle()
    write_atomically(path, bundle)  # two builds may make it at once
    return bundle


def bundle_path(cache_dir: Path) -> Path:
    """Where the cache keeps the Vega bundle of the installed vl-convert."""
    from .cache import version

    return cache_dir / f"vega-bundle-{CACHE_VERSION}-{version('vl-convert-python')}.js"


def _may_fork() -> bool:
    """Whether a forked child may use vl-convert: not once this process has loaded it."""
    return "vl_convert" not in sys.modules


class ChartError(Exception):
    """A chart function or spec that cannot be rendered (reported as path:line)."""


def _themed(vl_spec: dict, theme: dict) -> dict:
    themed = copy.deepcopy(vl_spec)
    config = copy.deepcopy(theme)
    for key, value in (vl_spec.get("config") or {}).items():
        config[key] = {**config.get(key, {}), **value} if isinstance(value, dict) and isinstance(config.get(key), dict) else value
    themed["config"] = config
    if theme["background"] is None:
        themed["config"].pop("background")
        themed["background"] = "transparent"
    return themed


def _accessible_svg(svg: str, spec: ChartSpec) -> str:
    """Give the SVG a role, title and description, unique ids, and theme colours."""
    prefix = f"c-{spec.id}-"
    svg = re.sub(r' d="([^"]*)"', lambda m: f' d="{_round_numbers(m.group(1))}"', svg)
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = re.sub(r'url\(#([^)]+)\)', lambda m: f"url(#{prefix}{m.group(1)})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}{m.group(1)}"', svg)
    for sentinel in (TEXT, RULE):
        svg = svg.replace(f'"{sentinel}"', '"currentColor"')
    svg = re.sub(r'<svg ([^>]*?)class="marks"', r'<svg \1class="chart-svg"', svg, count=1)
    # The whole chart is one image named by its title and description (the table below
    # it carries the values): Vega's per-mark roles and labels, some of them empty, go.
    svg = re.sub(r'\s(?:role|aria-roledescription|aria-label)="[^"]*"', "", svg)
    title_id, desc_id = f"{prefix}title", f"{prefix}desc"
    head = (f'<svg role="img" aria-labelledby="{title_id} {desc_id}" ')
    svg = svg.replace("<svg ", head, 1)
    svg = re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + f'<title id="{title_id}">{escape(spec.title)}</title>'
                 f'<desc id="{desc_id}">{escape(spec.description)}</desc>', svg, count=1)
    return svg.strip()


def _round_numbers(path_data: str) -> str:
    """Path coordinates to 0.1 px: invisible on screen, a third of a map's bytes."""
    def one(match: re.Match) -> str:
        text = f"{float(match.group(0)):.1f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    return re.sub(r"-?\d+\.\d+", one, path_data)


def to_csv(columns: list[str], rows: list[list[Any]]) -> str:
    """CSV text safe to open in a spreadsheet: cells that would run as formulas are
    prefixed with an apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([_safe_cell(c) for c in columns])
    for row in rows:
        writer.writerow(["" if v is None else _safe_cell(v) for v in row])
    return out.getvalue()


def _safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
