"""The front-matter keys contributors bring from other generators: date, updated,
authors, description, slug, aliases, extra; unknown keys warn with a hint."""

from __future__ import annotations

import json
import re

from conftest import page

TOPIC = page("Route", summary="The route, step by step.", date="2024-03-01", updated="2024-05-02",
             authors="[Ana Ruiz, Tom Becker]", description="'How people travel from Ecuador to the border.'",
             slug="the-route", aliases="[/topics/route/, /old/route.html]", extra="{hero: blue}")


def test_page_dates_authors_description_slug(site):
    built = site({"content/pages/topics/route.md": TOPIC})
    html = built.read("topics/the-route/index.html")
    assert not (built.out / "topics/route/index.html").read_text("utf-8").count("<h1")  # only a redirect is left there
    assert "Updated <time datetime=\"2024-05-02\">2 May 2024</time>" in html
    assert "By Ana Ruiz, Tom Becker" in html
    assert '<meta name="description" content="How people travel from Ecuador to the border.">' in html
    assert "The route, step by step." in html  # the summary is still what the page shows
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
    assert (data["datePublished"], data["dateModified"]) == ("2024-03-01", "2024-05-02")
    sitemap = built.read("sitemap.xml")
    assert re.search(r"<loc>https://example.org/topics/the-route/</loc>\s*<lastmod>2024-05-02</lastmod>", sitemap)
    assert "/topics/route/<" not in sitemap and "old/route.html" not in sitemap


def test_aliases_redirect(site):
    built = site({"content/pages/topics/route.md": TOPIC})
    assert built.read("_redirects") == "/old/route.html /topics/the-route/ 301\n/topics/route/ /topics/the-route/ 301\n"
    fallback = built.read("old/route.html")
    assert '<meta http-equiv="refresh" content="0; url=/topics/the-route/">' in fallback
    assert '<a href="/topics/the-route/">' in fallback and "<script" not in fallback


def test_unknown_key_is_a_warning_with_a_hint_and_an_error_when_strict(site, failing_site):
    files = {"content/pages/about.md": page("About", layout="wide", sumary="x")}
    warnings = [str(w) for w in site(files).report.warnings]
    assert "content/pages/about.md:5: warning: unknown key 'sumary' in front matter (did you mean 'summary'?)" in warnings
    assert any("unknown key 'layout'" in w for w in warnings)
    assert any("unknown key 'sumary'" in p for p in failing_site(files, strict=True))


def test_description_alone_is_the_summary(site):
    text = "---\ntitle: About\ndescription: What this site is.\n---\nText.\n"
    html = site({"content/pages/about.md": text}).read("about/index.html")
    assert '<p class="dek">What this site is.</p>' in html


def test_bad_slug_alias_and_date_are_errors(failing_site):
    problems = failing_site({"content/pages/a.md": page("A", slug="'../up'", aliases="['https://evil.example/']",
                                                        updated="yesterday")})
    assert any("slug '../up' is not one clean URL segment" in p for p in problems)
    assert any("alias 'https://evil.example/' is not an address on this site" in p for p in problems)
    assert any("'yesterday' is not a date" in p for p in problems)


def test_alias_taking_another_page_address_is_refused(failing_site):
    problems = failing_site({"content/pages/a.md": page("A", aliases="[/b/]"), "content/pages/b.md": page("B")})
    assert any("its address /b/ is already used" in p for p in problems)
