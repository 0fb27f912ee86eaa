"""The write stage: every output file goes through :meth:`Output.write`.

A build never writes into the published output folder while it runs. Each file whose
bytes are new goes into a staging folder beside the output; a file whose bytes equal
the published one is only recorded (it stays where it is: same inode, same modification
time, so watchers and rsync see only real changes). When the whole build has succeeded,
:meth:`Output.commit` moves the new files into place (each move is atomic) and removes
the files this build no longer produces. A failed build stops before that, leaving the
published site exactly as it was. A first build swaps its whole staging folder in at once.

A manifest in the cache folder records each file's key (see :mod:`site_builder.cache`)
and its size, mtime and inode: a file edited by hand since is rendered again. The
manifest is written after the moves, so a commit that was interrupted is repaired by
the next build (the moved files no longer match the old manifest and are rendered again).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from pathlib import Path

import orjson


class OutputPathError(Exception):
    """An output path that would land outside the output folder (a bug or hostile input)."""


class Output:
    """A staging folder for one build's new files; ``commit`` publishes them."""

    def __init__(self, final: Path, manifest: Path | None = None):
        self.final = final.resolve()
        self.staging = self.final.parent / f".{self.final.name}.building-{os.getpid()}"
        self.written: dict[str, str] = {}
        self.manifest = manifest
        self.previous: dict[str, list] = {}
        # relative → [key, size, mtime_ns, inode], and for a rendered page its dependencies,
        # the warnings its render gave and the digest of its bytes
        self.entries: dict[str, list] = {}
        self.reused = 0
        self.committed = False
        # relative → os.stat_result of every file in the output folder once committed (the
        # walk that removes obsolete files sees them all); None when the folder was swapped in
        self.published: dict[str, os.stat_result] | None = None
        self._published = False  # whether the output folder exists (else no file there to compare)
        self._made: set[Path] = set()  # staging folders this process has made

    def __enter__(self) -> "Output":
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir(parents=True)
        self._published = self.final.is_dir()
        if self.manifest and self.manifest.is_file() and self.final.is_dir():
            try:
                self.previous = orjson.loads(self.manifest.read_bytes())
            except ValueError:
                self.previous = {}
        return self

    def __exit__(self, kind, value, tb) -> None:
        if kind is not None:
            self.abort()

    def target(self, relative: str) -> Path:
        """The staging path for ``relative``; refuses anything that would escape the folder."""
        return self.staging / _inside(relative)

    def claim(self, relative: str, source: str = "") -> Path:
        """Reserve ``relative`` for ``source`` and return its staging path. Writing the
        same path twice in a build is refused: it would silently drop one of the two
        pages (paths are compared case-insensitively, as on macOS and Windows)."""
        return self.staging / self._reserve(relative, source)

    def _reserve(self, relative: str, source: str) -> str:
        """Claim ``relative`` (see :meth:`claim`) without making its path (a kept page
        is only recorded); returns it cleaned."""
        inside = _inside(relative)
        lowered = relative.lower()
        if lowered in self.written:
            raise DuplicateOutput(relative, self.written[lowered], source)
        self.written[lowered] = source or relative
        return inside

    def write(self, relative: str, data: bytes | str, source: str = "", key: str = "") -> None:
        """Write one file (or keep the published one when its bytes are the same)."""
        path = self.claim(relative, source)
        self.entries[relative] = [key, *self.store(relative, path, data)]

    def store(self, relative: str, path: Path, data: bytes | str) -> list[int]:
        """Put ``data`` at the claimed staging ``path``, unless the published file holds
        these very bytes; returns [size, mtime_ns, inode] of the file that will be
        published. Touches nothing but ``path``, so worker processes may call it."""
        data = data.encode("utf-8") if isinstance(data, str) else data
        if self._published:
            old = self.final / relative
            try:
                info = old.stat()
                if info.st_size == len(data) and old.read_bytes() == data:
                    return [info.st_size, info.st_mtime_ns, info.st_ino]
            except OSError:
                pass  # nothing published there yet
        # Making a file and its folder is most of a clean build's system time: each
        # folder is made once, and the new file is stat'ed through its open descriptor.
        if path.parent not in self._made:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(path.parent)
        with open(path, "wb") as file:
            file.write(data)
            file.flush()
            info = os.fstat(file.fileno())
        return [info.st_size, info.st_mtime_ns, info.st_ino]

    def adopt(self, folder: str, source: str) -> None:
        """Take in the files a tool wrote into ``folder`` of the staging tree itself (the
        search index): each is recorded like a written file, and one whose bytes equal the
        published copy is dropped from the staging folder, so it is not rewritten."""
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
        """Keep the published file if the last build recorded the same ``key`` for it
        and it was not touched since; False when it must be rendered."""
        entry = self.previous.get(relative)
        if not key or not entry or entry[0] != key:
            return False
        path = f"{self.final}/{relative}"
        try:
            info = os.stat(path)
        except OSError:
            return False
        stat = [info.st_size, info.st_mtime_ns, info.st_ino]
        if stat != entry[1:4]:
            # a restored copy of the output (a deploy's build cache) has new inodes and
            # times: its bytes decide, when the page's digest was recorded
            if len(entry) < 7 or info.st_size != entry[1] or content_digest(Path(path).read_bytes()) != entry[6]:
                return False
            entry = [entry[0], *stat, *entry[4:]]
        self._reserve(relative, source)
        self.entries[relative] = list(entry)
        self.reused += 1
        return True

    def recorded(self, relative: str) -> tuple[str, list[tuple[str, str | None]], list[list]] | None:
        """The key, the dependencies and the warnings (as field lists) the last build
        recorded for a rendered page."""
        entry = self.previous.get(relative)
        if not entry or len(entry) < 6 or not entry[0]:
            return None
        return entry[0], [(name, key) for name, key in entry[4]], entry[5]

    def keep_previous(self, folder: str, source: str) -> bool:
        """Keep every published file below ``folder`` as it is; False when nothing is
        published there."""
        old = self.final / folder
        if not old.is_dir() or old.is_symlink():
            return False
        for path in sorted(p for p in old.rglob("*") if p.is_file() and not p.is_symlink()):
            relative = path.relative_to(self.final).as_posix()
            self.claim(relative, source)
            info = path.stat()
            self.entries[relative] = ["", info.st_size, info.st_mtime_ns, info.st_ino]
        return True

    def content_key(self, relative: str) -> str:
        """What a recorded file's bytes depend on: its render key when it has one (equal
        keys give equal bytes: reuse relies on it), else the hash of its bytes."""
        entry = self.entries.get(relative)
        if entry and entry[0]:
            return "key:" + entry[0]
        return "sha256:" + hashlib.sha256(self.read_path(relative).read_bytes()).hexdigest()

    def read_path(self, relative: str) -> Path:
        """Where a file of this build can be read: its new bytes in the staging folder,
        else the published file (which this build keeps)."""
        if not self.committed:
            staged = self.staging / relative
            if staged.is_file():
                return staged
        return self.final / relative

    @contextlib.contextmanager
    def view(self):
        """A whole-site folder of this build (hard links, removed afterwards), for a tool
        that reads every page at once (the search indexer)."""
        folder = self.final.parent / f".{self.final.name}.view-{os.getpid()}"
        shutil.rmtree(folder, ignore_errors=True)
        try:
            for relative in sorted(self.entries):
                target = folder / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                _link(self.read_path(relative), target)
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def commit(self) -> None:
        """Publish: move the new files into the output folder and remove the files this
        build does not produce (the first build swaps the whole staging folder in)."""
        if not self.final.exists():
            os.replace(self.staging, self.final)
        else:
            self.published = {}
            self._remove_obsolete()
            for folder, dirs, names in os.walk(self.staging):
                dirs.sort()
                relative = Path(folder).relative_to(self.staging)
                target = self.final / relative
                if names:
                    target.mkdir(parents=True, exist_ok=True)
                for name in sorted(names):
                    os.replace(Path(folder) / name, target / name)
                    self.published[(relative / name).as_posix()] = os.lstat(target / name)  # a move changes its ctime
            shutil.rmtree(self.staging, ignore_errors=True)
        self.committed = True
        if self.manifest:
            write_atomically(self.manifest, orjson.dumps(self.entries, option=orjson.OPT_SORT_KEYS))

    def _remove_obsolete(self, folder: str = "", prefix: str = "") -> bool:
        """Delete the published files this build does not produce, and the folders left
        empty; returns whether ``folder`` (relative, ``prefix`` its path with a slash) is
        now empty. Plain strings and ``scandir``: it visits every published folder."""
        empty = True
        with os.scandir(os.path.join(self.final, folder)) as entries:
            for entry in entries:
                relative = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if self._remove_obsolete(relative, relative + "/"):
                        os.rmdir(entry.path)
                    else:
                        empty = False
                elif relative in self.entries:
                    empty = False
                    self.published[relative] = entry.stat(follow_symlinks=False)  # type: ignore[index]
                else:
                    os.unlink(entry.path)  # a file or a link this build does not write
        return empty

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _inside(relative: str) -> str:
    """``relative`` with its empty and '.' parts dropped (as PurePosixPath drops them);
    refuses anything that would escape the output folder."""
    # Lexical checks on the string (a thousand paths a build, so no PurePath), and no
    # resolve() per file (an lstat per path part): the staging folder is ours and
    # holds no symlinks (links follow them).
    parts = [part for part in relative.split("/") if part not in ("", ".")]
    if (not parts or relative[0] == "/" or "\\" in relative or "\x00" in relative or ".." in parts
            or ":" in parts[0]):
        raise OutputPathError(f"refusing to write outside the output folder: {relative!r}")
    return "/".join(parts)


def content_digest(data: bytes | str) -> str:
    """The digest a manifest records of a rendered file's bytes."""
    return hashlib.blake2b(data.encode("utf-8") if isinstance(data, str) else data, digest_size=16).hexdigest()


def write_atomically(path: Path, data: bytes | str) -> None:
    """Replace ``path`` with ``data`` in one step: a reader (or another build writing the
    same cache file at the same moment) sees the old bytes or the new, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    os.replace(tmp, path)


def _link(old: Path, new: Path) -> list[int]:
    """Hard-link ``old`` at ``new`` (a copy where links are not possible)."""
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
