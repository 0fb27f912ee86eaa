"""The write stage: every output file goes through :meth:`Output.write`.

A build writes into a staging folder beside the output folder and swaps it in only
when the whole build succeeded, so a failed build leaves the published site exactly
as it was.

Files whose bytes did not change are not written again: the staging folder gets a hard
link to the published file instead (same inode, same modification time), so a rebuild
costs one link per unchanged file, and watchers and rsync see only real changes. The
previous output is never opened for writing, so a failed build still leaves it intact.
A manifest in the cache folder records each file's key (see :mod:`site_builder.cache`)
and its size, mtime and inode: a file edited by hand since is rendered again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path, PurePosixPath


class OutputPathError(Exception):
    """An output path that would land outside the output folder (a bug or hostile input)."""


class Output:
    """A staging folder for one build; ``commit`` swaps it in atomically."""

    def __init__(self, final: Path, manifest: Path | None = None):
        self.final = final.resolve()
        self.staging = self.final.parent / f".{self.final.name}.building-{os.getpid()}"
        self.written: dict[str, str] = {}
        self.manifest = manifest
        self.previous: dict[str, list] = {}
        self.entries: dict[str, list] = {}  # relative → [key, size, mtime_ns, inode]
        self.reused = 0
        self.committed = False

    def __enter__(self) -> "Output":
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir(parents=True)
        if self.manifest and self.manifest.is_file() and self.final.is_dir():
            try:
                self.previous = json.loads(self.manifest.read_text("utf-8"))
            except ValueError:
                self.previous = {}
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
        # The checks above are lexical; no resolve() per file (an lstat per path part):
        # the staging folder is ours and holds no symlinks (links follow them).
        return self.staging / pure

    def claim(self, relative: str, source: str = "") -> Path:
        """Reserve ``relative`` for ``source`` and return its staging path. Writing the
        same path twice in a build is refused: it would silently drop one of the two
        pages (paths are compared case-insensitively, as on macOS and Windows)."""
        path = self.target(relative)
        lowered = relative.lower()
        if lowered in self.written:
            raise DuplicateOutput(relative, self.written[lowered], source)
        self.written[lowered] = source or relative
        return path

    def write(self, relative: str, data: bytes | str, source: str = "", key: str = "") -> None:
        """Write one file (or link the published one when its bytes are the same)."""
        path = self.claim(relative, source)
        self.entries[relative] = [key, *self.store(relative, path, data)]

    def store(self, relative: str, path: Path, data: bytes | str) -> list[int]:
        """Put ``data`` at the claimed staging ``path``; returns [size, mtime_ns, inode].
        Touches nothing but ``path``, so worker processes may call it."""
        data = data.encode("utf-8") if isinstance(data, str) else data
        old = self.final / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            if old.stat().st_size == len(data) and old.read_bytes() == data:
                return _link(old, path)
        except OSError:
            pass  # nothing published there yet
        path.write_bytes(data)
        stat = path.stat()
        return [stat.st_size, stat.st_mtime_ns, stat.st_ino]

    def adopt(self, folder: str, source: str) -> None:
        """Take in the files a tool wrote into ``folder`` of the staging tree itself (the
        search index): each is recorded like a written file, and one whose bytes equal the
        published copy becomes a link to it, so unchanged files are not rewritten."""
        root = self.target(folder)
        for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
            relative = path.relative_to(self.staging).as_posix()
            if relative.lower() in self.written:
                continue
            self.written[relative.lower()] = source
            data = path.read_bytes()
            path.unlink()
            self.entries[relative] = ["", *self.store(relative, path, data)]

    def reuse(self, relative: str, key: str, source: str = "") -> bool:
        """Link the published file if the last build recorded the same ``key`` for it and
        it was not touched since; False when it must be rendered."""
        entry = self.previous.get(relative)
        if not key or not entry or entry[0] != key:
            return False
        old = self.final / relative
        try:
            stat = old.stat()
        except OSError:
            return False
        if [stat.st_size, stat.st_mtime_ns, stat.st_ino] != entry[1:]:
            return False
        path = self.claim(relative, source)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.entries[relative] = [key, *_link(old, path)]
        self.reused += 1
        return True

    def content_key(self, relative: str) -> str:
        """What a staged file's bytes depend on: its render key when it has one (equal
        keys give equal bytes: reuse relies on it), else the hash of its bytes."""
        entry = self.entries.get(relative)
        if entry and entry[0]:
            return "key:" + entry[0]
        return "sha256:" + hashlib.sha256(self.read_path(relative).read_bytes()).hexdigest()

    def read_path(self, relative: str) -> Path:
        """Where a file of this build can be read: in the staging folder, or in the
        output folder once committed."""
        return (self.final if self.committed else self.staging) / relative

    def link_previous(self, relative: str) -> bool:
        """Hard-link the published folder ``relative`` (every file below it) into the
        staging folder, as it is; False when nothing is published there."""
        old = self.final / relative
        if not old.is_dir():
            return False
        for folder, _, names in os.walk(old):
            target = self.staging / Path(folder).relative_to(self.final)
            target.mkdir(parents=True, exist_ok=True)
            for name in names:
                _link(Path(folder) / name, target / name)
        return True

    def commit(self) -> None:
        """Swap the staging folder in for the output folder."""
        old = self.final.parent / f".{self.final.name}.old-{os.getpid()}"
        if self.final.exists():
            os.replace(self.final, old)
        os.replace(self.staging, self.final)
        self.committed = True
        shutil.rmtree(old, ignore_errors=True)
        if self.manifest:
            self.manifest.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.manifest.with_name(f".{self.manifest.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(self.entries, sort_keys=True), "utf-8")
            os.replace(tmp, self.manifest)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _link(old: Path, new: Path) -> list[int]:
    """Hard-link the published ``old`` at ``new`` (a copy where links are not possible)."""
    try:
        os.link(old, new)
    except OSError:
        shutil.copy2(old, new)
    stat = new.stat()
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino]


class DuplicateOutput(Exception):
    """Two inputs want the same output file."""

    def __init__(self, relative: str, first: str, second: str):
        self.relative, self.first, self.second = relative, first, second
        super().__init__(f"{second}: writes {relative}, which {first} already writes")
