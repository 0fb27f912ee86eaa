"""Work shared among processes gives what one process gives: the chunks the render
workers take, and the page files read over every core before the workers start."""

from __future__ import annotations

from site_builder.errors import Problems
from site_builder.parallel import SMALLEST_CHUNK, shrinking_chunks


def test_chunks_take_every_job_once_in_order_and_shrink_to_the_smallest():
    for count in (1, 15, 16, 17, 200, 1017, 5000):
        for workers in (2, 3, 8):
            sizes = [len(chunk) for chunk in shrinking_chunks(count, workers)]
            assert [i for chunk in shrinking_chunks(count, workers) for i in chunk] == list(range(count))
            assert sizes == sorted(sizes, reverse=True) and sizes[0] <= max(SMALLEST_CHUNK, count // (2 * workers))
    assert [len(chunk) for chunk in shrinking_chunks(1017, 2)][-4:] == [16, 16, 16, 11]


def test_problems_kept_apart_name_paths_as_the_build_does_and_stay_apart(tmp_path):
    problems = Problems(tmp_path)
    problems.warn(tmp_path / "content" / "a.md", 1, "seen first")
    apart = problems.apart()
    apart.warn(tmp_path / "content" / "b.md", 3, "odd")
    assert [str(p) for p in apart.items] == ["content/b.md:3: warning: odd"]
    assert [str(p) for p in problems.items] == ["content/a.md:1: warning: seen first"]
