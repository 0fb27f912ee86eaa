"""Sources on the built site: a mirror or aggregator is linked only with a word that says so.

The hosts that republish other people's work are data (content/mirrors.yaml). A reader who
follows such a link must be told, beside it, that the page is a republication ("as
republished by …", in Chinese "…转载"), so that the original publisher and the agency stay
the ones named. The word that says so in each language is data too (mirrors.yaml `marks`).
"""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from site_builder.build import build

REPO = Path(__file__).resolve().parent.parent
# The smallest element whose text counts as "beside" a link: a sentence's paragraph,
# a list item, a table row (a dataset's source and its note), a caption.
BLOCKS = {"p", "li", "tr", "figcaption", "caption", "dd", "blockquote"}


def _mirrors() -> dict:
    return yaml.safe_load((REPO / "content" / "mirrors.yaml").read_text("utf-8"))


def mirror_hosts() -> set[str]:
    return set(_mirrors()["hosts"])


def republication_marks() -> set[str]:
    """The words that say a page is a republication: a word, or a list of them, per language."""
    words: set[str] = set()
    for mark in _mirrors()["marks"].values():
        words.update([mark] if isinstance(mark, str) else mark)
    return words


class _Links(HTMLParser):
    """Collects (href, text of the innermost enclosing block) for every link."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[list] = []  # [tag, text parts, hrefs]
        self.found: list[tuple[str, str]] = []
        self.loose: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.open.append([tag, [], []])
        href = dict(attrs).get("href") if tag == "a" else None
        if href and href.startswith("http"):
            (self.open[-1][2] if self.open else self.loose).append(href)

    def handle_endtag(self, tag):
        if tag in BLOCKS and self.open and self.open[-1][0] == tag:
            _, parts, hrefs = self.open.pop()
            text = "".join(parts)
            self.found += [(href, text) for href in hrefs]

    def handle_data(self, data):
        for block in self.open:
            block[1].append(data)


def unmarked_mirror_links(html: str, hosts: set[str], marks: set[str]) -> list[str]:
    """Links to a mirror host whose block holds none of the marks ('republished', '转载')."""
    parser = _Links()
    parser.feed(html)
    parser.close()
    pairs = parser.found + [(href, "") for href in parser.loose]
    return [href for href, text in pairs
            if urlsplit(href).hostname in hosts and not any(mark in text.lower() for mark in marks)]


def test_checker_flags_an_unmarked_mirror_and_accepts_a_marked_one():
    hosts, marks = {"mirror.example"}, {"republished", "转载"}
    bare = '<p>The rule (<a href="https://mirror.example/rule">Federal Register</a>).</p>'
    marked = '<p>The rule (<a href="https://mirror.example/rule">Federal Register</a>, as republished by Mirror).</p>'
    row = '<table><tr><td><a href="https://mirror.example/x">x</a></td><td>as republished by Mirror</td></tr></table>'
    other = '<p><a href="https://www.govinfo.gov/x">Federal Register</a></p>'
    zh_bare = '<p>规则（<a href="https://mirror.example/rule">《联邦公报》</a>）。</p>'
    zh_marked = '<p>规则（<a href="https://mirror.example/rule">《联邦公报》</a>，Mirror 转载）。</p>'
    assert unmarked_mirror_links(bare, hosts, marks) == ["https://mirror.example/rule"]
    assert unmarked_mirror_links(marked, hosts, marks) == []
    assert unmarked_mirror_links(row, hosts, marks) == []
    assert unmarked_mirror_links(other, hosts, marks) == []
    assert unmarked_mirror_links(zh_bare, hosts, marks) == ["https://mirror.example/rule"]
    assert unmarked_mirror_links(zh_marked, hosts, marks) == []
    # a language's word counts only when the list has it
    assert unmarked_mirror_links(zh_marked, hosts, {"republished"}) == ["https://mirror.example/rule"]
    # the word in a neighbouring paragraph does not count
    assert unmarked_mirror_links("<p>republished</p>" + bare, hosts, marks) == ["https://mirror.example/rule"]


def test_mirror_list_holds_bare_host_names():
    hosts = mirror_hosts()
    assert "regulations.justia.com" in hosts
    assert all(host == urlsplit(f"https://{host}/").hostname for host in hosts)


def test_mirror_list_marks_republication_in_each_site_language():
    assert {"en", "zh"} <= set(_mirrors()["marks"])
    words = republication_marks()
    assert {"republished", "转载"} <= words
    # lower-case, since the block's text is lower-cased before the marks are looked for
    assert all(word and word == word.lower() for word in words)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hosts")
    for name in ("content", "seeds", "templates", "static"):
        shutil.copytree(REPO / name, root / name)
    build(root, cache_dir=root / ".cache", strict=True)
    return root / "public"


def test_every_mirror_link_on_the_site_says_republished(built):
    hosts, marks = mirror_hosts(), republication_marks()
    pages = sorted(built.rglob("*.html"))
    assert len(pages) > 20
    bad = {str(page.relative_to(built)): links for page in pages
           if (links := unmarked_mirror_links(page.read_text("utf-8"), hosts, marks))}
    assert bad == {}


def test_the_site_still_cites_its_primary_sources(built):
    """The Federal Register on govinfo.gov and CBP's own pages are linked where we found them."""
    events = (built / "data" / "events" / "index.html").read_text("utf-8")
    glossary = (built / "glossary" / "index.html").read_text("utf-8")
    assert "https://www.govinfo.gov/content/pkg/FR-2024-06-07/html/2024-12647.htm" in events
    assert "https://cbp.gov/newsroom/national-media-release/cbp-one-appointments-increased-1450-day" in glossary
    assert "millermayer.com" not in glossary
