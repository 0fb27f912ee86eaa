"""The page cache is correct: each kind of edit reaches every page it should, and only those.

Each test builds a real site, edits one input, builds again and compares the output
folder byte for byte: a file changed exactly when its new bytes show the edit, and
unchanged files are the very same files (hard links kept, not rewritten).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_site, page, write_files
from fixtures_site import CHART_MODULE, DATA_CSV, chart_files

from site_builder import parallel
from site_builder.build import build

PAGES = {
    "content/pages/figure.md": page("Figure", "In 2023, {fig:crossings-2023} people crossed."),
    "content/pages/chart.md": page("Chart", "Before.\n\n```chart crossings-bar\n```\n"),
    "content/pages/plain.md": page("Plain", "Nothing but words."),
    "content/pages/topics/one.md": page("One", "First topic.", order=1),
    "content/pages/topics/two.md": page("Two", "Second topic.", order=2),
}


def snapshot(out: Path, search: bool = False) -> dict[str, tuple[bytes, int]]:
    """Every output file's bytes and inode; the search index only with ``search``:
    Pagefind renames its content-hashed files whenever any page's text changes."""
    return {p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_ino) for p in sorted(out.rglob("*"))
            if p.is_file() and (search or not p.relative_to(out).as_posix().startswith("pagefind/"))}


@pytest.fixture
def project(tmp_path):
    root = make_site(tmp_path / "site", {**chart_files(), **PAGES})
    def rebuild() -> tuple[dict, dict]:
        before = snapshot(root / "public")
        build(root, cache_dir=tmp_path / "cache")
        return before, snapshot(root / "public")
    build(root, cache_dir=tmp_path / "cache")
    return root, rebuild


def changed(before: dict, after: dict) -> set[str]:
    assert set(before) == set(after)
    kept = {name for name in after if after[name][0] == before[name][0]}
    assert [n for n in kept if after[n][1] != before[n][1]] == [], "unchanged files must not be rewritten"
    return set(after) - kept


def showing(after: dict, text: str) -> set[str]:
    return {name for name, (data, _) in after.items() if text.encode() in data}


def test_nothing_changed_renders_nothing(tmp_path):
    root = make_site(tmp_path / "site", {**chart_files(), **PAGES})
    first = build(root, cache_dir=tmp_path / "cache")
    before = snapshot(root / "public")
    second = build(root, cache_dir=tmp_path / "cache")
    assert (first.reused, second.reused, second.pages) == (0, first.pages, first.pages)
    assert changed(before, snapshot(root / "public")) == set()


def test_template_edit_reaches_every_page_using_it(project):
    root, rebuild = project
    path = root / "templates/page.html"
    path.write_text(path.read_text().replace('<article class="prose">', '<article class="prose" data-edited>'))
    before, after = rebuild()
    assert changed(before, after) == showing(after, "data-edited")
    assert {"figure/index.html", "chart/index.html", "plain/index.html", "topics/one/index.html"} <= changed(before, after)
    assert "articles/index.html" not in changed(before, after)


def test_data_edit_reaches_figures_charts_and_dataset_page_only(project):
    root, rebuild = project
    (root / "content/data/crossings.csv").write_text(DATA_CSV.replace("25565", "31337"))
    before, after = rebuild()
    assert changed(before, after) == {
        "figure/index.html", "chart/index.html", "data/crossings/index.html", "data/crossings/crossings.csv",
        "charts/crossings-bar/index.html", "charts/crossings-bar.svg", "charts/crossings-bar.png",
        "charts/crossings-bar.csv", "charts/crossings-bar.vl.json", "charts/crossings-bar.thumb.svg",
        "charts/crossings-bar/embed/index.html", "charts/index.html"}  # the embed and catalogue show the chart
    assert "31,337" in after["figure/index.html"][0].decode() and "<td>31,337</td>" in after["chart/index.html"][0].decode()


def test_chart_definition_edit_reaches_pages_embedding_it_only(project):
    root, rebuild = project
    (root / "content/charts/crossings.py").write_text(CHART_MODULE.replace('title="Crossings per year"', 'title="Crossings each year"'))
    before, after = rebuild()
    # the PNG download prints the title too (as pixels, so showing() cannot find it there)
    assert changed(before, after) == showing(after, "Crossings each year") | {"charts/crossings-bar.png"}
    assert {"chart/index.html", "charts/crossings-bar/index.html"} <= changed(before, after)
    assert "figure/index.html" not in changed(before, after)


def test_article_edit_reaches_that_page_only(project):
    root, rebuild = project
    (root / "content/pages/plain.md").write_text(page("Plain", "Nothing but words, and a few more."))
    before, after = rebuild()
    assert changed(before, after) == {"plain/index.html"}


def test_title_edit_reaches_the_listings_showing_it(project):
    root, rebuild = project
    (root / "content/pages/topics/two.md").write_text(page("Second of two", "Second topic.", order=2))
    before, after = rebuild()
    assert changed(before, after) == showing(after, "Second of two") == {
        "topics/two/index.html", "topics/one/index.html", "topics/index.html"}


