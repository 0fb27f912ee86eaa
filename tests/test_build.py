"""Whole builds of tiny real sites: what gets written, and what never does."""

from __future__ import annotations

import json
import re

import pytest

from conftest import make_site, page
from fixtures_site import CHART_MODULE, DATA_CSV, DATA_YAML, REPOST, chart_files, data_files
from site_builder.build import build
from site_builder.errors import BuildError


def test_minimal_site_has_every_page_type(site):
    built = site({
        "content/pages/index.md": page("Home", "Welcome.", template="home"),
        "content/pages/about.md": page("About us", "Who we are."),
        "content/pages/topics/route.md": page("The route", "## Leg one\n\nText.", order=1, articles="[a-reposted-story]"),
        "content/pages/topics/why.md": page("Why", "Reasons.", order=2),
        "seeds/one.txt": REPOST,
    })
    out = built.out
    for relative in ["index.html", "about/index.html", "topics/index.html", "topics/route/index.html",
                     "topics/why/index.html", "articles/index.html", "articles/a-reposted-story/index.html", "404.html"]:
        assert (out / relative).is_file(), relative
    assert built.report.pages == 11  # with the search page and the chart and data catalogues
    route = built.read("topics/route/index.html")
    assert '<h2 id="leg-one"' in route
    assert 'href="/articles/a-reposted-story/"' in route  # the article it draws on
    assert 'rel="next" href="/topics/why/"' in route
    article = built.read("articles/a-reposted-story/index.html")
    assert 'href="/topics/route/"' in article  # the topic that cites it
    assert "Ann Author, Ben Writer" in article and "The Outlet" in article
    assert "<strong>Why it matters:</strong> Because." in article
    assert "{snip}" not in article and "•" not in article and "[…]" in article
    css = [p.name for p in (out / "static").iterdir() if p.suffix == ".css"]
    assert len(css) == 1 and re.fullmatch(r"style\.[0-9a-f]{10}\.css", css[0])
    assert f'href="/static/{css[0]}"' in route
    assert built.report.summary().startswith("built 11 pages")


def test_text_is_escaped_and_raw_html_is_off(site):
    built = site({"content/pages/x.md": page('<script>alert(1)</script> & "quotes"',
                                            "<b>bold?</b> <img src=x onerror=alert(1)>")})
    html = built.read("x/index.html")
    assert [w.message for w in built.report.warnings if w.source == "content/pages/x.md"] == [  # and says so
        "'title' contains markup '<script>', which is shown as typed", "raw HTML '<b>' is shown as text, not run"]
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;" in html
    assert "<b>bold?</b>" not in html and "&lt;b&gt;bold?&lt;/b&gt;" in html
    assert 'href="javascript:' not in html and "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")


def test_figures_render_formatted_and_linked(site):
    built = site({**data_files(), "content/pages/x.md": page("X", "In 2023: {fig:crossings-2023}; all: {fig:crossings-total}.")})
    html = built.read("x/index.html")
    assert '<a class="fig" href="/data/crossings/" title="Crossings in 2023">25,565</a>' in html
    assert ">27,647</a>" in html  # computed: 77 + 2005 + 25565
    dataset_page = built.read("data/crossings/index.html")
    assert "https://example.org/source" in dataset_page and "2023 is provisional." in dataset_page
    assert (built.out / "data/crossings/crossings.csv").read_text() .startswith("year,count,label")


