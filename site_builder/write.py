"""The write stage: every output file goes through :meth:`Output.write`.

A build writes into a staging folder beside the output folder and swaps it in only
when the whole build succeeded, so a failed build leaves the published site exactly
as it was.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path, PurePosixPath


class OutputPathError(Exception):
    """An output path that would land outside the output folder (a bug or hostile input)."""


class Output:
    """A staging folder for one build; ``commit`` swaps it in atomically."""

    def __init__(self, final: Path):
        self.final = final.resolve()
        self.staging = self.final.parent / f".{self.final.name}.building-{os.getpid()}"
        self.written: dict[str, str] = {}

    def __enter__(self) -> "Output":
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir(parents=True)
        return self

    def __exit__(self, kind, value, tb) -> None:
        if kind is not None:
            self.abort()

    def target(self, relative: str) -> Path:
        """The staging path for ``relative``; refuses anything that would escape the folder."""
        pure = PurePosixPath(relative)
        if (not relative or pure.is_absolute() or "\\" in relative or "\x00" in relative
                or any(part in ("..", "") for part in pure.parts) or ":" in pure.parts[0]):
            raise OutputPathError(f"refusing to write outside the output folder: {relative!r}")
        path = (self.staging / pure).resolve()
        if not path.is_relative_to(self.staging.resolve()):
            raise OutputPathError(f"refusing to write outside the output folder: {relative!r}")
        return path

    def write(self, relative: str, data: bytes | str, source: str = "") -> None:
        """Write one file. Writing the same path twice in a build is refused: it would
        silently drop one of the two pages (paths are compared case-insensitively, as
        on macOS and Windows)."""
        path = self.target(relative)
        key = relative.lower()
        if key in self.written:
            raise DuplicateOutput(relative, self.written[key], source)
        self.written[key] = source or relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    def commit(self) -> None:
        """Swap the staging folder in for the output folder."""
        old = self.final.parent / f".{self.final.name}.old-{os.getpid()}"
        if self.final.exists():
            os.replace(self.final, old)
        os.replace(self.staging, self.final)
        shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


class DuplicateOutput(Exception):
    """Two inputs want the same output file."""

    def __init__(self, relative: str, first: str, second: str):
        self.relative, self.first, self.second = relative, first, second
        super().__init__(f"{second}: writes {relative}, which {first} already writes")
