"""The search stage: a Pagefind index of the written pages.

Pagefind reads the finished HTML, so it runs over a whole-site view of the build after
every page is written and before anything is published; a failed index means nothing
is published. The binary ships inside the ``pagefind-bin-extended`` wheel, the build
that splits Chinese and Japanese text into words: no network needed.
Only elements marked ``data-pagefind-body`` are indexed (templates decide which
pages are worth finding).

Indexing costs more than the rest of a small rebuild, so it is skipped when no page
changed: a stamp in the cache folder records which pages the published index was made
from (see :func:`index_output`). The live preview may also defer it until the browser
has reloaded (its search results then lag one rebuild behind, for a fraction of a second).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from .cache import version
from pathlib import Path

from .write import Output, write_atomically

SEARCH_FOLDER = "pagefind"
PAGEFIND = "pagefind-bin-extended"  # its version is part of the index's key
SUPERSEDED_POLL = 0.005  # seconds between two looks at whether a newer build waits


class SearchIndexError(RuntimeError):
    """Pagefind could not run or failed: an installation problem, not a content mistake."""


class Superseded(Exception):
    """Indexing was stopped because a newer build is waiting (the preview)."""


def index_site(folder: Path, language: str | None, into: Path | None = None, background: bool = False,
               superseded: Callable[[], bool] | None = None) -> Path:
    """Write the search index for the HTML pages in ``folder`` into ``into`` (default
    ``folder/pagefind``).

    ``language`` is the site's ISO 639-1 code; the whole site is indexed as that one
    language so that terms in other scripts (marked with ``lang`` inside a page) are
    found from the same search box. ``None`` (a site in several languages) lets
    Pagefind make one index per ``<html lang>``, which each page's search loads. Returns the index folder; raises
    :class:`SearchIndexError` when Pagefind is missing or fails. ``background`` runs
    Pagefind at low priority (the preview, while a browser reloads); ``superseded``, when it
    returns true, ends Pagefind at once and raises :class:`Superseded` (``into`` is then
    incomplete).
    """
    into = into or folder / SEARCH_FOLDER
    _run_pagefind(folder, language, ["--output-path", str(into)], background, superseded)
    _sort_entry(into / "pagefind-entry.json")
    return into


def _sort_entry(entry: Path) -> None:
    """Pagefind lists a site's languages in its entry file in no fixed order (two runs on
    the same pages differ); the file is read as JSON, so its keys are sorted to keep a
    build's bytes the same for the same inputs."""
    if entry.is_file():
        data = json.loads(entry.read_text("utf-8"))
        entry.write_text(json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False), "utf-8")


def _run_pagefind(folder: Path, language: str | None, output: list[str], background: bool = False,
                  superseded: Callable[[], bool] | None = None) -> None:
    try:  # the extended build: it splits Chinese and Japanese text into words
        import pagefind_bin_extended
        executable = pagefind_bin_extended.get_executable()
    except (ImportError, FileNotFoundError) as exc:
        raise SearchIndexError(f"the Pagefind binary is missing ({exc}); pip install 'pagefind[extended]'") from exc
    forced = ["--force-language", language.split("-")[0]] if language else []
    command = [str(executable), "--site", str(folder), *output, *forced, "--silent"]
    # in the background, yield the cores to the browser that is reloading the page
    lower = (lambda: os.nice(10)) if background and hasattr(os, "nice") else None
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=lower)
    try:
        stdout, stderr = _finished(process, superseded)
    finally:
        if process.poll() is None:  # stopped, or interrupted: no Pagefind outlives its build
            process.kill()
            process.communicate()
    if process.returncode != 0:
        raise SearchIndexError(f"pagefind failed ({process.returncode}): {stderr.strip() or stdout.strip()}")


def _finished(process: subprocess.Popen, superseded: Callable[[], bool] | None) -> tuple[str, str]:
    """The output of ``process`` once it exits; raises :class:`Superseded` as soon as
    ``superseded()`` is true (the caller ends the process)."""
    while True:
        try:
            return process.communicate(timeout=None if superseded is None else SUPERSEDED_POLL)
        except subprocess.TimeoutExpired:  # communicate() again loses no output
            if superseded():
                raise Superseded() from None


@dataclass
class SearchIndex:
    """How a build got its search index: ``reused`` (no page changed), ``indexed``, or
    ``deferred`` (the previous index is published for now; call :meth:`catch_up`)."""

    state: str
    folder: Path  # the published folder
    language: str | None
    stamp: Path
    key: str

    def published(self) -> None:
        """Record, once the build is published, which pages its index was made from."""
        if self.state == "indexed":
            _write_stamp(self.stamp, self.key)

    def catch_up(self, superseded: Callable[[], bool] | None = None) -> None:
        """Index the published folder when the build deferred it, and swap the new
        index in; raises :class:`SearchIndexError` like :func:`index_site`. When
        ``superseded()`` turns true meanwhile (a newer build waits), Pagefind is ended
        and the published index left as it was, still deferred: the newer build's
        stamp does not match it, so that build indexes again."""
        if self.state != "deferred":
            return
        fresh = self.folder.parent / f".{self.folder.name}.search-{os.getpid()}"
        shutil.rmtree(fresh, ignore_errors=True)
        try:
            index_site(self.folder, self.language, into=fresh, background=True, superseded=superseded)
        except Superseded:
            shutil.rmtree(fresh, ignore_errors=True)
            return
        self.stamp.unlink(missing_ok=True)  # the index changes: the old stamp no longer holds
        old = self.folder / f".{SEARCH_FOLDER}.old"
        os.replace(self.folder / SEARCH_FOLDER, old)
        os.replace(fresh, self.folder / SEARCH_FOLDER)
        shutil.rmtree(old, ignore_errors=True)
        _write_stamp(self.stamp, self.key)
        self.state = "indexed"


def index_output(output: Output, language: str | None, stamp: Path, defer: bool = False) -> SearchIndex:
    """Give the staged site its search index: the published one when the pages it was
    made from are the pages staged now, else a new one (or, with ``defer``, the
    published one until :meth:`SearchIndex.catch_up`). Call ``published()`` on the
    result after the output is committed."""
    digest = hashlib.sha256(f"pagefind {version(PAGEFIND)} {language}\0".encode())
    for relative in sorted(r for r in output.entries if r.endswith(".html")):
        digest.update(f"{relative}\0{output.content_key(relative)}\0".encode())
    index = SearchIndex("indexed", output.final, language, stamp, digest.hexdigest())
    fresh = stamp.is_file() and stamp.read_text("utf-8") == index.key
    if (fresh or defer) and output.keep_previous(SEARCH_FOLDER, "pagefind"):
        index.state = "reused" if fresh else "deferred"
        return index
    stamp.unlink(missing_ok=True)  # the published index is about to be replaced
    with output.view() as site:
        index_site(site, language, into=output.target(SEARCH_FOLDER))
    output.adopt(SEARCH_FOLDER, "pagefind")
    return index


def _write_stamp(stamp: Path, key: str) -> None:
    write_atomically(stamp, key)
