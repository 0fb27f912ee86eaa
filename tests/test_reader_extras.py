"""What readers, teachers and other newsrooms reuse, on tiny sites built in temporary
folders: dates, citations, the licence, embed pages, exports and catalogues."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from conftest import page
from fixtures_site import chart_files

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _files(**extra) -> dict[str, str]:
    return {
        **chart_files(),
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
    assert 'Updated <time datetime="2024-05-02">2 May 2024</time>' in numbers
    assert 'Data as of <time datetime="2024-01-01">1 January 2024</time>' in numbers
    assert "Updated" not in built.read("topics/plain/index.html")
    entries = {e.findtext(f"{SITEMAP}loc"): e.findtext(f"{SITEMAP}lastmod")
               for e in ET.fromstring(built.read("sitemap.xml").encode()).iter(f"{SITEMAP}url")}
    assert entries["https://example.org/topics/numbers/"] == "2024-05-02"
    assert entries["https://example.org/topics/plain/"] is None
    assert entries["https://example.org/charts/crossings-bar/"] == "2024-01-01"
    assert entries["https://example.org/data/crossings/"] == "2024-01-01"


def test_a_bad_page_date_is_reported_with_its_line(tmp_path):
    from conftest import make_site
    from site_builder.build import build
    from site_builder.errors import BuildError
    import pytest

    root = make_site(tmp_path / "s", {"content/pages/index.md": page("Home", "Hi.", updated="'31/12/2024'")})
    with pytest.raises(BuildError) as caught:
        build(root, out=tmp_path / "out", cache_dir=tmp_path / "cache")
    assert "content/pages/index.md:4: 'updated': ambiguous date '31/12/2024': write it as YYYY-MM-DD" in str(caught.value)
