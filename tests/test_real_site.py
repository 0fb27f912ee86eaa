"""The real site in this repository, built once, read as a reader would."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import copy_repo

from site_builder.build import build

REPO = Path(__file__).resolve().parent.parent
ARTICLES = {
    "chinese-migrants-seeking-asylum-at-us-border": {
        "title": "Chinese Migrants Seeking Asylum at US Border", "authors": "Donna Teetree",
        "outlet": "Newsmax", "dates": ["30 October 2023"], "credit": "Isaac Guzman/Getty Images"},
    "more-people-from-china-seeking-asylum-at-us-border": {
        "title": "More people from China seeking asylum at US border", "authors": "Franziska Wüst",
        "outlet": "DW", "dates": ["29 February 2024"], "credit": "Franziska Wüst/DW"},
    "inside-the-boom-in-chinese-migrants-at-the-southern-border": {
        "title": "Inside the Boom in Chinese Migrants at the Southern Border", "authors": "Han Chen, Stef W. Knight",
        "outlet": "Axios", "dates": ["29 March 2023", "30 March 2023"], "credit": None},
}
CHARTS = ["darien-annual", "usbp-monthly", "usbp-china-share-monthly", "usbp-fiscal-share", "asylum-grant-rates",
          "route-map"]
PAGES = ["", "topics/route/", "topics/numbers/", "topics/why-they-leave/", "topics/social-media/",
         "topics/asylum/", "glossary/", "sources/", "about/", "corrections/"]


@pytest.fixture
def built(real_site):
    """The real site's output, built once per session (conftest.real_site)."""
    return real_site


def read(out: Path, relative: str) -> str:
    return (out / relative / "index.html" if not relative.endswith(".html") else out / relative).read_text("utf-8")


def visible_text(html: str) -> str:
    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts, self.skip = [], 0

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("script", "style", "svg", "head")

        def handle_endtag(self, tag):
            self.skip -= tag in ("script", "style", "svg", "head")

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)

    parser = Text()
    parser.feed(html)
    return " ".join(parser.parts)


@pytest.mark.parametrize("slug", sorted(ARTICLES))
def test_article_pages_show_every_field(built, slug):
    expected = ARTICLES[slug]
    html = read(built, f"articles/{slug}/")
    text = visible_text(html)
    assert f"<h1>{expected['title']}</h1>" in html
    assert expected["authors"] in text and expected["outlet"] in text
    for date in expected["dates"]:
        assert date in text
    if expected["credit"]:
        assert f"Image: {expected['credit']}" in text
    assert "min read" in text
    assert '<blockquote class="article-body"' in html and "Quoted in full from" in text


def test_scraped_and_repost_specifics(built):
    dw = visible_text(read(built, "articles/more-people-from-china-seeking-asylum-at-us-border/"))
    assert "A weakening economy and increasing political repression" in dw  # standfirst as dek
    assert "This article was originally written in German and translated by Jon Shelton." in dw
    assert "Related stories at DW" in dw
    axios = read(built, "articles/inside-the-boom-in-chinese-migrants-at-the-southern-border/")
    assert "<strong>Why it matters:</strong>" in axios and "<ul><li>" in axios
    dates = " ".join(visible_text(axios).split())
    assert "Published 29 March 2023" in dates and "reposted 30 March 2023" in dates


def test_no_boilerplate_or_raw_markers_on_any_page(built):
    for path in built.rglob("*.html"):
        text = visible_text(path.read_text("utf-8"))
        for marker in ("Skip to main menu", "Skip to more DW sites", "•", "{snip}", "{fig:", "{claims:", "{n:", "{zh:",
                       "layout: post", "featured-image", "alt-text:", "Image: Franziska Wüst/DWThe"):
            assert marker not in text, (path, marker)


@pytest.mark.parametrize("relative", PAGES)
def test_every_explainer_page_exists_and_links_a_source(built, relative):
    html = read(built, relative)
    links = re.findall(r'href="([^"]+)"', html)
    assert any(link.startswith("https://") or link.startswith("/data/") for link in links), relative


