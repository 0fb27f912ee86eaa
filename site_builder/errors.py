"""The one error type users see: ``path:line[:column]: message (hint)``.

Stages collect every problem they find into a :class:`Problems` list and raise
:class:`BuildError` once at the end, so a contributor sees all mistakes of a run
together. Anything else that escapes the build is a bug and keeps its traceback.

One mistake, one message: an input that failed to load (a dataset, ``figures.yaml``, a
chart module) is recorded with :meth:`Problems.failed`, and whatever needs it asks
:meth:`Problems.blocked` instead of reporting "unknown dataset" on its own; the root
problem then names what depends on it. Identical problems (one template mistake met
by every page that uses the template) are printed once, with the pages they affect.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

SHOWN_DEPENDENTS = 3  # names listed per kind of dependent; the rest are counted


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in one input file."""

    source: str
    line: int = 0
    column: int = 0
    message: str = ""
    hint: str = ""
    warning: bool = False
    input: str = ""    # what this problem kept from loading ("dataset:name"), for its dependents
    cause: str = ""    # set on a consequence: the failed input it follows from (never printed alone)
    affects: str = ""  # what the problem stopped ("figure:key", "page:content/pages/x.md")
    used_by: str = ""  # printed last: what depends on the input this problem broke

    def __str__(self) -> str:
        where = self.source
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        text = f"{where}: {'warning: ' if self.warning else ''}{self.message}"
        text = f"{text} ({self.hint})" if self.hint else text
        return f"{text}; used by {self.used_by}" if self.used_by else text


