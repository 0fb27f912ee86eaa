"""A build with nothing to do answers at once, as ``make`` does.

``site-builder build`` records, after each successful build, a stamp of everything that
build could read and everything it published: each input file's ``os.stat`` signature
(size, modification and change times, inode, device), the engine's code, the installed
distributions, the options and environment that shape the output, and each published
file's signature. When the next ``build`` with the same options finds every one of them
as recorded, the output folder already holds exactly what a build would write: it prints
the recorded warnings and summary and stops, before loading the engine.

No edit leaves a file's change time as it was, and no tool can set it back; a file that
changed within :data:`RACY_NS` of the stamp being taken is compared by the hash of its
bytes as well (git's "racy clean" rule). The inputs are read *before* the build runs, so
a file saved while it runs makes the next build a real one. What the build may read is
defined once, in :class:`~site_builder.paths.Paths`; a test runs a build under an audit
hook and fails if it opens a file the stamp does not cover.

This module uses the standard library only: a build that has nothing to do should not
pay for importing Jinja, markdown-it or YAML.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
import sys
import time
from pathlib import Path

from .paths import Paths

# A file changed in the same clock tick as the stat that recorded it keeps its stat: an
# entry recorded that close to its file's last change also keeps the hash of the bytes
# (git's "racy clean" rule). Two seconds covers the coarsest timestamps (FAT, some NFS).
RACY_NS = 2_000_000_000
# environment variables that can change what a build writes (time zones, locales)
ENVIRONMENT = ("TZ", "LANG", "LC_ALL", "LC_TIME", "SOURCE_DATE_EPOCH")
ENGINE = Path(__file__).resolve().parent


class Stamp:
    """The stamp of one kind of build (``options``) of the project in ``root``."""

    def __init__(self, root: Path, options: dict[str, object]):
        self.paths = Paths(root)
        self.options = {key: str(value) for key, value in sorted(options.items())}
        key = hashlib.sha256(json.dumps([str(self.paths.root), self.options]).encode()).hexdigest()[:16]
        self.file = self.paths.cache / f"stamp-{key}.json"
        # read before the build reads them: a file saved while it runs differs next time
        self.inputs = _settled(_signatures([*self.paths.inputs, ENGINE]), time.time_ns())

    def setting(self) -> str:
        """What shapes the output besides the files: Python, every installed
        distribution (by its dist-info name and version), the options, the environment."""
        return json.dumps([sys.version, sys.executable, installed_distributions(), self.options,
                           {name: os.environ.get(name) for name in ENVIRONMENT}])

    def unchanged(self) -> dict | None:
        """The recorded build, when nothing it read or wrote has changed since; else None."""
        try:
            recorded = json.loads(self.file.read_text("utf-8"))
            output = Path(recorded["output"])
            if (recorded["setting"] != self.setting() or not _same(recorded["inputs"], self.inputs)
                    or recorded["published"] != _signatures([output], relative_to=output)):
                return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return recorded

    def record(self, output: Path, summary: dict, warnings: list[str],
               published: dict[str, os.stat_result] | None = None) -> None:
        """Keep this build's stamp (call after it published ``output``). Published files
        are compared by signature alone: only builds write there, and a hand edit
        changes the change time of the file. ``published`` is the stat of every file in
        ``output`` when the build knows them (it walked the folder as it published it);
        else the folder is walked."""
        if published is None:
            signatures = _signatures([output], relative_to=output)
        else:
            signatures = {name: _signature(info) for name, info in published.items() if _visible(name)}
        data = {"setting": self.setting(), "inputs": self.inputs, "output": str(output),
                "published": signatures, "summary": summary, "warnings": warnings}
        from .write import write_atomically  # only a build that did something pays for it
        write_atomically(self.file, json.dumps(data, ensure_ascii=False, separators=(",", ":")))

    def forget(self) -> None:
        """Drop the stamp: the next build runs in full."""
        try:
            self.file.unlink()
        except OSError:
            pass


@functools.cache
def installed_distributions() -> tuple[str, ...]:
    """The ``NAME-VERSION.dist-info`` (and ``.egg-info``) folders on ``sys.path``: listed
    once per process (the engine digest and the stamp both read them)."""
    found = []
    for folder in sys.path:
        try:
            found += [name for name in os.listdir(folder or ".") if name.endswith((".dist-info", ".egg-info"))]
        except OSError:
            continue
    return tuple(sorted(found))


def _signatures(starts: list[Path], relative_to: Path | None = None) -> dict[str, list]:
    """path → [size, mtime_ns, ctime_ns, inode, device] of every file below ``starts``
    (hidden files and ``__pycache__`` left out); a missing start is ``[-1]``, anything
    but a plain file or folder (a link, a pipe) a value that never matches a later reading."""
    found: dict[str, list] = {}
    cut = len(str(relative_to)) + 1 if relative_to else 0  # paths below it, named from it
    for start in map(str, starts):
        try:
            info = os.lstat(start)
        except OSError:
            found[start[cut:]] = [-1]
            continue
        if stat.S_ISDIR(info.st_mode):
            _visit(start, cut, found)
        else:
            found[start[cut:]] = _signature(info)
    return found


def _visible(relative: str) -> bool:
    """Whether a walk of the folder lists the file at ``relative`` (see :func:`_visit`)."""
    if not relative.startswith(".") and "/." not in relative and "__pycache__" not in relative:
        return True  # (a thousand names a build: the common case without splitting them)
    return not any(part.startswith(".") or part == "__pycache__" for part in relative.split("/"))


def _visit(folder: str, cut: int, found: dict[str, list]) -> None:
    """The signatures below ``folder``, into ``found``. A folder's entries are told apart
    by the type the listing gives (one ``lstat`` per file, none per folder: an output
    of a thousand pages has a thousand folders)."""
    with os.scandir(folder) as entries:
        listed = [entry for entry in entries if not entry.name.startswith(".") and entry.name != "__pycache__"]
    for entry in listed:
        try:
            if entry.is_dir(follow_symlinks=False):
                _visit(entry.path, cut, found)
                continue
            info = entry.stat(follow_symlinks=False)
        except OSError:
            found[entry.path[cut:]] = [-1]
            continue
        found[entry.path[cut:]] = _signature(info)


def _signature(info: os.stat_result) -> list:
    """A plain file's [size, mtime_ns, ctime_ns, inode, device]; anything else (a link,
    a pipe) a value that never matches a later reading."""
    if stat.S_ISREG(info.st_mode):
        return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]
    return [-2, time.time_ns()]


def _settled(signatures: dict[str, list], now: int) -> dict[str, list]:
    """``signatures``, each file changed within :data:`RACY_NS` of ``now`` with the hash
    of its bytes appended: a next change in the same clock tick keeps its signature."""
    for path, signature in signatures.items():
        if len(signature) == 5 and max(signature[1], signature[2]) > now - RACY_NS:
            signatures[path] = [*signature, _digest(path)]
    return signatures


def _digest(path: str) -> str:
    try:
        return hashlib.blake2b(Path(path).read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return "unreadable"


def _same(recorded: dict[str, list], current: dict[str, list]) -> bool:
    """Whether the inputs are as recorded: same files, same signatures, and the same
    bytes where the recorded signature was taken too close to a change to trust."""
    if recorded.keys() != current.keys():
        return False
    for path, signature in current.items():
        kept = recorded[path]
        if kept[:5] != signature[:5]:
            return False
        if len(kept) > 5 and (signature[5:] or [_digest(path)])[0] != kept[5]:
            return False
    return True
