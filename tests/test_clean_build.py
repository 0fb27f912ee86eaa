"""What makes a clean build fast must not change what it makes: charts and the Vega
bundle rendered in background processes, and the whitespace minifier."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest

from site_builder.build import Paths, gather
from site_builder.charts import ChartRenderer, bundle_path
from site_builder.errors import Problems
from site_builder.minify import minify_page
from site_builder.parallel import Background

from conftest import make_site, page
from fixtures_site import chart_files

FAILING_CHART = '''\
from site_builder.charts import chart


@chart("broken-bar", title="Broken", takeaway="None.", description="A chart that fails.", datasets=["crossings"])
def broken_bar(data):
    raise ValueError("no rows for you")
'''


RENDER_HERE = """
import sys
from pathlib import Path
from site_builder.build import Paths, gather
from site_builder.charts import ChartRenderer
from site_builder.errors import Problems
root = Path(sys.argv[1])
site = gather(Paths(root), Problems(root))
renderer = ChartRenderer(Path(sys.argv[2]))  # never started: renders in this process
for spec in site.charts.values():
    renderer.render(spec, site.datasets, Problems(root))
print(renderer.renders, "vl_convert" in sys.modules)
"""


def test_a_chart_rendered_in_the_background_equals_one_rendered_here(tmp_path):
    root = make_site(tmp_path / "site", chart_files())
    # a process of its own renders "here": one that has loaded vl-convert renders
    # everything in process from then on, and this one must not
    here = subprocess.run([sys.executable, "-c", RENDER_HERE, str(root), str(tmp_path / "here")],
                          capture_output=True, text=True, check=True, env={**os.environ, "TZ": "UTC"})
    assert here.stdout.split() == ["1", "True"]
    site = gather(Paths(root), Problems(root))
    background = ChartRenderer(tmp_path / "background")
    background.start(site.charts, site.datasets)
    problems = Problems(root)
    made = background.render(site.charts["crossings-bar"], site.datasets, problems)
    assert problems.items == [] and made.svg.startswith('<svg role="img"')
    assert background.renders == 1 and "vl_convert" not in sys.modules
    cached = lambda folder: {p.name: p.read_bytes() for p in folder.iterdir() if p.suffix in (".json", ".png")}
    assert cached(tmp_path / "here") == cached(tmp_path / "background") != {}
    # the next build finds everything cached: nothing starts, nothing renders
    again = ChartRenderer(tmp_path / "background")
    again.start(site.charts, site.datasets)
    assert again.render(site.charts["crossings-bar"], site.datasets, problems) == made
    assert again.renders == 0


def test_a_chart_failing_in_the_background_is_reported_at_its_line(failing_site):
    messages = failing_site({**chart_files(), "content/charts/broken.py": FAILING_CHART})
    assert messages == ["content/charts/broken.py:4: chart 'broken-bar': ValueError: no rows for you"]


def test_a_cold_build_publishes_the_bundle_made_in_the_background(site):
    built = site({**chart_files(), "content/pages/topics/a.md": page("A", "```chart crossings-bar\n```\n")})
    [published] = (built.out / "static").glob("vega.*.js")
    cached = bundle_path(built.root.parent / "cache").read_bytes()
    assert published.read_bytes() == cached and len(cached) > 100_000
    assert published.name == f"vega.{hashlib.sha256(cached).hexdigest()[:10]}.js"
    assert f"/static/{published.name}" in built.read("charts/crossings-bar/index.html")
    assert built.report.chart_renders == 1


def test_a_site_without_chart_modules_starts_no_bundle(tmp_path):
    renderer = ChartRenderer(tmp_path / "cache")
    renderer.start_bundle(tmp_path / "no-charts-here")
    renderer.wait_for_bundle()
    assert not (tmp_path / "cache").exists()


def test_a_bug_in_a_background_process_is_raised_with_its_traceback():
    with pytest.raises(RuntimeError, match=r"(?s)ZeroDivisionError: division by zero.*in a background process.*1 / 0"):
        Background(lambda: 1 / 0).result()
    assert Background(lambda: {"made": [1, 2]}).result() == {"made": [1, 2]}


@pytest.mark.parametrize("html, expected", [
    ("<p>\n  Some   text\n</p>\n", "<p>Some text</p>\n"),
    ("  <em> a </em>  b ", "<em> a </em> b\n"),  # inline tags keep one space around them
    ("<div\n   class='a   b'  >x</div >", "<div class='a b' >x</div >\n"),  # inside tags too
    ("a <br/> b<hr>c", "a<br/>b<hr>c\n"),
    ("<p> <!-- gone --> kept <!--[if IE]> kept <![endif]--> </p>", "<p>kept <!--[if IE]> kept <![endif]--></p>\n"),
    ("<p>x</p>\n<pre>  a\n    b </pre>\n<p> y </p>", "<p>x</p><pre>  a\n    b </pre><p>y</p>\n"),
    ("<script>let  a =  1;</script> <STYLE>p {  }</style> t", "<script>let  a =  1;</script> <STYLE>p {  }</style> t\n"),
    ("x \u00a0\u2003 y\t\n<li>z</li>", "x y<li>z</li>\n"),
    ("   ", "\n"),
])
def test_minified_pages_lose_only_insignificant_whitespace(html, expected):
    assert minify_page(html) == expected


def test_a_chart_is_drawn_again_when_altair_or_vl_convert_is_upgraded(tmp_path, monkeypatch):
    import site_builder.cache
    root = make_site(tmp_path / "site", {**chart_files(), "content/pages/index.md": page("Home", "Hi.", template="home")})
    site = gather(Paths(root), Problems(root))
    renderer = ChartRenderer(tmp_path / "cache")
    spec = next(iter(site.charts.values()))
    installed = renderer.cache_key(spec, site.datasets)
    real = site_builder.cache.version
    for library in ("altair", "vl-convert-python"):
        monkeypatch.setattr(site_builder.cache, "version", lambda name, lib=library: "99.0" if name == lib else real(name))
        assert renderer.cache_key(spec, site.datasets) != installed, library
    monkeypatch.setattr(site_builder.cache, "version", real)
    assert renderer.cache_key(spec, site.datasets) == installed


def test_a_failed_build_leaves_no_background_process_rendering(tmp_path):
    """The preview builds again after every save; a build that stops on a content error
    must not leave its chart and bundle processes working (they piled up by the dozen)."""
    import multiprocessing

    from site_builder.build import build
    from site_builder.errors import BuildError

    root = make_site(tmp_path / "site", chart_files())
    config = root / "content/site.toml"
    config.write_text(config.read_text("utf-8") + "\nthis is not toml\n", "utf-8")  # fails at once, bundle still working
    with pytest.raises(BuildError):
        build(root, cache_dir=tmp_path / "cache", chart_cache=tmp_path / "empty-chart-cache")
    assert multiprocessing.active_children() == []


def test_a_stopped_background_process_ends_at_once():
    import time

    started = time.monotonic()
    work = Background(lambda: time.sleep(60))
    work.stop()
    assert time.monotonic() - started < 10 and not work._process.is_alive()