class BuildError(Exception):
    """Raised once per stage with every problem that stage found (consequences folded
    into their roots, identical problems merged)."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(merged(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


def did_you_mean(name: str, known: Iterable[str], aliases: dict[str, str] | None = None,
                 listed: int = 10, label: str = "known") -> str:
    """The hint for an unknown ``name``: ``did you mean 'x'?`` when a documented alias
    or a close spelling names a known one, else the known names (the first ``listed``).
    Aliases come first: ``date`` is not a misspelt ``draft``."""
    known = sorted(set(known))
    target = (aliases or {}).get(name)
    if target in known:
        return f"did you mean '{target}'?"
    close = _closest(name, known)
    if close:
        return f"did you mean '{close}'?"
    if not known:
        return f"{label}: none"
    return f"{label}: {', '.join(known[:listed])}" + (f", … ({len(known)} in all)" if len(known) > listed else "")


def _closest(name: str, known: list[str]) -> str | None:
    """The one known name clearly closest to ``name``: none when two are as close
    ('/topics/p30/' is as near '/topics/p20/' as '/topics/p10/': a guess would mislead)."""
    # 0.75, not difflib's 0.6: 'date' is 0.67 from 'draft', 'titel' 0.8 from 'title'
    close = difflib.get_close_matches(name, known, n=2, cutoff=0.75)
    if len(close) == 2 and _ratio(name, close[0]) == _ratio(name, close[1]):
        return None
    return close[0] if close else None


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def merged(items: Iterable[Problem]) -> list[Problem]:
    """What is printed: consequences folded into the problems they follow from, each
    root naming what depends on it, and problems that differ only in what they affect
    printed once with those."""
    items = list(items)
    inputs: dict[str, Problem] = {}  # the first problem of each failed input
    for item in items:
        if item.input:
            inputs.setdefault(item.input, item)
    dependents: dict[Problem, list[str]] = {}
    for item in items:
        if item.cause:
            root = _root(item, inputs)
            if root is not None:
                dependents.setdefault(root, []).extend([item.affects] if item.affects else [])
    groups: dict[tuple, list[str]] = {}
    for item in items:
        if item.cause and _root(item, inputs) is not None:
            continue
        base = dataclasses.replace(item, input="", cause="", affects="")
        groups.setdefault(base, [])
        groups[base] += ([item.affects] if item.affects else []) + dependents.get(item, [])
    return [dataclasses.replace(base, used_by=_used_by(affects)) if affects else base
            for base, affects in groups.items()]


def _root(item: Problem, inputs: dict[str, Problem]) -> Problem | None:
    """The problem a consequence follows from (through figures and charts to the dataset)."""
    seen = set()
    while item.cause and item.cause not in seen:
        seen.add(item.cause)
        found = inputs.get(item.cause)
        if found is None:
            return None
        item = found
    return None if item.cause else item


def _used_by(affects: list[str]) -> str:
    """``2 figures (a, b) and 6 pages (p1, p2, p3, …)``."""
    by_kind: dict[str, list[str]] = {}
    for kind, _, name in sorted(a.partition(":") for a in set(affects)):
        by_kind.setdefault(kind, []).append(name)
    parts = []
    for kind, names in sorted(by_kind.items()):
        shown = ", ".join(names[:SHOWN_DEPENDENTS]) + (", …" if len(names) > SHOWN_DEPENDENTS else "")
        parts.append(f"{len(names)} {kind}{'' if len(names) == 1 else 's'} ({shown})")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass
class Problems:
    """Collects problems for one build; paths are shown relative to ``root``."""

    root: Path
    items: list[Problem] = field(default_factory=list)
    # the build's problems when these are one loader's or one worker's: what failed there counts here
    outer: "Problems | None" = field(default=None, repr=False, compare=False)
    # folder → resolved folder: a build names hundreds of files in a few folders, and
    # each resolve() is an lstat per path part
    _resolved: dict[Path, Path] = field(default_factory=dict, repr=False, compare=False)
    # path as given → as shown: a page is named by the loader, the checks and the link
    # stage alike, and pathlib arithmetic per call cost more than the rest of a warm load
    _shown: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    # resolved folder → its path relative to the root ("." for the root), None outside it
    _relative: dict[Path, str | None] = field(default_factory=dict, repr=False, compare=False)

    def _resolve(self, folder: Path) -> Path:
        if folder not in self._resolved:
            self._resolved[folder] = folder.resolve()
        return self._resolved[folder]

    def where(self, path: Path | str) -> str:
        """``path`` as users see it: relative to the root (POSIX separators) when inside it."""
        key = os.fspath(path)
        shown = self._shown.get(key)
        if shown is None:
            shown = self._shown[key] = self._where(Path(path))
        return shown

    def _where(self, path: Path) -> str:
        # resolve the folder, not the file: a symbolic link is named as itself, never
        # as its target (which may be outside the project, or a loop)
        if path.name:
            folder = self._resolve(path.parent)
            if folder not in self._relative:
                try:
                    self._relative[folder] = folder.relative_to(self._resolve(self.root)).as_posix()
                except ValueError:
                    self._relative[folder] = None
            relative = self._relative[folder]
            if relative is not None:
                return path.name if relative == "." else f"{relative}/{path.name}"
        absolute = self._resolve(path.parent) / path.name if path.name else path.resolve()
        try:
            return absolute.relative_to(self._resolve(self.root)).as_posix()
        except ValueError:
            return path.as_posix()

    def add(self, path: Path | str, line: int, message: str, hint: str = "", column: int = 0) -> None:
        self.items.append(Problem(self.where(path), line, column, message, hint))

    def warn(self, path: Path | str, line: int, message: str, hint: str = "", column: int = 0) -> None:
        self.items.append(Problem(self.where(path), line, column, message, hint, warning=True))

    def apart(self) -> "Problems":
        """An empty list for one file's problems (kept apart to be replayed) that names
        paths as this one does, with its caches: a fresh list would resolve the folder of
        every file it names again (a tenth of a second for a thousand pages)."""
        return Problems(self.root, _resolved=self._resolved, _shown=self._shown, _relative=self._relative)

    def child(self) -> "Problems":
        """An empty list for one loader (kept apart to be replayed) that still sees what failed here."""
        return Problems(self.root, outer=self)

    def failed(self, input: str, since: int) -> None:
        """Record that ``input`` ("dataset:name", "file:content/figures.yaml") failed to
        load because of the errors added since ``len(items)`` was ``since``."""
        for index in range(since, len(self.items)):
            if not self.items[index].warning and not self.items[index].input:
                self.items[index] = dataclasses.replace(self.items[index], input=input)

    def failed_with(self, input: str, cause: str) -> None:
        """Record that ``input`` failed because ``cause`` did, without naming it (a chart
        of a chart module that failed to load): what depends on it names ``cause``."""
        self.items.append(Problem(self.where(self.root), message=f"{input} follows from {cause}",
                                  input=input, cause=cause))

    def is_failed(self, input: str) -> bool:
        return any(p.input == input for p in self.items) or (self.outer is not None and self.outer.is_failed(input))

    def blocked(self, causes: Iterable[str], affects: str) -> bool:
        """Whether ``affects`` ("figure:key", "page:content/pages/x.md") cannot be checked
        because one of ``causes`` failed to load. If so it is recorded as a consequence
        (printed with its root, never alone), and itself counts as failed from now on."""
        cause = next((c for c in causes if self.is_failed(c)), None)
        if cause is None:
            return False
        self.items.append(Problem(self.where(self.root), message=f"{affects} follows from {cause}",
                                  input=affects, cause=cause, affects=affects))
        return True

    def add_for(self, affects: str, path: Path | str, line: int, message: str, hint: str = "", column: int = 0) -> None:
        """Report a problem met while producing ``affects`` (a page using a broken
        template): the same problem met by many pages is printed once, naming them."""
        self.items.append(Problem(self.where(path), line, column, message, hint, affects=affects))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.warning]

    def check(self, strict: bool = False) -> None:
        """Raise :class:`BuildError` if there are errors (or any warning when ``strict``)."""
        failing = self.items if strict else self.errors
        if any(not p.cause for p in failing):
            raise BuildError(failing)