def test_file_edited_by_hand_in_the_output_is_rendered_again(project):
    root, rebuild = project
    (root / "public/plain/index.html").write_text("tampered")
    before, after = rebuild()
    assert b"Nothing but words." in after["plain/index.html"][0]


def test_parallel_and_single_process_output_and_link_warnings_are_identical(tmp_path, monkeypatch):
    """Workers render the pages and scan their links for the link stage: the files, the
    warnings and the count of pages parsed are the same as in one process."""
    pages = {f"content/pages/topics/p{i:02d}.md": page(f"P {i}", f"Text {i}, {{fig:crossings-2023}}. [Next](/topics/p{i + 1:02d}/#part)"
                                                                "\n\n## Part\n\n- a\n- b\n", order=i)
             for i in range(30)}
    outputs, warnings, scans = [], [], []
    for minimum in (10**9, 1):
        monkeypatch.setattr(parallel, "PARALLEL_MIN_JOBS", minimum)
        root = make_site(tmp_path / f"site-{minimum}", {**chart_files(), **pages})
        report = build(root, cache_dir=tmp_path / f"cache-{minimum}")
        outputs.append({k: v[0] for k, v in snapshot(root / "public").items()})
        warnings.append([str(w) for w in report.warnings])
        scans.append(report.link_scans)
        # a page's reuse key is made where it rendered: the next build keeps every page
        assert build(root, cache_dir=tmp_path / f"cache-{minimum}").reused == report.pages
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 30
    assert warnings[0] == warnings[1] and scans[0] == scans[1] > 30
    assert [w for w in warnings[0] if "p30" in w] == [
        "content/pages/topics/p29.md:6: warning: broken link '/topics/p30/#part': nothing is published at /topics/p30/ "
        "(check the address or build with --drafts; seen in topics/p29/index.html)"]


def test_unchanged_search_index_is_linked_not_rewritten(tmp_path):
    root = make_site(tmp_path / "site", {**chart_files(), **PAGES})
    build(root, cache_dir=tmp_path / "cache")
    index = root / "public" / "pagefind"
    before = {p.relative_to(index): p.stat().st_ino for p in index.rglob("*") if p.is_file()}
    build(root, cache_dir=tmp_path / "cache")
    after = {p.relative_to(index): p.stat().st_ino for p in index.rglob("*") if p.is_file()}
    assert before and after == before


def test_search_index_files_whose_bytes_did_not_change_are_not_rewritten(project):
    root, rebuild = project
    before = snapshot(root / "public", search=True)
    path = root / "content/pages/plain.md"
    path.write_text(path.read_text().replace("Nothing but words.", "Nothing but other words."))
    rebuild()
    after = snapshot(root / "public", search=True)
    kept = {n for n in after if n.startswith("pagefind/") and before.get(n, (None,))[0] == after[n][0]}
    assert "pagefind/pagefind.js" in kept and any(".pf_meta" in n for n in set(before) ^ set(after))
    assert [n for n in kept if after[n][1] != before[n][1]] == []


def test_search_index_is_reused_when_no_page_changed_and_caught_up_when_deferred(project, tmp_path):
    root, _ = project
    cache = tmp_path / "cache"
    assert build(root, cache_dir=cache).search.state == "reused"
    path = root / "content/pages/plain.md"
    path.write_text(path.read_text().replace("Nothing but words.", "Nothing but other words. [Gone](/gone/)."))
    before = snapshot(root / "public", search=True)
    deferred = build(root, cache_dir=cache, defer=True)
    stale = snapshot(root / "public", search=True)
    assert deferred.search.state == "deferred"
    assert {n: v for n, v in stale.items() if n.startswith("pagefind/")} == {n: v for n, v in before.items() if n.startswith("pagefind/")}
    assert "other words" in (root / "public/plain/index.html").read_text()  # published before the checks
    assert deferred.warnings == [] and deferred.link_scans == 0
    deferred.finish()
    assert [(w.source, w.message) for w in deferred.warnings if "gone" in w.message] == [
        ("content/pages/plain.md", "broken link '/gone/': nothing is published at /gone/")]
    assert deferred.link_scans == 1 and deferred.search.state == "indexed"
    path.write_text(path.read_text().replace(" [Gone](/gone/).", ""))
    again = build(root, cache_dir=cache, defer=True)
    assert again.search.state == "deferred"
    again.finish()
    assert not [w for w in again.warnings if "gone" in w.message]
    full = build(root, out=tmp_path / "full", cache_dir=tmp_path / "cold")
    assert full.search.state == "indexed"
    caught_up = {n: v[0] for n, v in snapshot(root / "public", search=True).items() if n.startswith("pagefind/")}
    assert caught_up == {n: v[0] for n, v in snapshot(tmp_path / "full", search=True).items() if n.startswith("pagefind/")}
    assert build(root, cache_dir=cache).search.state == "reused"


