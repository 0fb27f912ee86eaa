"""What a reader downloads and what validators say, on the real site built in a temp copy:
page-weight budgets, no JavaScript on articles and topics, declared languages, valid
HTML (the Nu Html Checker), and feeds that list every article."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from test_real_site import REPO, built  # noqa: F401 - fixture

ARTICLE_BUDGET = 30 * 1024
TOPIC_WITH_CHARTS_BUDGET = 100 * 1024
VNU_JAR = REPO / ".cache" / "npm-vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
BASE_URL = "https://darien-route.netlify.app"


class _Page(HTMLParser):
    """What a page loads on first paint, its scripts, and CJK text outside a zh element."""

    def __init__(self):
        super().__init__()
        self.loads: list[str] = []
        self.scripts: list[dict] = []
        self.unmarked_cjk: list[str] = []
        self.html_lang = None
        self.langs: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "link" and a.get("rel") in ("stylesheet", "icon", "preload", "modulepreload"):
            self.loads.append(a["href"])
        if tag in ("img", "script") and a.get("src"):
            self.loads.append(a["src"])
        if tag == "script":
            self.scripts.append(a)
        if tag not in VOID:
            self.langs.append(a.get("lang"))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.langs.pop()

    def handle_endtag(self, tag):
        if tag not in VOID and self.langs:
            self.langs.pop()

    def handle_data(self, data):
        if CJK.search(data):
            current = next((lang for lang in reversed(self.langs) if lang), self.html_lang)
            if not (current or "").startswith("zh"):
                self.unmarked_cjk.append(data.strip())


def parse(path: Path) -> _Page:
    parser = _Page()
    parser.feed(path.read_text("utf-8"))
    return parser


def first_paint_gzip(out: Path, page: Path) -> int:
    """Gzip bytes of the page and everything it references for first paint."""
    total = len(gzip.compress(page.read_bytes(), compresslevel=6))
    for url in sorted(set(parse(page).loads)):
        total += len(gzip.compress((out / url.lstrip("/")).read_bytes(), compresslevel=6))
    return total


def _articles(out: Path) -> list[Path]:
    return sorted(p for p in (out / "articles").glob("*/index.html"))


def _topics_with_charts(out: Path) -> list[Path]:
    return sorted(p for p in (out / "topics").glob("*/index.html") if 'class="chart"' in p.read_text("utf-8"))


def test_article_pages_within_budget_and_without_javascript(built):
    pages = _articles(built)
    assert len(pages) >= 3
    for page in pages:
        size = first_paint_gzip(built, page)
        assert size <= ARTICLE_BUDGET, f"{page}: {size} bytes gzipped"
        scripts = parse(page).scripts
        assert all(s.get("type") == "application/ld+json" for s in scripts), page


def test_topic_pages_with_charts_within_budget_and_without_javascript(built):
    pages = _topics_with_charts(built)
    assert pages, "no topic page has a chart"
    for page in pages:
        size = first_paint_gzip(built, page)
        assert size <= TOPIC_WITH_CHARTS_BUDGET, f"{page}: {size} bytes gzipped"
        assert all(s.get("type") == "application/ld+json" for s in parse(page).scripts), page  # data, not code
    for page in (built / "topics").glob("*/index.html"):
        scripts = re.findall(r"<script[^>]*>", page.read_text("utf-8"))
        assert all('type="application/ld+json"' in s for s in scripts), page


def test_every_page_declares_its_language_and_marks_chinese(built):
    pages = sorted(built.rglob("*.html"))
    for page in pages:
        parsed = parse(page)
        assert parsed.html_lang == ("zh-Hans" if page.relative_to(built).parts[0] == "zh" else "en"), page
        assert parsed.unmarked_cjk == [], (page, parsed.unmarked_cjk[:3])
    glossary = (built / "glossary/index.html").read_text("utf-8")
    assert '<span lang="zh-Hans">走线</span>' in glossary


def test_feed_sitemap_and_json_ld_contain_every_article(built):
    articles = {f"{BASE_URL}/articles/{p.parent.name}/" for p in _articles(built)}
    feed = ET.fromstring((built / "feed.xml").read_bytes())
    ids = {e.findtext("{http://www.w3.org/2005/Atom}id") for e in feed.iter("{http://www.w3.org/2005/Atom}entry")}
    assert ids == articles
    locs = {l.text for l in ET.fromstring((built / "sitemap.xml").read_bytes()).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert articles <= locs and f"{BASE_URL}/" in locs
    for page in _articles(built):
        html = page.read_text("utf-8")
        (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        data = json.loads(block)
        assert data["@type"] == "NewsArticle" and data["url"] in articles
        assert data["author"] and data["publisher"]["name"]
    sources = (built / "sources/index.html").read_text("utf-8")
    graph = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', sources, re.S).group(1))["@graph"]
    datasets = sorted(p.parent.name for p in (built / "data").glob("*/index.html"))
    assert sorted(d["distribution"][0]["contentUrl"].rsplit("/", 2)[1] for d in graph) == datasets
    for page in sorted(built.rglob("*.html")):
        html = page.read_text("utf-8")
        canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)
        assert canonical.startswith(BASE_URL + "/")
        assert f'<meta property="og:url" content="{canonical}">' in html


def require_vnu() -> None:
    """Skip locally without Java or the checker; fail in CI (make test installs both)."""
    missing = [what for what, ok in (("java", shutil.which("java")), (str(VNU_JAR), VNU_JAR.is_file())) if not ok]
    if not missing:
        return
    message = f"missing {', '.join(missing)} (make test installs them)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def test_every_page_passes_the_nu_html_checker(built):
    require_vnu()
    pages = [str(p) for p in sorted(built.rglob("*.html"))]
    result = subprocess.run(["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "text", *pages],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[:5000]
    assert "error" not in result.stdout.lower() and "No errors found" in result.stderr + result.stdout