def test_chart_renders_inline_svg_with_table_and_downloads(site):
    built = site({**chart_files(), "content/pages/x.md": page("X", "Before.\n\n```chart crossings-bar\n```\n\nAfter.")})
    html = built.read("x/index.html")
    svg = re.search(r"<svg[^>]*>", html).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="c-crossings-bar-title c-crossings-bar-desc"' in svg
    assert '<title id="c-crossings-bar-title">Crossings per year</title>' in html
    assert "<desc id=\"c-crossings-bar-desc\">A bar chart of crossings per year" in html
    assert "They rose fast." in html and "2023 is provisional." in html
    assert "<summary>Show the data</summary>" in html
    table = re.search(r'<table class="data">.*?</table>', html, re.S).group(0)
    assert re.findall(r"<td>([^<]*)</td>", table) == ["2021", "77", "2022", "2,005", "2023", "25,565"]
    assert (built.out / "charts/crossings-bar.csv").read_text() == "Year,Crossings\n2021,77\n2022,2005\n2023,25565\n"
    spec = json.loads((built.out / "charts/crossings-bar.vl.json").read_text())
    assert spec["data"]["values"] == [{"Year": "2021", "Crossings": 77}, {"Year": "2022", "Crossings": 2005},
                                      {"Year": "2023", "Crossings": 25565}]
    assert (built.out / "charts/crossings-bar.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "currentColor" in svg or "currentColor" in html  # text follows the page colour (dark mode)


def test_second_hand_figures_name_the_agency_and_link_the_report(site):
    """A dataset with ``reported_by`` names its agency unlinked and links the report that carried the figures."""
    yaml = DATA_YAML.replace('url: "https://example.org/source"',
                             'url: "https://news.example.org/report"\nreported_by: "Wire Service, 2 May 2024"')
    built = site({**chart_files(), "content/data/crossings.yaml": yaml,
                  "content/pages/x.md": page("X", "```chart crossings-bar\n```")})
    expected = 'Test Agency, as reported by <a href="https://news.example.org/report">Wire Service, 2 May 2024</a>'
    assert expected in built.read("x/index.html")
    assert expected in built.read("data/crossings/index.html")
    assert '<a href="https://news.example.org/report">Test Agency</a>' not in built.read("x/index.html")


def test_dataset_cells_holding_an_address_link_it(site):
    csv_text = "year,count,label\n2021,77,https://example.org/report\n2022,5,plain text\n2023,9,x\n"
    yaml = DATA_YAML.replace('label: {type: str, label: "Label"}', 'label: {type: str, label: "Source"}')
    built = site({**data_files(), "content/data/crossings.csv": csv_text, "content/data/crossings.yaml": yaml})
    page = built.read("data/crossings/index.html")
    assert '<td><a href="https://example.org/report">https://example.org/report</a></td>' in page
    assert "<td>plain text</td>" in page


def test_second_build_renders_no_chart(tmp_path):
    from conftest import make_site
    root = make_site(tmp_path / "s", {**chart_files(), "content/pages/x.md": page("X", "```chart crossings-bar\n```")})
    first = build(root, cache_dir=tmp_path / "cache")
    second = build(root, cache_dir=tmp_path / "cache")
    assert (first.chart_renders, second.chart_renders) == (1, 0)
    (root / "content/data/crossings.csv").write_text(DATA_CSV.replace("2021,77", "2021,78"))
    assert build(root, cache_dir=tmp_path / "cache").chart_renders == 1


@pytest.mark.parametrize("broken", [
    "---\ntitle: [unclosed\n---\nBroken.",           # fails while loading
    page("X", "Now with a [dead link](/nowhere/)."),  # fails last, after every file was staged
])
def test_failed_build_leaves_previous_output_untouched(tmp_path, broken):
    from conftest import make_site
    linked = {f"content/pages/{name}.md": page(name) for name in ("index", "about", "sources")}  # header and footer links
    root = make_site(tmp_path / "s", {**linked, "content/pages/x.md": page("X", "Good.")})
    out = tmp_path / "s" / "public"
    build(root, out=out, cache_dir=tmp_path / "c", strict=True)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (root / "content/pages/x.md").write_text(broken)
    with pytest.raises(BuildError):
        build(root, out=out, cache_dir=tmp_path / "c", strict=True)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".public")] == []


def test_output_folder_may_not_be_a_source_folder(tmp_path):
    from conftest import make_site
    root = make_site(tmp_path / "s", {"content/pages/x.md": page()})
    for bad in (root, root / "content", root / "templates" / "out"):
        with pytest.raises(BuildError, match="output folder must not be"):
            build(root, out=bad, cache_dir=tmp_path / "c")
    assert (root / "content/pages/x.md").is_file()


def test_terms_in_other_languages_carry_lang(site):
    built = site({"content/pages/x.md": page("X", "Known as {zh:走线|zǒuxiàn} online.")})
    assert '<span lang="zh-Hans">走线</span> (<i lang="zh-Latn-pinyin">zǒuxiàn</i>)' in built.read("x/index.html")


def test_table_of_contents_shows_rendered_heading_text(site):
    built = site({"content/pages/x.md": page("X", "## What {zh:走线|zǒuxiàn} means\n\nA.\n\n## Two\n\nB.\n\n## Three\n\nC.")})
    html = built.read("x/index.html")
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.S).group(0)
    assert ('<a href="#what-zouxian-means">What <span lang="zh-Hans">走线</span> (<i lang="zh-Latn-pinyin">zǒuxiàn</i>)'
            ' means</a>') in toc and "{zh:" not in toc  # a pinyin anchor, and the gloss as in the heading


def test_files_a_chart_reads_are_part_of_its_cache_key(tmp_path):
    from conftest import make_site
    module = CHART_MODULE.replace('notes=["2023 is provisional."])', 'notes=["2023 is provisional."], files=["note.txt"])')
    root = make_site(tmp_path / "s", {**chart_files(), "content/charts/crossings.py": module,
                                      "content/charts/note.txt": "one",
                                      "content/pages/x.md": page("X", "```chart crossings-bar\n```")})
    assert build(root, cache_dir=tmp_path / "cache").chart_renders == 1
    assert build(root, cache_dir=tmp_path / "cache").chart_renders == 0
    (root / "content/charts/note.txt").write_text("two")
    assert build(root, cache_dir=tmp_path / "cache").chart_renders == 1
    (root / "content/charts/note.txt").unlink()
    with pytest.raises(BuildError, match="chart reads 'note.txt', which does not exist"):
        build(root, cache_dir=tmp_path / "cache")


def test_a_site_without_search_has_no_search_page_index_or_link(tmp_path):
    root = make_site(tmp_path / "site", {"content/pages/index.md": page("Home", "Welcome.", template="home")})
    config = root / "content" / "site.toml"
    config.write_text(config.read_text("utf-8").replace("title =", "search = false\ntitle =", 1), "utf-8")
    report = build(root)
    out = root / "public"
    assert report.search is None
    assert not (out / "search").exists() and not (out / "pagefind").exists()
    assert not [p for p in out.rglob("*.html") if 'href="/search/"' in p.read_text("utf-8") or 'action="/search/"' in p.read_text("utf-8")]
    config.write_text(config.read_text("utf-8").replace("search = false", 'search = "no"'), "utf-8")
    with pytest.raises(BuildError) as failed:
        build(root)
    assert [str(p) for p in failed.value.problems] == [
        "content/site.toml:1: search must be true or false (false builds no search page and no search index)"]
