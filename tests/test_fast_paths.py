"""Each shortcut the render workers take gives what the plain way it stands in for gives:
word counts, glossary mentions, line breaks, the link scan, the minifier's block tags.
Pure functions, so these run in milliseconds; the plain ways are written out here as the
reference."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.links import _fast_scan, _resolve, scan_with_parser
from site_builder.markdown import _normalize, _TermFinder
from site_builder.minify import _BLOCK_TAG, _BLOCK_TAGS
from site_builder.seeds import _WORD, count_text_words

MANY = settings(max_examples=400, deadline=None)


@MANY
@given(st.text(alphabet=st.sampled_from("ab1_' \n\t-.,’é中Z9\"") | st.characters(max_codepoint=127), max_size=40))
def test_words_are_counted_as_the_word_pattern_counts_them(text):
    assert count_text_words(text) == len(_WORD.findall(text))


@pytest.mark.parametrize("text, words", [("It's a don't-care", 4), ("'quoted' ''", 1), ("a''b 'x", 3),
                                         ("snake_case 3.5", 4), ("走线 route", 3)])
def test_word_counts_by_example(text, words):
    assert count_text_words(text) == words


def first_term_one_by_one(text: str, glossary: dict[str, str], linked: set[str]) -> tuple[str, int, int] | None:
    """The earliest mention of a term not yet linked, searched term by term (the reference)."""
    best = None
    for name, href in glossary.items():
        if href in linked:
            continue
        flags = 0 if name.isupper() else re.IGNORECASE
        match = re.search(rf"(?<!\w){re.escape(name)}s?(?!\w)", text, flags)
        if match and (best is None or match.start() < best[1]):
            best = (href, match.start(), match.end())
    return best


TERM_WORDS = ["CBP", "cbp", "Credible fear", "fear", "Title 42", "Darién", "asylum", "asylum seeker", "ICE", "s", "(CBP)"]
glossaries = st.lists(st.sampled_from(TERM_WORDS), unique=True, max_size=6).flatmap(
    lambda names: st.tuples(st.just(names), st.lists(st.sampled_from("abc"), min_size=len(names), max_size=len(names))))
texts = st.lists(st.sampled_from(TERM_WORDS + [" ", "s", "S", ", ", "x", "-", "é", "_", "\n", "CBPs", "Fears"]), max_size=15).map("".join)


@MANY
@given(glossaries, texts, st.sets(st.sampled_from(["/g/#a", "/g/#b", "/g/#c"])))
def test_one_pattern_finds_the_mention_each_term_would(names_and_anchors, text, linked):
    names, anchors = names_and_anchors
    glossary = {name: f"/g/#{anchor}" for name, anchor in zip(names, anchors)}
    assert _TermFinder(glossary).first(text, linked) == first_term_one_by_one(text, glossary, linked)


def test_a_mention_of_a_linked_term_does_not_hide_a_later_one_at_the_same_place():
    glossary = {"asylum": "/g/#asylum", "asylum seeker": "/g/#seeker"}
    assert _TermFinder(glossary).first("an asylum seeker", {"/g/#asylum"}) == ("/g/#seeker", 3, 16)
    assert _TermFinder(glossary).first("an asylum seeker", set()) == ("/g/#asylum", 3, 9)


def summary(page):
    return None if page is None else (page.ids, [(link.url, link.tag, link.text) for link in page.links])


def quoted(value: str, style: str) -> str:
    if style == "bare" and value and not any(c in value for c in " \"'=>"):
        return "=" + value
    return f'="{value}"' if style == "double" or "'" in value else f"='{value}'"


attributes = st.builds(lambda name, value, style, gap: gap + name + ("" if value is None else quoted(value, style)),
                       st.sampled_from(["id", "ID", "href", "HREF", "src", "srcset", "name", "class", "data-x", "rel", "alt"]),
                       st.none() | st.sampled_from(["", "/u/", "#x", "a b", "x&amp;y", "/i.png 1x, /j.png 2x", "canonical", "<a>"]),
                       st.sampled_from(["double", "single", "bare"]), st.sampled_from([" ", " ", " ", "  ", "\n", "/"]))
TAGS = ["a", "A", "p", "div", "span", "h2", "b", "script", "style", "img", "link", "br", "abbr", "a-b"]
start_tags = st.builds(lambda name, attrs, end: f"<{name}{''.join(attrs)}{end}>", st.sampled_from(TAGS),
                       st.lists(attributes, max_size=3), st.sampled_from(["", "", "/", " "]))
end_tags = st.sampled_from(TAGS).map(lambda name: f"</{name}>")
TEXT = ["text", " ", "1 < 2", "a &amp; b", "&", "<", "é", "\n", "<!-- c -->", "<!doctype html>", "<²", "x<y", "</ a>"]
documents = st.lists(start_tags | end_tags | st.sampled_from(TEXT), max_size=25).map("".join)


@settings(max_examples=1500, deadline=None)
@given(documents)
def test_the_fast_scan_reads_documents_as_html_parser_does_or_hands_them_over(html):
    fast = _fast_scan(html)
    assert fast is None or summary(fast) == summary(scan_with_parser(html))


PLAIN_BLOCK_TAG = re.compile(rf"(</?(?:{'|'.join(map(re.escape, _BLOCK_TAGS))})\b[^>]*>)", re.I)
tag_text = st.lists(st.sampled_from(["<", "</", ">", " ", "\n", "x", "-", "1"]) | st.sampled_from(_BLOCK_TAGS)
                    | st.sampled_from(["HEAD", "Header", "h7", "hr", "thead", "tbody", "p-x", "pre", "svg:g", "!DOCTYPE"]),
                    max_size=20).map("".join)


@MANY
@given(tag_text)
def test_the_grouped_block_tag_pattern_finds_the_tags_the_plain_one_finds(text):
    assert _BLOCK_TAG.split(text) == PLAIN_BLOCK_TAG.split(text)


@MANY
@given(st.text(alphabet=st.sampled_from("\r\n\0a \u2028"), max_size=20))
def test_line_breaks_and_nul_are_normalised_as_markdown_it_does(text):
    from markdown_it.rules_core.normalize import normalize

    ours, theirs = SimpleNamespace(src=text), SimpleNamespace(src=text)
    _normalize(ours)
    normalize(theirs)
    assert ours.src == theirs.src


def resolve_with_pathlib(path: str, files: set[str]) -> str | None:
    relative = str(PurePosixPath(path)).lstrip("/")
    candidates = [f"{relative}/index.html" if relative else "index.html"] if path.endswith("/") else [relative, f"{relative}/index.html"]
    return next((c for c in candidates if c in files), None)


PUBLISHED = {"index.html", "a", "a/index.html", "a/b/index.html", "../a/index.html", "b.txt", "a/./b"}
addresses = st.lists(st.sampled_from(["", ".", "..", "a", "b", "b.txt", "index.html"]), max_size=5).map(lambda p: "/" + "/".join(p))


@MANY
@given(addresses)
def test_an_address_resolves_to_the_file_pathlib_would_name(path):
    assert _resolve(path, PUBLISHED) == resolve_with_pathlib(path, PUBLISHED)
