"""Each seed reader against its fixtures: ``tests/readers/<reader>/<case>.<ext>`` is a
small realistic seed, ``<case>.expected.json`` the article it must become (and the
problems it must report, with no sidecar). ``settings.json`` in a reader's folder is
what ``[readers.<reader>]`` in site.toml would give. Adding a case adds files, not code.

``REGENERATE=1`` writes the expected files from what the readers do now (then read
the diff before committing it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest

from conftest import MINIMAL_CONFIG
from site_builder.errors import Problems
from site_builder.readers import READERS, load_settings
from site_builder.seeds import load_article

FIXTURES = Path(__file__).parent / "readers"
CASES = sorted(p for p in FIXTURES.glob("*/*") if p.is_file() and p.name != "settings.json"
               and not p.name.endswith(".expected.json"))


def as_json(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(type(value))


def article_model(article) -> dict:
    """The article as its expected file holds it: every field but the rendered HTML."""
    fields = dataclasses.asdict(article)
    del fields["html"], fields["source"], fields["accepted"]  # what the sidecar accepts is not the reader's
    return json.loads(json.dumps(fields, default=as_json, ensure_ascii=False))


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_reader_fixture(case: Path, tmp_path):
    reader = case.parent.name
    settings_file = case.parent / "settings.json"
    raw = json.loads(settings_file.read_text("utf-8")) if settings_file.is_file() else {}
    problems = Problems(case.parent)
    settings = load_settings({reader: raw}, settings_file, problems)
    article = load_article(case, tmp_path / f"{case.stem}.yaml", case.parent, problems, settings)
    found = {"problems": [str(p).replace(str(tmp_path), "<sidecars>") for p in problems.items],
             "article": article_model(article) if article else None}
    expected_file = case.with_name(f"{case.stem}.expected.json")
    if os.environ.get("REGENERATE"):
        expected_file.write_text(json.dumps(found, indent=2, ensure_ascii=False) + "\n", "utf-8")
    assert found == json.loads(expected_file.read_text("utf-8"))
    assert article is None or article.shape == reader


def test_every_reader_has_fixtures():
    assert {p.parent.name for p in CASES} == set(READERS)


def test_excerpt_rights_shorten_the_body_and_link_the_original(site):
    """``rights: excerpt`` (site default or a seed's sidecar) shows the opening up to
    ``excerpt_words`` words, with a prominent link to the original."""
    seed = (FIXTURES / "plaintext" / "wire-story.txt").read_text("utf-8")
    built = site({"seeds/wire.txt": seed, "seeds/full.txt": seed.replace("Farmers", "Growers"),
                  "content/seeds/wire.yaml": "rights: excerpt\nurl: https://news.example.org/hail\n",
                  "content/seeds/full.yaml": "rights: full\n",
                  "content/site.toml": MINIMAL_CONFIG + "\n[seeds]\nrights = 'excerpt'\nexcerpt_words = 20\n"})
    html = built.read("articles/farmers-in-the-valley-count-losses-after-hailstorm/index.html")
    assert "This is an excerpt." in html and '<a href="https://news.example.org/hail">read the full article' in html
    assert "Hail the size of golf balls" in html and "We lost almost everything" not in html
    assert "Quoted in part" in html
    full = built.read("articles/growers-in-the-valley-count-losses-after-hailstorm/index.html")
    assert "We lost almost everything" in full and "This is an excerpt." not in full


def load(tmp_path, name: str, data: bytes, sidecar: str = ""):
    """One seed (and sidecar) read with the readers' defaults: (article, problems as text)."""
    (tmp_path / "seeds").mkdir(exist_ok=True)
    (tmp_path / "content/seeds").mkdir(parents=True, exist_ok=True)
    (tmp_path / "seeds" / name).write_bytes(data)
    stem = name.rsplit(".", 1)[0]
    if sidecar:
        (tmp_path / f"content/seeds/{stem}.yaml").write_text(sidecar, "utf-8")
    problems = Problems(tmp_path)
    article = load_article(tmp_path / "seeds" / name, tmp_path / f"content/seeds/{stem}.yaml", tmp_path, problems)
    return article, [str(p) for p in problems.items]


WIRE = "Café owners protest new rules\n\nBy Jean Dupont, Le Monde\nMarch 3, 2025\n\nThe café owners met on Monday.\n"


def test_the_sidecar_names_an_encoding(tmp_path):
    article, problems = load(tmp_path, "cafe.txt", WIRE.encode("cp1252"), "encoding: windows-1252\n")
    assert problems == [] and article.title == "Café owners protest new rules"
    assert (article.authors, article.outlet) == (["Jean Dupont"], "Le Monde")


def test_a_saved_page_in_its_declared_charset(tmp_path):
    page = ('<html><head><meta charset="windows-1252"><title>Café</title></head><body><article><h1>Café owners protest</h1>'
            + "<p>The café owners met on Monday to discuss the rules, which take effect in the spring and change opening hours.</p>" * 3
            + "</article></body></html>")
    article, problems = load(tmp_path, "cafe.html", page.encode("cp1252"))
    assert problems == [] and article.title == "Café owners protest"


def test_the_sidecar_gives_a_missing_title(tmp_path):
    page = (FIXTURES.parent / "invalid/seed-html-no-title/seeds/untitled.htm").read_bytes()
    article, problems = load(tmp_path, "untitled.htm", page, "title: Port terminal to open next year\noutlet: Port News\n")
    assert problems == [] and article.title == "Port terminal to open next year" and article.outlet == "Port News"
    assert article.body[0].text.startswith("Officials in the port city")


def test_a_five_megabyte_page_is_read_or_refused_with_a_message(tmp_path):
    paragraph = "<p>Report {}: " + "officials said the crossing would reopen after repairs to the road. " * 10 + "</p>\n"
    page = "<!doctype html><html><head><title>Big page</title></head><body><article><h1>Big page</h1>"
    page += "".join(paragraph.format(i) for i in range(5 * 2**20 // len(paragraph))) + "<div>" * 5000 + "</body></html>"
    article, problems = load(tmp_path, "big.html", page.encode("utf-8"))
    assert len(page) > 5 * 10**6
    assert article is not None and article.title == "Big page" and article.word_count > 500_000
    assert problems == []


def test_a_guessed_reader_is_confirmed_by_the_sidecar(tmp_path):
    text = b"A title\n\nSomeone\nMay 1, 2023\n\nA standfirst.\n\nText.\n"
    _, guessed = load(tmp_path, "s.txt", text)
    assert guessed == ["seeds/s.txt:1: warning: read as 'scraped' by a guess (a title line, the author, then a date line "
                       "like 'February 29, 2024' in the first 12 lines) (if that is right, say so in content/seeds/s.yaml: "
                       "'reader: scraped')"]
    _, confirmed = load(tmp_path, "s.txt", text, "reader: scraped\n")
    assert confirmed == []


def test_front_matter_keys_of_any_publishing_system_are_kept_not_refused(tmp_path):
    text = "---\ntitle: T\nsummary: S\ncanonical_url: https://x.example/t\nauthors: [A B, C D]\nseo: {a: 1}\n---\nBody.\n"
    article, problems = load(tmp_path, "t.md", text.encode())
    assert problems == []
    assert (article.dek, article.source_url, article.authors, article.extra) == ("S", "https://x.example/t", ["A B", "C D"], {"seo": {"a": 1}})


def test_plain_text_byline_on_the_page(site):
    seed = (FIXTURES / "plaintext" / "wire-story.txt").read_text("utf-8")
    html = site({"seeds/wire.txt": seed}).read("articles/farmers-in-the-valley-count-losses-after-hailstorm/index.html")
    assert "By Maria Lopez" in html and "By By" not in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
    assert data["author"] == [{"@type": "Person", "name": "Maria Lopez"}]
    assert '<p class="dek">' not in html  # the first paragraph is body text, not a standfirst


def test_a_saved_page_builds_safely(site):
    """Nothing from a saved page runs: its scripts, handlers and javascript: links are gone,
    its figure caption is kept and the page's metadata credits the original."""
    built = site({"seeds/courier.html": (FIXTURES / "html" / "news-article.html").read_bytes(),
                  "seeds/ferry.html": (FIXTURES / "html" / "json-ld-graph.html").read_bytes()})
    html = built.read("articles/border-towns-brace-for-winter/index.html")
    assert "Volunteers set up cots in a church hall. Photo: Ana Ruiz</figcaption>" in html
    assert '<a href="https://courier.example.org/news/border-towns-winter">Read the original at The Valley Courier</a>' in html
    for page in ("border-towns-brace-for-winter", "ferry-service-resumes-after-storm"):
        text = built.read(f"articles/{page}/index.html")
        assert "alert(" not in text and "onclick" not in text and "onerror" not in text and "javascript:" not in text
        assert "Advertisement" not in text and "All rights reserved" not in text and "Related stories" not in text


ODD_PAGE = "<html><head>{head}<title>Odd page</title></head><body><article><h1>Odd page</h1>{body}</article></body></html>"
TEXT = "<p>The ferry left the harbour at noon after three days of storms kept every boat in port.</p><p>More.</p>"


@pytest.mark.parametrize("page", [
    '<?xml version="1.0" encoding="utf-8"?>\n' + ODD_PAGE.format(head="", body=TEXT),  # XHTML, saved as such
    ODD_PAGE.format(head='<script type="application/ld+json">{"@type": "NewsArticle", "headline": '
                    + "[" * 20_000 + "]" * 20_000 + "}</script>", body=TEXT),  # JSON-LD nested past Python's limit
    ODD_PAGE.format(head='<script type="application/ld+json">{"@type": "NewsArticle", "headline": ["x"], "description": '
                    '{"a": 1}, "publisher": {"name": ["P"]}, "datePublished": ["2024"], "author": [{"name": {}}, 5]}'
                    "</script>", body=TEXT),  # JSON-LD values of the wrong shapes
    ODD_PAGE.format(head='<script type="application/ld+json">{"@graph": 5}</script>', body=TEXT),
], ids=["xml-declaration", "json-ld-nested-deep", "json-ld-wrong-shapes", "json-ld-graph-not-a-list"])
def test_odd_but_real_pages_are_read_not_raised(tmp_path, page):
    article, problems = load(tmp_path, "odd.html", page.encode("utf-8"))
    assert problems == [] and article.title == "Odd page" and "ferry left the harbour" in article.body[0].text


def test_a_text_no_reader_knows_is_published_as_its_message_suggests(tmp_path):
    """The unrecognised seed's hint says: name a reader, give what it cannot find. Doing
    so publishes the text itself, not an empty article."""
    text = (FIXTURES.parent / "invalid/seed-unrecognised/seeds/x.txt").read_bytes()
    for reader in ("plaintext", "repost"):
        article, problems = load(tmp_path, "x.txt", text, f"reader: {reader}\ntitle: Notes\nauthors: [Ana Ruiz]\n")
        assert problems == [] and article.title == "Notes" and article.authors == ["Ana Ruiz"]
        assert article.body and article.body[0].text in text.decode()
    _, untitled = load(tmp_path, "x.txt", text, "reader: plaintext\n")
    assert untitled == ["seeds/x.txt:1: no title found in the file (set 'title' in content/seeds/x.yaml)"]


def test_a_scraped_page_without_a_title_keeps_its_text_when_the_sidecar_gives_one(tmp_path):
    text = (FIXTURES.parent / "invalid/seed-scraped-no-title/seeds/s.txt").read_bytes()
    article, problems = load(tmp_path, "s.txt", text, "reader: scraped\ntitle: A titled page\n")
    assert problems == [] and article.title == "A titled page"
    assert "No title above the date." in [block.text for block in article.body]
