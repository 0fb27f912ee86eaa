"""What readers, teachers and other newsrooms reuse, on tiny sites built in temporary
folders: dates, citations, the licence, embed pages, exports and catalogues."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from conftest import MINIMAL_CONFIG, page
from fixtures_site import chart_files

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


LICENSED = MINIMAL_CONFIG.replace("[terms]", """[license]
name = "CC BY 4.0"
url = "https://creativecommons.org/licenses/by/4.0/"
covers = "Our text & charts"
others = "Official data keep their own terms."

[terms]""")


def _files(**extra) -> dict[str, str]:
    return {
        **chart_files(),
        "content/site.toml": LICENSED,
        "content/pages/index.md": page("Home", "Welcome.", template="home"),
        "content/pages/topics/numbers.md": page("Numbers", "```chart crossings-bar\n```\n", order=1,
                                                date="2024-03-01", updated="2024-05-02"),
        "content/pages/topics/plain.md": page("Plain", "No dates here.", order=2),
        **extra,
    }


def _json_ld(html: str) -> list[dict]:
    return [json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


def test_pages_and_charts_show_their_dates_and_the_sitemap_agrees(site):
    built = site(_files())
    numbers = built.read("topics/numbers/index.html")
    assert re.search(r'Updated <time datetime="2024-05-02">[^<]*2024</time>', numbers)  # in the locale's words
    assert re.search(r'Data as of <time datetime="2024-01-01">[^<]*2024</time>', numbers)
    assert "Updated" not in built.read("topics/plain/index.html")
    entries = {e.findtext(f"{SITEMAP}loc"): e.findtext(f"{SITEMAP}lastmod")
               for e in ET.fromstring(built.read("sitemap.xml").encode()).iter(f"{SITEMAP}url")}
    assert entries["https://example.org/topics/numbers/"] == "2024-05-02"
    assert entries["https://example.org/topics/plain/"] is None
    assert entries["https://example.org/charts/crossings-bar/"] == "2024-01-01"
    assert entries["https://example.org/data/crossings/"] == "2024-01-01"


def test_every_page_and_chart_can_be_cited_and_names_the_licence(site):
    built = site(_files())
    numbers = built.read("topics/numbers/index.html")
    assert "<summary>Cite this page</summary>" in numbers and "<summary>Cite this chart</summary>" in numbers
    assert ("Test Site (2024). “Numbers” [page]. Test Site. Updated 2024-05-02. https://example.org/topics/numbers/"
            in numbers.replace("&#34;", '"'))
    bibtex = re.search(r'<pre class="bibtex"><code>(@misc\{example-topics-numbers,.*?)</code>', numbers, re.S).group(1)
    assert "title = {{Numbers}}" in bibtex and "year = {2024}" in bibtex and "url = {https://example.org/topics/numbers/}" in bibtex
    chart = built.read("charts/crossings-bar/index.html")
    assert "Test Site (2024). “Crossings per year” [chart]. Test Site. Data as of 2024-01-01." in chart
    assert "Cite this dataset" in built.read("data/crossings/index.html")
    assert "(n.d.)" in built.read("topics/plain/index.html")
    lists = {"topics/index.html": "“Topics” [page]. Test Site. https://example.org/topics/",
             "articles/index.html": "(n.d.). “News articles” [page]. Test Site. https://example.org/articles/",
             "charts/index.html": "(2024). “All charts” [page]. Test Site. https://example.org/charts/",
             "data/index.html": "(2024). “All data” [page]. Test Site. https://example.org/data/",
             "search/index.html": "(n.d.). “Search” [page]. Test Site. https://example.org/search/",
             "404.html": "(n.d.). “Page not found” [page]. Test Site. https://example.org/404.html"}
    for path, reference in lists.items():
        assert "<summary>Cite this page</summary>" in built.read(path) and reference in built.read(path), path
    assert "Test Site (2024). “Topics”" in built.read("topics/index.html")  # its newest member's year
    for html in (numbers, chart, built.read("index.html")):
        assert ('Our text &amp; charts: <a rel="license" href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>.'
                ' Official data keep their own terms.') in html
    page_ld = _json_ld(numbers)[0]
    assert page_ld["@type"] == "Article" and page_ld["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert (page_ld["datePublished"], page_ld["dateModified"]) == ("2024-03-01", "2024-05-02")
    chart_ld = _json_ld(chart)[0]
    assert chart_ld["@type"] == "ImageObject" and chart_ld["dateModified"] == "2024-01-01" and chart_ld["license"]
    assert _json_ld(built.read("data/crossings/index.html"))[0]["@graph"][0]["license"].startswith("https://creativecommons")


def test_bibtex_fields_cannot_break_the_entry():
    from site_builder.cite import citation
    from site_builder.model import Config

    config = Config("Site", "", "en", "https://example.org", "", "public", {}, [])
    from site_builder.model import Page
    item = Page("p.md", "p", "", "/p/", "p/index.html", "Braces } and {50% & $5_x}", "s", 0, "page", [], [], False, "", 1)
    found = citation(config, item)
    assert "title = {{Braces  and 50\\% \\& \\$5\\_x}}" in found.bibtex
    assert found.bibtex.count("{") == found.bibtex.count("}")


def test_catalogues_list_every_chart_and_dataset(site):
    built = site(_files())
    charts = built.read("charts/index.html")
    assert 'href="/charts/crossings-bar/"' in charts and 'src="/charts/crossings-bar.thumb.svg"' in charts
    assert (built.out / "charts/crossings-bar.thumb.svg").read_text("utf-8").startswith("<svg")
    assert "They rose fast." in charts
    data = built.read("data/index.html")
    assert 'href="/data/crossings/"' in data and "3 rows" in data and 'href="/data/crossings/crossings.csv"' in data
    assert 'href="/charts/"' in built.read("index.html") and 'href="/data/"' in built.read("index.html")


def test_data_tables_use_thousands_separators_but_not_in_years(site):
    built = site(_files())
    dataset = built.read("data/crossings/index.html")
    assert "<td>25,565</td>" in dataset and "<td>2023</td>" in dataset and "2,023" not in dataset
    assert "<td>25,565</td>" in built.read("topics/numbers/index.html")


def test_downloaded_images_keep_title_source_notes_and_site(site):
    built = site(_files())
    exported = built.read("charts/crossings-bar.svg")
    for text in ("Crossings per year", "They rose fast.", "Source: Test Agency. Data as of 2024-01-01.",
                 "Note: 2023 is provisional.", "Test Site · https://example.org"):
        assert text in exported, text
    inline = re.search(r'<div class="chart-image">(.*?)</div>', built.read("topics/numbers/index.html"), re.S).group(1)
    assert "Test Site · https://example.org" not in inline and "Source: Test Agency" not in inline  # pages stay lean
    png = (built.out / "charts/crossings-bar.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert height > 2 * (200 + 80)  # scale 2: the chart's 200 px plus title and credit lines


def test_credit_lines_wrap_and_name_every_agency_once():
    from site_builder.exports import LINE, credit_lines, fitting
    from site_builder.model import ChartSpec, Dataset

    def dataset(agency, as_of):
        return Dataset("d", "d.yaml", "/data/d/", "data/d/index.html", "T", agency, "", "", "", "", as_of, [], [], {}, [], [], "")
    spec = ChartSpec("c", "Title", "Takeaway", "Description", ["a", "b"], ["A long note " * 12], "c.py", 1)
    lines = credit_lines(spec, [dataset("Agency A", "2024-01-01"), dataset("Agency A", "2024-03-01")], "Site · https://x.org")
    assert lines[0] == "Source: Agency A. Data as of 2024-01-01 and 2024-03-01."
    assert all(len(line) <= LINE for line in lines) and lines[-1] == "Site · https://x.org"
    assert sum(line.startswith("Note:") for line in lines) == 1 and len(lines) > 3
    narrow = credit_lines(spec, [dataset("Agency A", "2024-01-01")], "Site · https://a-long-site-name.example.org", 200)
    assert all(len(line) <= fitting(200, 11) for line in narrow[:-1])  # wrapped to the chart's width
    assert narrow[-1] == "Site ·" or "https://a-long-site-name.example.org" in narrow  # an address is never split


def test_contents_box_only_with_three_second_level_headings(site):
    built = site(_files(**{"content/pages/glossary.md": page("Glossary", "## A\n\n### a1\n\n### a2\n\n### a3\n")}))
    assert "On this page" not in built.read("glossary/index.html")


def test_chinese_headings_get_pinyin_anchors_and_contents_show_the_gloss(site):
    from site_builder.markdown import heading_slug

    assert heading_slug("走线 on TikTok") == "zouxian-on-tiktok"
    assert heading_slug("Darién Gap") == "darién-gap"  # other letters as before
    body = "## {zh:走线|zǒuxiàn}\n\nA.\n\n## {zh:润学}\n\nB.\n\n## Plain\n\nC.\n\n## {zh:走线|zǒuxiàn}\n\nD.\n"
    built = site(_files(**{"content/pages/topics/plain.md": page("Plain", body, order=2)}))
    html = built.read("topics/plain/index.html")
    assert re.findall(r'<h2 id="([^"]+)"', html) == ["zouxian", "runxue", "plain", "zouxian-1"]
    assert '<a href="#zouxian"><span lang="zh-Hans">走线</span> (<i lang="zh-Latn-pinyin">zǒuxiàn</i>)</a>' in html


def test_glossary_terms_link_to_their_definition_at_first_mention_only(site):
    glossary = page("Glossary", "## Terms\n\n### Credible fear\n\nA screening.\n\n### CBP (Customs and Border Protection)\n\nAn agency.\n")
    body = ("# x\n\nA credible fear interview; another credible fear case.\n\n"
            "Customs and Border Protection, or CBP, counts. [credible fear](/glossary/) stays.\n\n## Credible fear\n")
    built = site(_files(**{"content/site.toml": LICENSED.replace('base_url = "https://example.org"',
                                                                'base_url = "https://example.org"\nglossary = "/glossary/"'),
                           "content/pages/glossary.md": glossary,
                           "content/pages/topics/plain.md": page("Plain", body, order=2)}))
    html = built.read("topics/plain/index.html")
    assert re.findall(r'<a href="(/glossary/#[^"]+)" class="term">([^<]+)</a>', html) == [
        ("/glossary/#credible-fear", "credible fear"), ("/glossary/#cbp-customs-and-border-protection", "Customs and Border Protection")]
    assert 'class="term"' not in built.read("glossary/index.html")


def test_a_glossary_address_without_a_page_is_reported(tmp_path):
    import pytest
    from conftest import make_site
    from site_builder.build import build
    from site_builder.errors import BuildError

    config = LICENSED.replace('base_url = "https://example.org"', 'base_url = "https://example.org"\nglossary = "/terms/"')
    root = make_site(tmp_path / "s", {"content/site.toml": config, "content/pages/index.md": page("Home", "Hi.")})
    with pytest.raises(BuildError) as caught:
        build(root, out=tmp_path / "out", cache_dir=tmp_path / "cache")
    assert "glossary: no page at /terms/" in str(caught.value)


def test_spanish_names_carry_their_language_and_marked_glossary_headings_still_link(site):
    config = LICENSED.replace('zh = ["zh-Hans", "zh-Latn-pinyin"]', 'zh = ["zh-Hans", "zh-Latn-pinyin"]\nes = ["es", "en"]')
    config = config.replace('base_url = "https://example.org"', 'base_url = "https://example.org"\nglossary = "/glossary/"')
    glossary = page("Glossary", "## Terms\n\n### SNM ({es:Servicio Nacional de Migración})\n\nPanama's service.\n")
    built = site(_files(**{"content/site.toml": config, "content/pages/glossary.md": glossary,
                           "content/pages/topics/plain.md": page("Plain", "The SNM counts.", order=2)}))
    assert '<h3 id="snm-servicio-nacional-de-migración">SNM (<span lang="es">Servicio Nacional de Migración</span>)' in built.read("glossary/index.html")
    assert '<a href="/glossary/#snm-servicio-nacional-de-migración" class="term">SNM</a>' in built.read("topics/plain/index.html")


def test_topics_that_draw_on_an_article_leave_out_pages_that_only_list_it(site):
    from fixtures_site import REPOST

    slug = "a-reposted-story"
    built = site(_files(**{"seeds/repost.txt": REPOST,
                           "content/pages/topics/plain.md": page("Plain", "Text.", order=2, articles=f"[{slug}]"),
                           "content/pages/sources.md": page("Sources", "All.", template="sources", articles=f"[{slug}]")}))
    html = built.read(f"articles/{slug}/index.html")
    section = re.search(r"Topics that draw on this article</h2>(.*?)</section>", html, re.S).group(1)
    assert 'href="/topics/plain/"' in section and 'href="/sources/"' not in section


def test_related_stories_link_where_the_sidecar_knows_their_address(site):
    from conftest import REPO

    seed = "001_305bd766b2d23b6a.txt"
    sidecar = (REPO / "content/seeds/001_305bd766b2d23b6a.yaml").read_text("utf-8")
    sidecar += '\nrelated_urls:\n  "Mexico and US to tighten migration controls": "https://news.example.org/mexico-us"\n'
    built = site(_files(**{f"seeds/{seed}": (REPO / "seeds" / seed).read_text("utf-8"),
                           "content/seeds/001_305bd766b2d23b6a.yaml": sidecar}))
    html = built.read("articles/more-people-from-china-seeking-asylum-at-us-border/index.html")
    related = re.search(r'<section class="related-stories".*?</section>', html, re.S).group(0)
    assert '<li><a href="https://news.example.org/mexico-us">Mexico and US to tighten migration controls</a></li>' in related
    assert "<li>Thousands risk brutal crossing of Darien Gap into Panama</li>" in related
