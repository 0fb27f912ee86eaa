"""Feeds, sitemap, robots.txt, sharing tags, JSON-LD, search index and minified output,
on tiny sites built in temporary folders."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from conftest import page
from fixtures_site import REPOST, chart_files

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NASTY = 'Fish & "chips" <b>not bold</b> </script>'

FRONTMATTER_SEED = f"""---
title: '{NASTY}'
author: Cat Reporter
date: 2024-02-29
---

A paragraph about the crossing.
"""


def _files() -> dict[str, str]:
    return {
        **chart_files(),
        "seeds/repost.txt": REPOST,
        "seeds/nasty.md": FRONTMATTER_SEED,
        "content/seeds/nasty.yaml": "outlet: Some & Co\nurl: https://news.example.org/story?a=1&b=2\n",
        "content/pages/index.md": page("Home", "Welcome.", template="home"),
        "content/pages/topics/numbers.md": page("Numbers", "```chart crossings-bar\n```\n\nThe {zh:走线|zǒuxiàn} route.\n\n```\n  keep   this\n```\n", order=1),
        "content/pages/topics/plain.md": page("Plain", "No charts here.", order=2),
        "content/pages/sources.md": page("Sources", "Where it comes from.", template="sources"),
    }


def _json_ld(html: str) -> list[dict]:
    return [json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


def test_feed_parses_and_escapes_once(shared_site):
    built = shared_site(_files())
    feed = ET.fromstring(built.read("feed.xml").encode())
    entries = feed.findall(f"{ATOM}entry")
    titles = sorted(e.findtext(f"{ATOM}title") for e in entries)
    assert titles == sorted([NASTY, "A reposted story"])
    ids = {e.findtext(f"{ATOM}id") for e in entries}
    assert all(i.startswith("https://example.org/articles/") for i in ids) and len(ids) == 2
    nasty = next(e for e in entries if e.findtext(f"{ATOM}title") == NASTY)
    assert nasty.find(f"{ATOM}link[@rel='via']").get("href") == "https://news.example.org/story?a=1&b=2"
    assert [a.findtext(f"{ATOM}name") for a in nasty.findall(f"{ATOM}author")] == ["Cat Reporter"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", feed.findtext(f"{ATOM}updated"))
    # newest first
    assert [e.findtext(f"{ATOM}title") for e in entries] == [NASTY, "A reposted story"]


def test_sitemap_lists_every_page_once_and_robots_points_at_it(shared_site):
    built = shared_site(_files())
    locs = [l.text for l in ET.fromstring(built.read("sitemap.xml").encode()).iter(f"{SITEMAP}loc")]
    assert locs == sorted(locs) and len(locs) == len(set(locs))
    pages = {"/" + p.relative_to(built.out).as_posix().removesuffix("index.html") for p in built.pages()}
    pages -= {"/404.html"}
    pages = {p for p in pages if not p.startswith("/pagefind/") and not p.endswith("/embed/")}  # embeds: noindex
    assert {l.removeprefix("https://example.org") for l in locs} == pages
    assert "https://example.org/topics/numbers/" in locs and "https://example.org/404.html" not in locs
    assert "Sitemap: https://example.org/sitemap.xml" in built.read("robots.txt")


def test_canonical_open_graph_and_image_per_page(shared_site):
    built = shared_site(_files())
    for path in built.pages():
        html = path.read_text("utf-8")
        if path.is_relative_to(built.out / "pagefind"):
            continue
        canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)
        og_url = re.search(r'<meta property="og:url" content="([^"]+)">', html).group(1)
        assert canonical == og_url and canonical.startswith("https://example.org/"), path
        image = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
        assert image.startswith("https://example.org/") and image.endswith(".png"), path
        assert (built.out / image.removeprefix("https://example.org/")).is_file(), image
    numbers = built.read("topics/numbers/index.html")
    assert '<meta property="og:image" content="https://example.org/charts/crossings-bar.png">' in numbers
    assert 'content="summary_large_image"' in numbers
    plain = built.read("topics/plain/index.html")
    assert re.search(r'og:image" content="https://example.org/static/share\.[0-9a-f]{10}\.png"', plain)


def test_news_article_json_ld_credits_outlet_and_authors(shared_site):
    built = shared_site(_files())
    for slug, title, authors, outlet in [("a-reposted-story", "A reposted story", ["Ann Author", "Ben Writer"], "The Outlet")]:
        html = built.read(f"articles/{slug}/index.html")
        (data,) = _json_ld(html)
        assert data["@type"] == "NewsArticle" and data["headline"] == title
        assert [a["name"] for a in data["author"]] == authors
        assert data["publisher"] == {"@type": "NewsMediaOrganization", "name": outlet}
        assert data["url"] == f"https://example.org/articles/{slug}/"
    nasty_html = next(p.read_text("utf-8") for p in built.pages() if "Cat Reporter" in p.read_text("utf-8") and "/articles/" in p.as_posix())
    (nasty,) = _json_ld(nasty_html)
    assert nasty["headline"] == NASTY and nasty["publisher"]["name"] == "Some & Co"
    assert "</script>" not in nasty_html.split('application/ld+json">', 1)[1].split("</script>", 1)[0]


def test_sources_page_describes_each_dataset(shared_site):
    built = shared_site(_files())
    (data,) = _json_ld(built.read("sources/index.html"))  # the page gives no date: no Article of its own
    (dataset,) = data["@graph"]
    assert dataset["@type"] == "Dataset" and dataset["name"] == "Crossings by year"
    assert dataset["creator"]["name"] == "Test Agency"
    url = dataset["distribution"][0]["contentUrl"]
    assert url.startswith("https://example.org/") and (built.out / url.removeprefix("https://example.org/")).is_file()


def test_search_index_and_page(shared_site):
    built = shared_site(_files())
    assert (built.out / "pagefind/pagefind.js").is_file()
    assert list((built.out / "pagefind").glob("pagefind.*.pf_meta"))
    search = built.read("search/index.html")
    assert "<noscript>" in search and 'href="/topics/"' in search.split("<noscript>")[1]
    assert re.search(r'<script type="module" src="/static/search\.[0-9a-f]{10}\.js">', search)
    assert "data-pagefind-body" not in search and "data-pagefind-body" in built.read("topics/plain/index.html")


def test_pages_and_stylesheet_are_minified(shared_site):
    built = shared_site(_files())
    html = built.read("topics/numbers/index.html")
    assert "\n  " not in html.split("<pre")[0] and "<!--" not in html
    assert "  keep   this" in html  # <pre> untouched
    css = next((built.out / "static").glob("style.*.css")).read_text("utf-8")
    assert "\n" not in css.strip() and "/*" not in css
    # standalone SVG files are copied byte for byte
    (favicon,) = (built.out / "static").glob("favicon.*.svg")
    assert favicon.read_bytes() == (built.root / "static/favicon.svg").read_bytes()


def test_same_inputs_same_bytes(shared_site, site):
    first = shared_site(_files())  # built in another folder, with another cache
    files = {p.relative_to(first.out).as_posix(): p.read_bytes() for p in sorted(first.out.rglob("*")) if p.is_file()}
    second = site(_files())
    again = {p.relative_to(second.out).as_posix(): p.read_bytes() for p in sorted(second.out.rglob("*")) if p.is_file()}
    assert sorted(files) == sorted(again)
    assert [k for k in files if files[k] != again[k]] == []
