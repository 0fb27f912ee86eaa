"""The preview's memo of loaded inputs: same site, same messages, fresh after an edit."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures_site import CHART_MODULE, DATA_CSV, DATA_YAML, chart_files, data_files

from conftest import make_site, page
from site_builder.build import build
from site_builder.errors import BuildError
from site_builder.memo import InputMemo

FILES = {**data_files(), "content/pages/topics/route.md": page("Route", "In 2023: {fig:crossings-2023} people.")}


def _html(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.html"))
            if "pagefind" not in p.parts}


def test_memo_builds_the_same_site_and_notices_a_data_edit(tmp_path):
    root = make_site(tmp_path / "site", FILES)
    plain = build(root, out=tmp_path / "plain", cache_dir=tmp_path / "cache", drafts=True)
    memo = InputMemo()
    build(root, out=tmp_path / "memo", cache_dir=tmp_path / "cache", drafts=True, memo=memo)
    assert memo.hits == 0
    again = build(root, out=tmp_path / "memo", cache_dir=tmp_path / "cache", drafts=True, memo=memo)
    assert memo.hits == 4  # datasets, articles, figures, claims
    assert again.pages == plain.pages
    assert _html(tmp_path / "memo") == _html(tmp_path / "plain")

    (root / "content/data/crossings.csv").write_text(DATA_CSV.replace("25565", "31000"), "utf-8")
    build(root, out=tmp_path / "memo", cache_dir=tmp_path / "cache", drafts=True, memo=memo)
    shown = (tmp_path / "memo/topics/route/index.html").read_text("utf-8")
    assert "31,000" in shown and "25,565" not in shown


def test_memo_replays_the_warnings_of_an_unchanged_file(tmp_path):
    files = {**FILES, "content/data/crossings.csv": DATA_CSV.replace("2022,2005,grew\n", "2022,2005,grew\n\n")}
    root = make_site(tmp_path / "site", files)
    memo = InputMemo()
    first = build(root, out=tmp_path / "out", cache_dir=tmp_path / "cache", drafts=True, memo=memo)
    second = build(root, out=tmp_path / "out", cache_dir=tmp_path / "cache", drafts=True, memo=memo)
    assert memo.hits == 4
    assert [str(w) for w in first.warnings] == [str(w) for w in second.warnings]
    assert any("blank row" in str(w) and w.source == "content/data/crossings.csv" for w in second.warnings)


def test_memo_repeats_a_broken_files_errors_until_it_is_fixed(tmp_path):
    root = make_site(tmp_path / "site", {**FILES, "content/data/crossings.yaml": DATA_YAML.replace('unit: "people"', "unit: [")})
    memo = InputMemo()
    messages = []
    for _ in range(2):
        with pytest.raises(BuildError) as info:
            build(root, out=tmp_path / "out", cache_dir=tmp_path / "cache", memo=memo)
        messages.append([str(p) for p in info.value.problems])
    assert memo.hits == 4  # every loader ran on the first build; the second replays them
    assert messages[0] == messages[1] and any(m.startswith("content/data/crossings.yaml:") for m in messages[0])
    (root / "content/data/crossings.yaml").write_text(DATA_YAML, "utf-8")
    build(root, out=tmp_path / "out", cache_dir=tmp_path / "cache", memo=memo)
    assert "25,565" in (tmp_path / "out/topics/route/index.html").read_text("utf-8")


@pytest.mark.slow  # renders charts and builds a dozen times: make test, not test-fast
def test_memo_keeps_the_last_builds_chart_renders_until_the_chart_changes(tmp_path, chart_cache):
    files = {**chart_files(), "content/pages/topics/route.md": page("Route", "```chart crossings-bar\n```")}
    root = make_site(tmp_path / "site", files)
    plain = build(root, out=tmp_path / "plain", cache_dir=tmp_path / "cache", drafts=True)
    memo = InputMemo()
    build(root, out=tmp_path / "memo", cache_dir=tmp_path / "cache", drafts=True, memo=memo)
    charts = memo.recent("charts")
    assert plain.chart_renders == 1 and charts.hits == 0
    for name in chart_cache.glob("*.png"):  # the renders are kept in memory, not read again
        name.write_bytes(b"not read")
    again = build(root, out=tmp_path / "memo", cache_dir=tmp_path / "cache", drafts=True, memo=memo)
    assert again.chart_renders == 0 and charts.hits == 1
    assert _files(tmp_path / "memo") == _files(tmp_path / "plain")

    (root / "content/charts/crossings.py").write_text(CHART_MODULE.replace("Crossings per year", "Crossings, yearly"))
    edited = build(root, out=tmp_path / "memo", cache_dir=tmp_path / "cache", drafts=True, memo=memo)
    assert edited.chart_renders == 1 and charts.hits == 1
    assert "Crossings, yearly" in (tmp_path / "memo/topics/route/index.html").read_text("utf-8")


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and "pagefind" not in p.parts}


@pytest.mark.slow  # renders charts and builds a dozen times: make test, not test-fast
def test_memo_keeps_each_charts_html_while_what_it_showed_is_unchanged(tmp_path):
    """A chart's HTML is rendered again exactly when a clean build would render it otherwise:
    after a change to the site's name (in its citation), to its template, or to its data."""
    files = {**chart_files(), "content/pages/topics/route.md": page("Route", "```chart crossings-bar\n```")}
    root = make_site(tmp_path / "site", files)
    memo = InputMemo()
    kept = memo.recent("chart_html")

    def same_as_a_clean_build(n: int) -> None:
        build(root, out=tmp_path / "memo", cache_dir=tmp_path / "cache", drafts=True, memo=memo)
        build(root, out=tmp_path / f"plain-{n}", cache_dir=tmp_path / f"plain-cache-{n}", drafts=True)
        assert _files(tmp_path / "memo") == _files(tmp_path / f"plain-{n}")

    same_as_a_clean_build(0)
    hits = kept.hits
    same_as_a_clean_build(1)
    assert kept.hits > hits  # kept, not rendered
    config = root / "content/site.toml"
    config.write_text(config.read_text("utf-8").replace('title = "Test Site"', 'title = "Another Site"'), "utf-8")
    same_as_a_clean_build(2)
    chart = root / "templates/chart.html"
    chart.write_text(chart.read_text("utf-8").replace("<figure ", '<figure data-edited="yes" '), "utf-8")
    same_as_a_clean_build(3)
    assert 'data-edited="yes"' in (tmp_path / "memo/topics/route/index.html").read_text("utf-8")
    (root / "content/data/crossings.csv").write_text(DATA_CSV.replace("25565", "31000"), "utf-8")
    same_as_a_clean_build(4)