def test_every_page_reachable_from_home_in_two_clicks(built):
    def links(relative):
        return {l for l in re.findall(r'href="(/[^"#]*)"', read(built, relative)) if l.endswith("/")}

    def reachable(home):  # in two clicks from ``home``
        first = links(home)
        return first | set().union(*(links(l.lstrip("/")) for l in first if (built / l.lstrip("/") / "index.html").is_file()))

    pages = {"/" + p.parent.relative_to(built).as_posix() + "/" for p in built.rglob("index.html")}
    pages = {p.replace("/./", "/") for p in pages if not p.endswith("/embed/")}  # embeds are for other sites
    chinese = {p for p in pages if p.startswith("/zh/")}  # the Chinese edition: from its own home, a click away
    assert pages - chinese - reachable("") - {"/"} == set()
    assert chinese - reachable("zh/") - {"/zh/"} == set()


def test_chinese_terms_carry_their_language(built):
    glossary = read(built, "glossary/")
    assert '<span lang="zh-Hans">润学</span>' in glossary
    assert '<span lang="zh-Hans">走线</span>' in glossary
    assert 'lang="zh-Latn-pinyin">zǒuxiàn<' in glossary


def test_data_dates_are_listed_the_way_each_language_writes_them(built):
    day = r'<time datetime="\d{4}-\d\d-\d\d">[^<]+</time>'
    assert re.search(rf"Data as of {day}, {day}, and {day}\.</p>", read(built, "topics/numbers/"))
    assert re.search(rf"数据截至{day}、{day}和{day}。</p>", read(built, "zh/topics/numbers/"))
    assert re.search(rf"数据截至{day}和{day}。</p>", read(built, "zh/topics/numbers/"))


def test_spanish_agency_names_carry_their_language(built):
    """Wherever a page prints the agency (JSON-LD and the plain-text citation aside)."""
    snm = '<span lang="es">Servicio Nacional de Migración (SNM), Panama</span>'
    pages = ["topics/numbers/", "sources/", "data/", "charts/darien-annual/embed/"] + \
        [f"data/{p.stem}/" for p in sorted((Path(__file__).parents[1] / "content/data").glob("panama_*.yaml"))]
    for relative in pages:
        html = re.sub(r'<script.*?</script>|<details class="cite">.*?</details>', "", read(built, relative), flags=re.S)
        assert html.count(snm) == html.count("Servicio Nacional de Migración (SNM)"), relative
        assert snm in html, relative


