"""Work shared among processes gives what one process gives: the chunks the render
workers take, and the page files read over every core before the workers start."""

from __future__ import annotations

import os

import orjson
from conftest import make_site, page
from fixtures_site import REPOST

from site_builder import memo, parallel
from site_builder.build import build
from site_builder.errors import Problems
from site_builder.parallel import SMALLEST_CHUNK, map_forked, shrinking_chunks, worker_count


def test_chunks_take_every_job_once_in_order_and_shrink_to_the_smallest():
    for count in (1, 15, 16, 17, 200, 1017, 5000):
        for workers in (2, 3, 8):
            sizes = [len(chunk) for chunk in shrinking_chunks(count, workers)]
            assert [i for chunk in shrinking_chunks(count, workers) for i in chunk] == list(range(count))
            assert sizes == sorted(sizes, reverse=True) and sizes[0] <= max(SMALLEST_CHUNK, count // (2 * workers))
    assert [len(chunk) for chunk in shrinking_chunks(1017, 2)][-4:] == [16, 16, 16, 11]


def test_a_forked_map_is_the_list_comprehension_in_order(monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_JOBS", 1)
    offset = 7  # a closure: the children are forked, nothing is pickled on the way in
    made = map_forked(lambda n: (n + offset, os.getpid()), list(range(10)))
    assert [value for value, _ in made] == list(range(7, 17))
    assert made[0][1] == os.getpid() and len({pid for _, pid in made}) == worker_count()


PAGES = {**{f"content/pages/topics/p{i:02d}.md": page(f"P {i}", f"Text {i}.", order=i) for i in range(12)},
         "content/pages/topics/p03.md": page("P 3", "Text.", order=3, colour="red"),  # a warning, replayed
         "content/pages/topics/p05.txt": "not a page",  # a warning between the pages' own
         "content/pages/topics/p08.md": "---\ntitle: P 8\nsummary: S.\nhue: 1\n---\n",  # two warnings: a key, no text
         **{f"seeds/s{i}.txt": REPOST.replace("A reposted story", f"Reposted story {i}") for i in range(3)}}


def _memo(cache) -> list:
    """The page memo's entries without what differs between two copies of a site: the
    file's path and stat."""
    lines = (cache / "pages.jsonl").read_text("utf-8").splitlines()[1:]
    return [entry[2:] for entry in map(orjson.loads, lines)]


def test_pages_and_seeds_read_over_every_core_are_read_as_in_one_process(tmp_path, monkeypatch):
    """The same pages, warnings (in the same order) and memo entries; the pages rendered
    by workers are kept by the next build (their keys were made there)."""
    results = []
    for minimum in (10**9, 1):
        monkeypatch.setattr(parallel, "PARALLEL_MIN_JOBS", minimum)
        root = make_site(tmp_path / f"site-{minimum}", PAGES)
        report = build(root, cache_dir=tmp_path / f"cache-{minimum}")
        html = {p.relative_to(root / "public").as_posix(): p.read_bytes() for p in sorted((root / "public").rglob("*.html"))}
        again = build(root, cache_dir=tmp_path / f"cache-{minimum}")
        results.append((html, [str(w) for w in report.warnings], _memo(tmp_path / f"cache-{minimum}"), again.reused))
        assert again.reused == again.pages == report.pages
    assert results[0] == results[1] and "articles/reposted-story-2/index.html" in results[0][0]
    warnings = [w for w in results[0][1] if "topics/p" in w]
    assert [w.split(":")[0] for w in warnings] == ["content/pages/topics/p03.md", "content/pages/topics/p05.txt",
                                                    "content/pages/topics/p08.md", "content/pages/topics/p08.md"]


def test_a_rebuild_reads_ahead_only_the_files_that_changed(tmp_path, monkeypatch):
    """Files the memo answers for are not read again in forked children: after one page
    changed, only that one is left to read, too few to fork for."""
    monkeypatch.setattr(parallel, "PARALLEL_MIN_JOBS", 2)
    root = make_site(tmp_path / "site", PAGES)
    build(root, cache_dir=tmp_path / "cache")
    (root / "content/pages/topics/p04.md").write_text(page("P 4", "Changed.", order=4), "utf-8")
    forked = []
    monkeypatch.setattr(memo, "map_forked", lambda function, items: forked.append(len(items)) or map(function, items))
    report = build(root, cache_dir=tmp_path / "cache")
    assert forked == [] and report.reused == report.pages - 1
    monkeypatch.setattr(parallel, "PARALLEL_MIN_JOBS", 1)
    (root / "content/pages/topics/p04.md").write_text(page("P 4", "Changed again.", order=4), "utf-8")
    build(root, cache_dir=tmp_path / "cache")
    assert forked == [1]  # the one changed page: the seeds' memo answered for every seed


def test_problems_kept_apart_name_paths_as_the_build_does_and_stay_apart(tmp_path):
    problems = Problems(tmp_path)
    problems.warn(tmp_path / "content" / "a.md", 1, "seen first")
    apart = problems.apart()
    apart.warn(tmp_path / "content" / "b.md", 3, "odd")
    assert [str(p) for p in apart.items] == ["content/b.md:3: warning: odd"]
    assert [str(p) for p in problems.items] == ["content/a.md:1: warning: seen first"]
