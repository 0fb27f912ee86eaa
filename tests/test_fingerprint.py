"""fingerprint(): equal digests exactly for equal keyed values (the reuse keys rest on it)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st
from markupsafe import Markup

from site_builder.context import fingerprint, instance_digest, listed, seal
from site_builder.model import Page, fill

text = st.text(max_size=12)
values = st.recursive(st.none() | st.booleans() | st.integers() | text | st.dates(),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3), max_leaves=8)


def make_page(**changes) -> Page:
    fields = dict(source="content/pages/a.md", slug="a", section="", url="/a/", output="a/index.html", title="A",
                  summary="S", order=0, template="page", tags=["x"], articles=[], draft=False, body="Body", body_line=5)
    fields.update(changes)
    return Page(**fields)


@settings(max_examples=300)
@given(values, values)
def test_equal_digests_exactly_for_equal_values(a, b):
    assert (fingerprint(a) == fingerprint(b)) == (a == b and _same_types(a, b))


def _same_types(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return all(_same_types(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same_types(a[k], b[k]) for k in a)
    return True


@settings(max_examples=200)
@given(st.sampled_from(["title", "summary", "body", "tags", "order", "draft", "extra", "authors", "date"]), values)
def test_every_keyed_field_counts(name, value):
    page = make_page()
    changed = make_page(**{name: value})
    assert (fingerprint(page) == fingerprint(changed)) == (getattr(page, name) == value
                                                         and _same_types(getattr(page, name), value))


def test_rendered_fields_do_not_count_and_sharing_does_not_matter():
    page = make_page()
    assert fingerprint(page) == fingerprint(make_page(html="<p>x</p>", toc=[(2, "a", "A")], word_count=9))
    text = "same words"
    shared, apart = make_page(summary=text, description=text), make_page(summary=text, description="same " + "words")
    assert fingerprint(shared) == fingerprint(apart)
    assert fingerprint(listed(page)) != fingerprint(page)  # the body is blank in a listing
    assert fingerprint(Markup("<b>")) == fingerprint("<b>")
    assert fingerprint({"b", "a"}) == fingerprint({"a", "b"})
    assert fingerprint(dt.date(2024, 1, 2)) != fingerprint("2024-01-02")


plain = st.recursive(st.none() | st.booleans() | st.integers() | text | st.floats(allow_nan=False).map(lambda x: x + 0.0),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3), max_leaves=8)


@settings(max_examples=300)
@given(plain, plain)
def test_plain_lists_and_dicts_digested_by_their_text_are_equal_exactly_when_equal(a, b):
    assert (fingerprint([a]) == fingerprint([b])) == (a == b and _same_types(a, b))
    assert (fingerprint({"k": a}) == fingerprint({"k": b})) == (a == b and _same_types(a, b))
    assert fingerprint([a, make_page()]) != fingerprint([b, make_page(title="B")])  # walked, not by text


def test_plain_text_cannot_pass_for_other_values():
    assert fingerprint(["a", "b"]) != fingerprint("['a', 'b']")
    assert fingerprint([["a"], "b"]) != fingerprint([["a", "b"]])
    assert fingerprint([1]) != fingerprint([True]) and fingerprint([1]) != fingerprint([1.0])
    assert fingerprint([{"a": 1}]) != fingerprint([{"a": 1}, None])


class Walked(list):
    """A list that counts how often it is walked."""
    walks = 0

    def __iter__(self):
        Walked.walks += 1
        return super().__iter__()


def test_one_build_digests_each_instance_once_for_its_page_and_for_every_listing():
    from site_builder.cache import base_key
    from site_builder.context import TemplateContext

    item = Mutable(Walked(["x", "y"]))
    expected = fingerprint([item, item]), base_key("engine", "page.html", item)
    Walked.walks = 0
    instances: dict = {}
    english, chinese = TemplateContext(instances), TemplateContext(instances)
    for context in (english, chinese):
        context.value("items", [item, item])
    key = base_key("engine", "page.html", item, english.instances)
    assert english.digest(("items", None)) == chinese.digest(("items", None)) == expected[0]
    assert key == expected[1]
    assert Walked.walks == 1  # once for the build: its base key and both editions' listings


def test_a_charts_files_are_digested_by_their_cache_key_alone():
    from site_builder.charts import RenderedFiles

    def files(key: str, png: bytes) -> RenderedFiles:
        return RenderedFiles(key=key, svg="<svg/>", png=png, spec_json="{}", export_svg="<svg/>", columns=["a"],
                             rows=[[1]], csv="a\n1\n")
    assert fingerprint(files("k1", b"\x89PNG" * 1000)) == fingerprint(files("k1", b"other bytes"))
    assert fingerprint(files("k1", b"same")) != fingerprint(files("k2", b"same"))


def test_a_datasets_rows_are_digested_by_its_digest_and_a_charts_drawing_by_its_files():
    from site_builder.charts import RenderedFiles
    from site_builder.model import Chart, ChartSpec, Dataset

    def dataset(digest: str, rows: list) -> Dataset:
        return Dataset("d", "content/data/d.csv", "/data/d/", "data/d/index.html", "D", "A", "", "", "", "people",
                       "2024", [], [], {}, rows, [2], digest, download=repr(rows).encode())
    assert fingerprint(dataset("x1", [{"year": 2023}])) == fingerprint(dataset("x1", [{"year": 2024}]))
    assert fingerprint(dataset("x1", [{"year": 2023}])) != fingerprint(dataset("x2", [{"year": 2023}]))
    spec = ChartSpec("c", "T", "K", "D", ["d"], [], "content/charts/c.py", 1)

    def chart(key: str, svg: str) -> Chart:
        files = RenderedFiles(key=key, svg=svg, png=b"", spec_json="{}", export_svg=svg, columns=["a"], rows=[[1]], csv="")
        return Chart(spec, svg, ["a"], [[1]], "/c.csv", "/c.vl.json", "/c.png", [], files)
    assert fingerprint(chart("k1", "<svg>1</svg>")) == fingerprint(chart("k1", "<svg>2</svg>"))
    assert fingerprint(chart("k1", "<svg>1</svg>")) != fingerprint(chart("k2", "<svg>1</svg>"))
    with pytest.raises(AttributeError):
        fill(dataset("x1", []), rows=[{"year": 2025}])  # derived from the file, not filled in by rendering


def test_field_values_cannot_pass_for_one_another():
    # text that reads like another kind of value, in the neighbouring field
    assert fingerprint(make_page(title="['x']", tags=[])) != fingerprint(make_page(title="", tags=["x"]))
    assert fingerprint(make_page(title="A", summary="S")) != fingerprint(make_page(title="AS", summary=""))
    assert fingerprint(make_page(extra={"a": 1})) != fingerprint(make_page(extra={"a": "1"}))


def test_the_memo_gives_the_same_digests():
    pages = [make_page(title=f"T{i}") for i in range(3)]
    memo: dict = {}
    with_memo = [fingerprint((p, pages[0]), memo) for p in pages]
    assert with_memo == [fingerprint((p, pages[0])) for p in pages]
    assert len(memo) == 3


def test_a_page_keeps_what_it_was_read_as_and_a_sealed_digest_stands_for_it():
    page = make_page()
    with pytest.raises(dataclasses.FrozenInstanceError):
        page.title = "changed"  # what it was read as cannot change...
    fill(page, html="<p>Body</p>", word_count=1)  # ...what rendering makes of it is filled in
    with pytest.raises(AttributeError):
        fill(page, title="changed")
    digest = instance_digest(make_page())
    sealed = seal(make_page(), digest)
    assert fingerprint(sealed) == fingerprint(make_page())
    fake = seal(make_page(), b"x" * 16)  # the seal is what is used: it must come from an equal item
    assert fingerprint(fake) != fingerprint(make_page())
    assert fingerprint(listed(fake)) == fingerprint(listed(make_page()))  # a listing's copy is digested afresh
    with pytest.raises(TypeError):
        seal(Mutable("x"), digest)


@dataclasses.dataclass
class Mutable:
    value: Any


def test_a_remembered_page_is_sealed_with_the_digest_of_the_page_read_afresh(tmp_path):
    from conftest import copy_repo
    from site_builder.config import load_config
    from site_builder.errors import Problems
    from site_builder.pages import load_pages

    root = copy_repo(tmp_path / "site")
    problems = Problems(root)
    config = load_config(root / "content/site.toml", problems)
    fresh = load_pages(root / "content/pages", config, problems, True, tmp_path / "cache")
    remembered = load_pages(root / "content/pages", config, problems, True, tmp_path / "cache")
    assert len(remembered) == len(fresh) > 10
    assert all("_sealed_digest" in page.__dict__ for page in remembered)
    assert [fingerprint(page) for page in remembered] == [fingerprint(page) for page in fresh]
    assert all("_sealed_digest" in listed(page).__dict__ for page in remembered)
    assert [fingerprint(listed(page)) for page in remembered] == [fingerprint(listed(page)) for page in fresh]