@pytest.mark.parametrize("chart_id", CHARTS)
def test_chart_table_csv_and_spec_agree(built, chart_id):
    pages = [p for p in built.rglob("*.html") if f'id="chart-{chart_id}"' in p.read_text("utf-8")]
    assert pages, f"chart {chart_id} is on no page"
    html = pages[0].read_text("utf-8")
    figure = re.search(rf'<figure class="chart" id="chart-{chart_id}">.*?</figure>', html, re.S).group(0)
    assert re.search(r'<svg role="img" aria-labelledby="[^"]+"', figure)
    table = re.search(r"<table class=\"data\">.*?</table>", figure, re.S).group(0)
    header = re.findall(r'<th scope="col">([^<]*)</th>', table)
    cells = [re.findall(r"<td>([^<]*)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]]
    rows = list(csv.reader(io.StringIO((built / f"charts/{chart_id}.csv").read_text("utf-8"))))
    unescape = lambda s: s.replace("&amp;", "&").replace("&#39;", "'").replace("&#34;", '"').replace("&lt;", "<").replace("&gt;", ">")
    assert [unescape(h) for h in header] == rows[0]
    assert [[unescape(c) for c in r] for r in cells] == [[_as_shown(v, c) for v, c in zip(r, rows[0])] for r in rows[1:]]
    spec = json.loads((built / f"charts/{chart_id}.vl.json").read_text("utf-8"))
    values = _inline_values(spec)
    plotted = [{k: ("" if v is None else str(v)) for k, v in row.items()} for row in values]
    table_rows = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert all(row in plotted for row in table_rows), chart_id
    assert "Source:" in figure and 'href="https://' in figure


def _as_shown(value: str, column: str) -> str:
    """A CSV cell as the table shows it: numbers with thousands separators (not years)."""
    from site_builder.render import thousands

    for kind in (int, float):
        try:
            return str(thousands(kind(value), column))
        except ValueError:
            continue
    return value


def _inline_values(spec) -> list[dict]:
    found = []
    if isinstance(spec, dict):
        data = spec.get("data")
        if isinstance(data, dict) and isinstance(data.get("values"), list) and data["values"] and isinstance(data["values"][0], dict):
            found += data["values"]
        for key, value in spec.get("datasets", {}).items() if isinstance(spec.get("datasets"), dict) else []:
            if isinstance(value, list) and value and isinstance(value[0], dict):
                found += value
        for value in spec.values():
            if isinstance(value, (dict, list)):
                found += _inline_values(value)
    elif isinstance(spec, list):
        for value in spec:
            found += _inline_values(value)
    return found


def test_each_article_checks_its_numbers(built):
    for slug in ARTICLES:
        html = read(built, f"articles/{slug}/")
        assert 'id="the-numbers-in-this-article"' in html
        assert re.search(r'class="verdict verdict-(matches|close|differs|cannot-be-checked)"', html)
    sources = read(built, "sources/")
    assert 'id="verdicts"' in sources and sources.count("<q>") >= 10


@pytest.mark.slow  # whole real-site builds in subprocesses: make test runs it
def test_verdict_comes_from_the_data(tmp_path):
    root = copy_repo(tmp_path / "site")
    data = root / "content/data/panama_darien_irregular_transit_annual.csv"
    data.write_text(data.read_text("utf-8").replace("2021,133726,77,0.06,", "2021,133726,150,0.11,"), "utf-8")
    build(root, cache_dir=tmp_path / "cache")
    html = read(root / "public", "articles/inside-the-boom-in-chinese-migrants-at-the-southern-border/")
    row = re.search(r"<tr>(?:(?!</tr>).)*?77 counted in 2021(?:(?!</tr>).)*</tr>", html, re.S).group(0)
    assert ">150 people</a>" in row and "verdict-differs" in row  # counts carry their unit


def test_verdicts_know_rounding_and_definitions_and_the_summary_counts_the_table(built):
    html = read(built, "articles/more-people-from-china-seeking-asylum-at-us-border/")
    rows = re.findall(r"<tr>(?:(?!</tr>).)*</tr>", html, re.S)
    only_55 = next(r for r in rows if "only 55 were registered" in r)
    assert "verdict-consistent-within-rounding" in only_55 and "between 20 and 60 encounters" in only_55
    share = next(r for r in rows if "2.5% of overall entries" in r)
    assert "verdict-different-measure" in share and ">2.48%</a>" in share
    sources = read(built, "sources/")
    verdicts = re.findall(r'class="verdict verdict-([a-z-]+)"', sources)
    matches = verdicts.count("matches")
    assert f"Of {len(verdicts)} figures checked in 3 articles, {matches} match," in sources
    assert "within <span class=\"fig\"" in sources and ">2%</span>" in sources  # the threshold, from the code



MONTH_OR_YEAR = re.compile(r"\b(?:19|20)\d\d\b|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b")


def _units(spec):
    """Every single-view spec (one with a mark) inside a layered or concatenated spec."""
    if isinstance(spec, dict):
        if "mark" in spec:
            yield spec
        for value in spec.values():
            yield from _units(value)
    elif isinstance(spec, list):
        for value in spec:
            yield from _units(value)


def _unit_rows(spec, unit) -> list[dict]:
    data = unit.get("data") or {}
    if "values" in data:
        return data["values"]
    return spec.get("datasets", {}).get(data.get("name"), [])


def _events_by_month() -> dict[str, list[str]]:
    with open(REPO / "content/data/events.csv", encoding="utf-8", newline="") as f:
        events = list(csv.DictReader(f))
    by_month: dict[str, list[str]] = {}
    for event in events:
        if event["chart_label"]:
            by_month.setdefault(event["date"][:7], []).append(event["chart_label"])
    return by_month


def test_every_chart_annotation_comes_from_the_events_dataset(built):
    """Dated lines and labels on charts are rows of content/data/events.csv, never typed in chart code:
    no fixed text on any chart names a month or a year, every dashed event line stands on an event's
    month with that event's label, and the monthly charts mark every event within their span."""
    by_month = _events_by_month()
    shown: dict[str, set[str]] = {}
    for path in sorted((built / "charts").glob("*.vl.json")):
        spec = json.loads(path.read_text("utf-8"))
        chart_id = path.name.removesuffix(".vl.json")
        for unit in _units(spec):
            text = unit.get("encoding", {}).get("text", {})
            assert not MONTH_OR_YEAR.search(str(text.get("value", ""))), (chart_id, text)
            mark = unit["mark"]["type"] if isinstance(unit["mark"], dict) else unit["mark"]
            for row in _unit_rows(spec, unit):
                if "Event" in row:
                    assert row["Month"] in by_month, (chart_id, row)
                    assert all(label in row["Event"] for label in by_month[row["Month"]]), (chart_id, row)
                    shown.setdefault(chart_id, set()).add(row["Month"])
                elif mark == "rule":
                    assert row.get("Marker", "").startswith("New series"), (chart_id, row)
    for chart_id in ("usbp-monthly", "usbp-china-share-monthly"):
        months = [row[0] for row in csv.reader(io.StringIO((built / f"charts/{chart_id}.csv").read_text("utf-8")))][1:]
        expected = {m for m in by_month if min(months) <= m <= max(months)}
        assert expected and shown.get(chart_id) == expected, chart_id


def test_corrections_page_lists_every_correction_from_its_content_file(built):
    """/corrections/ is generated from content/data/corrections.csv: every row, newest first,
    each linking the page it corrected; the about page points to it."""
    with open(REPO / "content/data/corrections.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    html = read(built, "corrections/")
    items = re.findall(r"<li>(.*?)</li>", re.search(r'<ol class="corrections">(.*?)</ol>', html, re.S).group(1), re.S)
    assert len(items) == len(rows) > 0
    dates = re.findall(r'<time datetime="([^"]+)"', html)
    assert dates == sorted(dates, reverse=True)
    for row in rows:
        assert f'<a href="{row["page"]}">' in html
    assert 'href="/corrections/"' in read(built, "about/")


def test_events_dataset_names_a_source_for_every_event_and_is_listed_with_the_sources(built):
    """Each rule change carries its source: a https address, whether it is the government's own
    text, and for a news report a note on the primary document; the sources page lists the dataset."""
    with open(REPO / "content/data/events.csv", encoding="utf-8", newline="") as f:
        events = list(csv.DictReader(f))
    assert len(events) >= 7
    for event in events:
        assert event["source_url"].startswith("https://"), event
        assert event["source_kind"] in ("primary", "secondary"), event
        assert event["source_kind"] == "primary" or event["source_note"], event
    assert 'id="dataset-events"' in read(built, "sources/")
    page = read(built, "data/events/")
    assert all(event["source_url"] in page for event in events)


def test_monthly_takeaway_says_when_the_fall_began_and_names_no_cause(built):
    html = read(built, "charts/usbp-monthly/")
    takeaway = re.search(r'class="takeaway">([^<]*)<', html).group(1)
    assert "fell from January 2024" in takeaway and "after Ecuador" not in takeaway
