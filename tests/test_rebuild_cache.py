"""What a build keeps between processes is exactly right: the page-file memo and the link verdicts.

Every test edits inputs between real builds and compares with what a build without any
cache makes, or with the exact messages; none of them depends on timing.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from conftest import MINIMAL_CONFIG, make_site, page, write_files

from site_builder import memo as memo_stage
from site_builder.build import build
from site_builder.config import load_config
from site_builder.context import instance_digest, listed
from site_builder.errors import BuildError, Problems
from site_builder.memo import SourceMemo
from site_builder.pages import load_pages

LINKED = {"content/pages/index.md": page("Home", template="home"), "content/pages/about.md": page("About"),
          "content/pages/sources.md": page("Sources")}


def _html(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.html"))
            if "pagefind" not in p.parts}


def _cold(root: Path, tmp_path: Path, name: str):
    """A build with an empty cache into a fresh folder: what every cached build must equal."""
    report = build(root, out=tmp_path / f"cold-{name}", cache_dir=tmp_path / f"cache-{name}")
    return report, _html(tmp_path / f"cold-{name}")


def _reader(calls: list[bytes]):
    def read(data: bytes, found: Problems) -> str | None:
        calls.append(data)
        if b"bad" in data:
            found.add(Path("x.md"), 1, "bad")
            return None
        if b"odd" in data:
            found.warn(Path("x.md"), 2, "odd", "a hint")
        return data.decode()
    return read


def test_the_memo_rereads_a_file_only_when_it_changed(tmp_path):
    source, store = tmp_path / "x.md", tmp_path / "cache" / "memo.jsonl"
    source.write_text("one odd", "utf-8")
    calls: list[bytes] = []

    def load(scope: str = "s") -> tuple[str | None, list[str], SourceMemo]:
        memo = SourceMemo(store, scope, lambda text: text, lambda text: text)
        problems = Problems(tmp_path)
        result = memo.load(source, problems, _reader(calls))
        memo.save()
        return result, [str(p) for p in problems.items], memo

    first = load()
    assert first[:2] == ("one odd", ["x.md:2: warning: odd (a hint)"]) and len(calls) == 1
    again = load()
    assert again[:2] == first[:2] and again[2].hits == 1 and len(calls) == 1  # the warning replayed
    source.write_text("two odd", "utf-8")  # same size, same second: only the bytes tell
    assert load()[0] == "two odd" and len(calls) == 2
    assert load("another scope")[2].hits == 0 and len(calls) == 3
    source.write_text("bad", "utf-8")
    assert load()[1] == ["x.md:1: bad"] and load()[1] == ["x.md:1: bad"]  # errors are never kept
    assert len(calls) == 5


def test_a_settled_file_is_trusted_by_its_stat_and_an_edit_still_shows(tmp_path, monkeypatch):
    # Entries of files changed long ago skip reading; any write changes the change time,
    # even one that puts the old size and modification time back.
    monkeypatch.setattr(memo_stage, "RACY_NS", 0)
    source, store = tmp_path / "x.md", tmp_path / "memo.jsonl"
    source.write_text("first", "utf-8")
    calls: list[bytes] = []

    def load() -> str | None:
        memo = SourceMemo(store, "s", lambda text: text, lambda text: text)
        result = memo.load(source, Problems(tmp_path), _reader(calls))
        memo.save()
        return result

    assert load() == "first" and load() == "first" and len(calls) == 1
    before = os.stat(source)
    source.write_text("again", "utf-8")
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert load() == "again" and len(calls) == 2


def test_a_page_read_afresh_carries_the_digests_of_what_it_was_read_as(tmp_path):
    """A page read from its file keeps the digests its memo entry records (the next build
    restores them), so that this build does not digest it again: they must be its own."""
    root = make_site(tmp_path / "site", {"content/pages/about.md": page("About", "Text.", tags="[a, b]", extra="{k: [1]}")})
    problems = Problems(root)
    pages = load_pages(root / "content/pages", load_config(root / "content/site.toml", problems), problems,
                       cache_dir=tmp_path / "cache")
    [read] = [p for p in pages if p.slug == "about"]
    equal = dataclasses.replace(read)  # made by __init__: digested from its fields
    assert (instance_digest(read), instance_digest(listed(read))) == (instance_digest(equal), instance_digest(listed(equal)))


def test_cached_pages_build_what_an_empty_cache_builds_after_each_edit(tmp_path):
    root = make_site(tmp_path / "site", {
        **LINKED,
        "content/pages/topics/one.md": page("One <b>bold</b>", "First.", order=1),
        "content/pages/topics/two.md": page("Two", "Second.", order=2),
    })
    edits = [
        {"content/pages/topics/one.md": page("One <i>bold</i>", "First.", order=1)},  # same size: the bytes decide
        {"content/pages/topics/two.md": page("Two", "Second.", order=2, tags="[a, b]")},
        {"content/site.toml": MINIMAL_CONFIG.replace('template = "topic"', 'template = "page"')},  # another default
        {"content/pages/topics/three.md": page("Three", "Third.", order=3)},
    ]
    build(root, cache_dir=tmp_path / "warm")
    for number, edit in enumerate(edits):
        write_files(root, edit)
        warm = build(root, cache_dir=tmp_path / "warm")
        cold, html = _cold(root, tmp_path, str(number))
        assert _html(root / "public") == html
        assert [str(w) for w in warm.warnings] == [str(w) for w in cold.warnings]
        assert any("contains markup '<i>'" in w.message for w in warm.warnings)
    (root / "content/pages/topics/two.md").unlink()
    build(root, cache_dir=tmp_path / "warm")
    assert not (root / "public/topics/two").exists()


def test_a_broken_page_fails_every_build_until_it_is_fixed(tmp_path):
    root = make_site(tmp_path / "site", {**LINKED, "content/pages/a.md": "---\ntitle: A\nsummary: [\n---\nText.\n"})
    messages = []
    for _ in range(2):
        with pytest.raises(BuildError) as info:
            build(root, cache_dir=tmp_path / "cache")
        messages.append([str(p) for p in info.value.problems])
    assert messages[0] == messages[1] and messages[0] == [
        "content/pages/a.md:4:1: expected the node content, but found '<stream end>'"]
    write_files(root, {"content/pages/a.md": page("A", "Fixed.")})
    build(root, cache_dir=tmp_path / "cache")
    assert "Fixed." in (root / "public/a/index.html").read_text("utf-8")


def test_a_link_verdict_follows_the_published_files(tmp_path):
    root = make_site(tmp_path / "site", {**LINKED, "content/pages/x.md": page("X", "See [the route](/topics/route/).")})
    dead = "broken link '/topics/route/': nothing is published at /topics/route/"
    assert [w.message for w in build(root, cache_dir=tmp_path / "c").warnings] == [dead]
    write_files(root, {"content/pages/topics/route.md": page("Route", "The way.")})
    assert build(root, cache_dir=tmp_path / "c").warnings == []  # the page linking to it is reused
    (root / "content/pages/topics/route.md").unlink()
    assert [w.message for w in build(root, cache_dir=tmp_path / "c").warnings] == [dead]


def test_a_kept_verdict_holds_only_while_the_same_files_are_published(tmp_path):
    # An unchanged page (same bytes, so the same content key) linking to a file that
    # appears, then disappears: its verdict must follow the files, not the page.
    from site_builder.links import check_links
    from site_builder.write import Output

    html = '<html><body><a href="/notes.txt">notes</a></body></html>'
    messages = []
    for extra in ({}, {"notes.txt": "Notes."}, {}):
        problems = Problems(tmp_path)
        with Output(tmp_path / "out", tmp_path / "manifest.json") as output:
            output.write("index.html", html, "content/pages/index.md")
            for relative, text in extra.items():
                output.write(relative, text, "static")
            parsed = check_links(output, tmp_path, problems, tmp_path / "links.json")
            output.commit()
        messages.append([p.message for p in problems.items])
    assert parsed == 0  # the page itself was read once, in the first check
    dead = "broken link '/notes.txt': nothing is published at /notes.txt"
    assert messages == [[dead], [], [dead]]


def test_a_damaged_memo_file_is_read_as_empty(tmp_path):
    source, store = tmp_path / "x.md", tmp_path / "memo.jsonl"
    source.write_text("text", "utf-8")
    calls: list[bytes] = []
    for damage in ('{"scope": "s"}\n["', "not json", '{"scope": "s"}\n[1]\n', f'{{"scope": "s"}}\n["{source}"]\n'):
        store.write_text(damage, "utf-8")
        memo = SourceMemo(store, "s", lambda text: text, lambda text: text)
        assert memo.load(source, Problems(tmp_path), _reader(calls)) == "text" and memo.hits == 0
        memo.save()
    assert len(calls) == 4
    assert SourceMemo(store, "s", lambda text: text, lambda text: text).load(source, Problems(tmp_path), _reader(calls)) == "text"
    assert len(calls) == 4  # the damaged file was replaced by a sound one


def test_an_edit_appends_its_entry_and_the_memo_file_is_compacted_now_and_then(tmp_path):
    sources = [tmp_path / f"{name}.md" for name in "abcdefgh"]
    for source in sources:
        source.write_text(f"text of {source.stem}", "utf-8")
    store, calls = tmp_path / "memo.jsonl", []

    def load(files=sources) -> list[str | None]:
        memo = SourceMemo(store, "s", lambda text: text, lambda text: text)
        results = [memo.load(source, Problems(tmp_path), _reader(calls)) for source in files]
        memo.save()
        return results

    load()
    appended = 0
    for edit in range(40):
        before = store.read_bytes()
        sources[edit % 3].write_text(f"edit {edit}", "utf-8")
        assert load()[edit % 3] == f"edit {edit}"
        after = store.read_bytes()
        if after.startswith(before):  # one line appended: the edited file's
            assert after[len(before):].count(b"\n") == 1 and f"edit {edit}".encode() in after[len(before):]
            appended += 1
        else:  # written afresh: one line per file
            assert after.count(b"\n") == 1 + len(sources)
    assert len(calls) == len(sources) + 40  # every unchanged file answered from the memo
    assert appended >= 30  # written afresh about once every (a quarter of the files) edits
    assert store.read_bytes().count(b"\n") <= 1 + len(sources) * 5 // 4 + 4  # replaced lines do not pile up
    assert load() == ["edit 39", "edit 37", "edit 38", *[f"text of {s.stem}" for s in sources[3:]]]
    assert len(calls) == len(sources) + 40
    load(sources[1:])  # a file gone: forgotten, the file written afresh
    assert store.read_bytes().count(b"\n") == len(sources) and b"edit 39" not in store.read_bytes()


def test_a_memo_file_changed_by_another_build_is_written_afresh_not_appended_to(tmp_path):
    source, store = tmp_path / "x.md", tmp_path / "memo.jsonl"
    source.write_text("one", "utf-8")
    first = SourceMemo(store, "s", lambda text: text, lambda text: text)
    first.load(source, Problems(tmp_path), _reader([]))
    first.save()
    mine = SourceMemo(store, "s", lambda text: text, lambda text: text)
    other = SourceMemo(store, "s", lambda text: text, lambda text: text)
    source.write_text("two!", "utf-8")
    other.load(source, Problems(tmp_path), _reader([]))
    other.save()  # appended
    store.write_bytes(store.read_bytes() + b'["cut short')  # and an append cut short
    source.write_text("three", "utf-8")
    mine.load(source, Problems(tmp_path), _reader([]))
    mine.save()
    assert store.read_text("utf-8").count("\n") == 2 and '"three"' in store.read_text("utf-8")
    calls: list[bytes] = []
    again = SourceMemo(store, "s", lambda text: text, lambda text: text)
    assert again.load(source, Problems(tmp_path), _reader(calls)) == "three" and again.hits == 1


def test_pages_remembered_without_their_bodies_render_as_read_pages_do(tmp_path):
    # The memo keeps no body: a page re-rendered for another reason (here a template
    # edit renders every page) reads its body from its file, and must read what a
    # parse of the file reads: after a byte-order mark, Windows line ends, an invisible
    # character, a front matter line '---' inside the text.
    tricky = "\ufeff---\r\ntitle: Tricky\r\nsummary: S.\r\n---\r\nFirst\u200b line.\r\n\r\n---\r\n\r\nAfter a rule.\r\n"
    root = make_site(tmp_path / "site", {**LINKED, "content/pages/tricky.md": tricky,
                                         "content/pages/plain.md": page("Plain", "Plain text.")})
    build(root, cache_dir=tmp_path / "warm")
    memo = (tmp_path / "warm" / "pages.jsonl").read_text("utf-8")
    assert "Plain text." not in memo and "After a rule." not in memo
    write_files(root, {"templates/page.html": (root / "templates/page.html").read_text("utf-8") + "\n"})
    warm = build(root, cache_dir=tmp_path / "warm")
    cold, html = _cold(root, tmp_path, "tricky")
    assert _html(root / "public") == html and "After a rule." in html["tricky/index.html"].decode()
    assert [str(w) for w in warm.warnings] == [str(w) for w in cold.warnings]


def test_link_scans_are_appended_and_a_damaged_scans_file_changes_no_verdict(tmp_path):
    from site_builder.links import check_links
    from site_builder.write import Output

    pages = {"index.html": '<a href="/b.html#x">b</a> <a href="/b.html#gone">b</a> <a href="/c.html">c</a>',
             "b.html": '<h2 id="x">X</h2>', "c.html": "<p>C</p>"}

    def check(cache: Path, out: str) -> tuple[list[str], int]:
        problems = Problems(tmp_path)
        with Output(tmp_path / out, tmp_path / f"{out}.json") as output:
            for relative, html in pages.items():
                output.write(relative, f"<html><body>{html}</body></html>", "content/pages/x.md")
            parsed = check_links(output, tmp_path, problems, cache)
            output.commit()
        return [p.message for p in problems.items], parsed

    cache = tmp_path / "links.json"
    first, parsed = check(cache, "out")
    assert parsed == 3 and first == ["broken anchor '/b.html#gone': /b.html has no id 'gone'"]
    scans = cache.with_suffix(".scans.jsonl")
    before = scans.read_bytes()
    pages["c.html"] = "<p>C, again</p>"
    assert check(cache, "out") == (first, 1)  # one page parsed, its scan appended
    assert scans.read_bytes().startswith(before) and scans.read_bytes().count(b"\n") == 4
    scans.write_bytes(scans.read_bytes()[:len(before) // 2])  # cut short: the index's scan among those lost
    pages["b.html"] = '<h2 id="x">X</h2><h2 id="gone">Back</h2>'  # the index is judged again
    again, _ = check(cache, "out")
    assert again == check(tmp_path / "cold.json", "cold")[0] == []