def test_a_build_with_nothing_to_render_imports_no_renderer(project):
    """Start-up is most of a warm build: one with every chart cached and no page changed
    loads neither Altair nor vl-convert nor markdown-it; one with a changed page loads
    markdown-it only. The per-user chart cache outlives the project's own (.cache/)."""
    import os
    import subprocess
    import sys
    root, _ = project

    def imported() -> set[str]:
        run = subprocess.run([sys.executable, "-X", "importtime", "-m", "site_builder", "--root", str(root), "build"],
                             capture_output=True, text=True, env={**os.environ, "TZ": "UTC"}, check=True)
        return {line.split("|")[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}

    first = imported()  # the command's own cache (.cache/) starts empty; the chart cache is warm
    assert "markdown_it" in first and first.isdisjoint({"altair", "vl_convert"})
    assert imported().isdisjoint({"altair", "vl_convert", "markdown_it"})
    path = root / "content/pages/plain.md"
    path.write_text(path.read_text().replace("Nothing but words.", "Nothing but new words."))
    found = imported()
    assert "markdown_it" in found and found.isdisjoint({"altair", "vl_convert"})


def test_a_seed_edit_renders_that_article_and_its_listings_only(tmp_path):
    """Listings show an article by its front matter (its word count among them), not its
    body: editing one renders that article and the pages listing it, not every page."""
    seed = '---\ntitle: "{}"\ndate: 2023-05-0{}\n---\n\nFirst paragraph.\n\nSecond paragraph.\n'
    root = make_site(tmp_path / "site", {**chart_files(), **PAGES, "seeds/alpha.md": seed.format("Alpha", 1),
                                         "seeds/beta.md": seed.format("Beta", 2), "content/seeds/beta.yaml": "slug: beta\n",
                                         "content/pages/topics/one.md": page("One", "First topic.", order=1, articles="[beta]")})
    first = build(root, cache_dir=tmp_path / "cache")
    assert build(root, cache_dir=tmp_path / "cache").reused == first.pages
    before = snapshot(root / "public")
    (root / "seeds/beta.md").write_text(seed.format("Beta", 2).replace("Second paragraph.", "Second, longer paragraph."))
    edited = build(root, cache_dir=tmp_path / "cache")
    assert changed(before, snapshot(root / "public")) == {"articles/beta/index.html"}
    assert edited.pages - edited.reused == 3  # the article, the article index, the topic citing it
    (root / "seeds/beta.md").write_text(seed.format("Beta again", 2))
    retitled = build(root, cache_dir=tmp_path / "cache")
    assert {"articles/index.html", "topics/one/index.html"} <= showing(snapshot(root / "public"), "Beta again")
    assert retitled.pages - retitled.reused < retitled.pages // 2


def test_an_output_folder_restored_from_a_copy_is_kept_not_rendered_again(tmp_path):
    """A deploy's build cache restores public/ as copies (new inodes): the bytes decide."""
    import shutil
    root = make_site(tmp_path / "site", {**chart_files(), **PAGES})
    first = build(root, cache_dir=tmp_path / "cache")
    shutil.copytree(root / "public", tmp_path / "restored")
    shutil.rmtree(root / "public")
    (tmp_path / "restored").rename(root / "public")
    (root / "public/plain/index.html").write_text("tampered")
    again = build(root, cache_dir=tmp_path / "cache")
    assert again.reused == first.pages - 1
    assert b"Nothing but words." in (root / "public/plain/index.html").read_bytes()


def test_what_an_imported_template_computes_once_is_a_dependency_of_every_page(tmp_path):
    """Jinja runs an imported template's top level once per environment: a name it reads
    there must still count for every page that uses it, not only the first one rendered."""
    seed = '---\ntitle: "{}"\ndate: 2023-05-01\n---\n\nText.\n'
    root = make_site(tmp_path / "site", {**chart_files(), **PAGES, "seeds/alpha.md": seed.format("Alpha")})
    macros = root / "templates/_macros.html"
    macros.write_text("{% set counted = articles|length %}{% macro count() %}<i>{{ counted }} articles</i>{% endmacro %}\n"
                      + macros.read_text())
    page_html = root / "templates/page.html"
    page_html.write_text(page_html.read_text().replace('<article class="prose">', '<article class="prose">{{ m.count() }}'))
    build(root, cache_dir=tmp_path / "cache")
    write_files(root, {"seeds/beta.md": seed.format("Beta")})
    build(root, cache_dir=tmp_path / "cache")
    clean = tmp_path / "clean"
    build(root, out=clean, cache_dir=tmp_path / "clean-cache")
    kept = {name: data for name, (data, _) in snapshot(root / "public").items()}
    assert kept == {name: data for name, (data, _) in snapshot(clean).items()}
    assert b"<i>2 articles</i>" in kept["plain/index.html"] and b"<i>2 articles</i>" in kept["topics/two/index.html"]
