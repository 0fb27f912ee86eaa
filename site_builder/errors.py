"""The one error type users see: ``path:line[:column]: message (hint)``.

Stages collect every problem they find into a :class:`Problems` list and raise
:class:`BuildError` once at the end, so a contributor sees all mistakes of a run
together. Anything else that escapes the build is a bug and keeps its traceback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in one input file."""

    source: str
    line: int = 0
    column: int = 0
    message: str = ""
    hint: str = ""
    warning: bool = False

    def __str__(self) -> str:
        where = self.source
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        text = f"{where}: {'warning: ' if self.warning else ''}{self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class BuildError(Exception):
    """Raised once per stage with every problem that stage found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class Problems:
    """Collects problems for one build; paths are shown relative to ``root``."""

    root: Path
    items: list[Problem] = field(default_factory=list)
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

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.warning]

    def check(self, strict: bool = False) -> None:
        """Raise :class:`BuildError` if there are errors (or any warning when ``strict``)."""
        failing = self.items if strict else self.errors
        if failing:
            raise BuildError(failing)
