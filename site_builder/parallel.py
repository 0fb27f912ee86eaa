"""Rendering pages over every core for large sites.

Each page's Markdown and template are rendered independently of the others, so a list
of render jobs can be split among processes. Workers are forked after the site is
gathered: they inherit the site, the Markdown parser and the Jinja environment instead
of unpickling them, write their files straight into the staging folder, and send back
only each file's [size, mtime, inode] and the problems found. Small sites stay in one
process, where starting workers would cost more than it saves. The bytes are the same
either way: every page is rendered by the same function from the same inputs.

:class:`Background` runs one function in a forked child while the build goes on (the
charts and the Vega bundle, which vl-convert makes on one core while Python holds the
lock it needs to run anything else). :func:`map_forked` reads many input files the same
way, a part in each core, before the render workers exist: on a clean build reading
the pages' front matter would otherwise leave every core but one waiting.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import os
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TypeVar

from .errors import Problem, Problems
from .write import Output, content_digest

PARALLEL_MIN_JOBS = 200  # below this, forking workers costs more than it saves (pages to render, files to read)
SMALLEST_CHUNK = 16      # pages a worker takes at a time, at the end (a few hundredths of a second)


T, R = TypeVar("T"), TypeVar("R")


@dataclass
class Job:
    """One file to render: ``render(problems)`` returns its text and what its render
    depended on, or None after reporting; ``key(dependencies)`` is then its reuse key."""

    relative: str
    path: Path       # its claimed staging path
    key: Callable[[list], str]
    render: Callable[[Problems], tuple[str, list] | None]


# The jobs of the running build, set just before forking so that workers inherit them
# (closures over the site cannot be pickled, and pickling the site would cost more
# than rendering it). Only ever set and cleared by run_jobs.
_inherited: tuple[list[Job], Output, Path, Callable[[str], Any] | None] | None = None


def worker_count() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def worth_forking(count: int, workers: int | None = None) -> bool:
    """Whether ``count`` pieces of work are enough to share among ``workers`` processes
    (default: one per core)."""
    return (worker_count() if workers is None else workers) >= 2 and count >= PARALLEL_MIN_JOBS


def map_forked(function: Callable[[T], R], items: list[T]) -> list[R]:
    """``[function(item) for item in items]``, in parts over every core when there are
    many: forked children (see :class:`Background`) each do a part of the list while this
    process does the first. Forked, so ``function`` may be a closure over anything; its
    results come back pickled."""
    workers = worker_count()
    if not worth_forking(len(items), workers):
        return _map(function, items)
    bounds = [len(items) * part // workers for part in range(workers + 1)]
    gc.freeze()  # the children's collections leave alone what they inherit (see run_jobs)
    try:
        helpers = [Background(functools.partial(_map, function, items[start:end]))
                   for start, end in zip(bounds[1:], bounds[2:])]
    finally:
        gc.unfreeze()
    return _map(function, items[:bounds[1]]) + [result for helper in helpers for result in helper.result()]


def _map(function: Callable[[T], R], items: list[T]) -> list[R]:
    return [function(item) for item in items]


def run_jobs(jobs: list[Job], output: Output, root: Path, problems: Problems, workers: int | None = None,
             inspect: Callable[[str], Any] | None = None) -> tuple[int, dict[str, Any]]:
    """Render and store every job, over several processes when there are many.
    Returns how many files were written, and ``inspect(text)`` of each written file by
    its path (a later stage's reading of the page, made where the text already is).
    Problems are added to ``problems``."""
    global _inherited
    workers = worker_count() if workers is None else workers
    if not worth_forking(len(jobs), workers):
        results = _run_chunk(range(len(jobs)), (jobs, output, root, inspect))
    else:
        chunks = shrinking_chunks(len(jobs), workers)
        _inherited = (jobs, output, root, inspect)
        # Everything the workers inherit is left out of their garbage collections:
        # collecting would walk the whole site, and writing to each object's collector
        # header would copy every page of memory the site sits on into each worker.
        gc.freeze()
        try:
            import multiprocessing  # here: a build that renders a few pages does not load it
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                results = [r for chunk in pool.imap_unordered(_run_inherited, chunks) for r in chunk]
        finally:
            _inherited = None
            gc.unfreeze()  # the preview's process lives on: its garbage must stay collectable
    written, inspected = 0, {}
    for index, entry, found, seen in sorted(results, key=lambda result: result[0]):
        problems.items.extend(found)
        if entry is not None:
            output.entries[jobs[index].relative] = entry
            inspected[jobs[index].relative] = seen
            written += 1
    return written, inspected


def shrinking_chunks(count: int, workers: int) -> list[range]:
    """``range(count)`` cut into consecutive chunks for ``workers`` to take in turn: each
    a share of what is left, down to :data:`SMALLEST_CHUNK`. Large chunks first keep the
    traffic with the workers small; small ones last keep every worker busy to the end
    (with equal chunks, one worker would still render a whole chunk while the others wait)."""
    chunks, start = [], 0
    while start < count:
        size = max(SMALLEST_CHUNK, (count - start) // (2 * workers))
        chunks.append(range(start, min(start + size, count)))
        start += size
    return chunks


Result = tuple[int, list | None, list[Problem], Any]  # index, manifest entry, problems, inspection


def _run_inherited(indices: range) -> list[Result]:
    return _run_chunk(indices, _inherited)


def _run_chunk(indices: range, state) -> list[Result]:
    """Render and store the jobs at ``indices``; each written file comes back with its
    whole manifest entry, reuse key included: a key digests what the page's render
    looked at, and made here it is made on every core rather than after the pool."""
    jobs, output, root, inspect = state
    results = []
    for index in indices:
        job = jobs[index]
        found = Problems(root)
        made = job.render(found)
        if made is None or found.errors:
            results.append((index, None, found.items, None))
            continue
        text, used = made
        # the warnings are kept with the file: a build that keeps it reports them again
        warnings = [list(dataclasses.astuple(problem)) for problem in found.items if problem.warning]
        entry = [job.key(used), *output.store(job.relative, job.path, text), used, warnings, content_digest(text)]
        results.append((index, entry, found.items, inspect(text) if inspect else None))
    return results


class Background:
    """``function()`` running in a forked child; :meth:`result` waits for its value.

    Forked, so the function may be a closure over the site (nothing is pickled on the
    way in) and the child starts without importing anything. Only a plain
    ``multiprocessing.Process`` and a pipe: no helper threads in this process, which
    later forks the page workers. The child is a daemon, so a build that stops early
    (content errors) does not wait for it on exit. An exception in the child (a bug)
    is raised again by :meth:`result`, with the child's traceback in its message.
    """

    def __init__(self, function: Callable[[], Any]):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_send_outcome, args=(function, send), daemon=True)
        self._process.start()
        send.close()  # only the child writes: its exit then reads as end of file here
        self._outcome: tuple[bool, Any] | None = None

    def stop(self) -> None:
        """End the child if it is still working (its result is no longer wanted)."""
        if self._outcome is None and self._process.is_alive():
            self._process.terminate()
            self._process.join(5)

    def result(self) -> Any:
        """The function's return value (waiting for it); raises what the function raised."""
        if self._outcome is None:
            try:
                self._outcome = self._receive.recv()
            except EOFError:
                self._outcome = (False, RuntimeError(f"a background process died (exit code {self._process.exitcode})"))
            self._receive.close()
            self._process.join()
        ok, value = self._outcome
        if not ok:
            raise value
        return value


def _send_outcome(function: Callable[[], Any], send) -> None:
    try:
        outcome = (True, function())
    except BaseException as exc:  # a bug: the parent raises it, with where it happened here
        outcome = (False, RuntimeError(f"{type(exc).__name__}: {exc}\n\nin a background process:\n{traceback.format_exc()}"))
    send.send(outcome)
    send.close()
