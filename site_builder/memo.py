"""Loaded inputs kept between the builds of one process (the live preview).

A save in the preview changes one file, yet every build loads every dataset, figure,
claim and seed article again: YAML and CSV parsing is most of what a one-page rebuild
spends before it renders anything. :class:`InputMemo` remembers what a loader returned
for the exact bytes of the files it read, and hands back a fresh copy (unpickled, so
nothing a build does to it can leak into the next build) while those bytes stay the
same. The problems the loader reported are replayed, so the messages never differ.

The memo belongs to its caller (``serve`` creates one and passes it to every build);
``build()`` without one loads everything, as always.

:class:`SourceMemo` is the same idea for one file at a time and across processes: what a
reader made of each page file is kept in the cache folder, so that a build after a
one-page edit parses one page, not a thousand front-matter headers.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import pickle
import stat
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import orjson

from .errors import Problem, Problems
from .inputs import read_bytes
from .parallel import map_forked, worth_forking
from .stamp import RACY_NS
from .write import write_atomically

T = TypeVar("T")


class InputMemo:
    """One remembered result per loader name, valid while its input files' bytes hold;
    and, for checks that are pure functions of a text, their results by text (:meth:`recent`)."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[tuple, bytes, list]] = {}
        self._recent: dict[str, Recent] = {}
        self.hits = 0  # loads answered from the memo, for tests and benchmarks

    def recent(self, name: str) -> Recent:
        """The :class:`Recent` results kept under ``name``."""
        return self._recent.setdefault(name, Recent())

    def end_round(self) -> None:
        """A build is over: each :class:`Recent` keeps what it was asked for, and forgets the rest."""
        for recent in self._recent.values():
            recent.end_round()

    def load(self, name: str, inputs: Iterable[Path], problems: Problems, loader: Callable[[Problems], T],
             extra: Any = ()) -> T:
        """``loader(problems)``'s result, from the memo when every file below ``inputs``
        has the bytes it had then (and ``extra`` is equal). ``inputs`` must name every
        file or folder the loader reads."""
        key = _fingerprint(inputs, problems.root, extra)
        entry = self._entries.get(name)
        if key is not None and entry is not None and entry[0] == key:
            self.hits += 1
            problems.items.extend(entry[2])
            return pickle.loads(entry[1])
        found = problems.child()  # this loader's problems alone, to replay later
        result = loader(found)
        problems.items.extend(found.items)
        if key is None:
            self._entries.pop(name, None)
        else:
            self._entries[name] = (key, pickle.dumps(result, pickle.HIGHEST_PROTOCOL), list(found.items))
        return result


class Recent:
    """The results of a pure function, by argument, kept from one round (build) to the
    next for the arguments asked for in the last round: an unchanged page's text is not
    scanned again, and a text edited away is forgotten at the end of the next round."""

    def __init__(self) -> None:
        self._last: dict[Any, Any] = {}
        self._now: dict[Any, Any] = {}
        self.hits = 0  # answers from the last round, for tests

    def get(self, argument: Any, compute: Callable[[], T]) -> T:
        """``compute()``, or what it returned for an equal ``argument`` last round or this
        one. None is not kept: it is computed again when asked for again."""
        if argument in self._now:
            return self._now[argument]
        if argument in self._last:
            self.hits += 1
            result = self._now[argument] = self._last[argument]
        elif (result := compute()) is not None:
            self._now[argument] = result
        return result

    def put(self, argument: Any, result: Any) -> None:
        """Keep ``result`` for ``argument`` from now on (in place of what it had)."""
        self._now[argument] = result

    def end_round(self) -> None:
        """Keep what this round asked for; forget the rest."""
        self._last, self._now = self._now, {}


def remembered(memo: InputMemo | None, name: str, inputs: Iterable[Path], problems: Problems,
               loader: Callable[[Problems], T], extra: Any = ()) -> T:
    """``memo.load(...)`` when there is a memo, else simply ``loader(problems)``."""
    return loader(problems) if memo is None else memo.load(name, inputs, problems, loader, extra)


def _fingerprint(inputs: Iterable[Path], root: Path, extra: Any) -> tuple | None:
    """The names and content digests of every file below ``inputs``; None when a
    symbolic link, a pipe or an unreadable entry makes the listing uncertain (the
    loader then runs and reports it as it always does)."""
    parts: list[tuple[str, str]] = []
    try:
        for start in sorted(inputs):
            if not os.path.lexists(start):
                parts.append((str(start), "missing"))
                continue
            paths = [start]
            if start.is_dir() and not start.is_symlink():
                for folder, dirs, names in os.walk(start, onerror=_raise):
                    dirs.sort()
                    paths += [Path(folder, name) for name in sorted(dirs + names)]
            for path in paths:
                mode = os.lstat(path).st_mode
                if stat.S_ISDIR(mode):
                    continue
                if not stat.S_ISREG(mode):  # a link, pipe or device: never read it here
                    return None
                parts.append((str(path), hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()))
    except OSError:
        return None
    return (str(root), tuple(parts), extra)


def _raise(error: OSError) -> None:
    raise error


class SourceMemo:
    """What a reader made of each file, kept in a file of JSON lines between builds.

    An entry is valid while its file has the same size, modification and change times,
    inode and device (``os.stat``): no edit leaves all of them as they were, and no
    tool can set the change time back. Entries recorded within :data:`RACY_NS` of the
    file's last change are checked against the hash of its bytes as well. The problems
    the reader reported are replayed; a read that reported an error is not kept, so it
    is read (and reported) again. ``scope`` names everything else the readings depend
    on (the engine's code, settings): a different scope starts afresh.

    With ``digest``, an entry also keeps the digest of what it decodes to, and
    ``decode(encoded, digest)`` is handed it back: a build after a one-page edit then
    digests one page for its reuse key, not a thousand (see :func:`.context.seal`). A
    file just read is handed on as its entry will decode, digests made, with
    ``decode(encoded, digest, read)``: ``read``, the reader's own result, gives what the
    encoding leaves out (a page's body), so it is not read from the file once more.
    """

    def __init__(self, file: Path | None, scope: str, encode: Callable[[Any], Any], decode: Callable[..., Any],
                 digest: Callable[[Any], str] | None = None):
        self.file, self.scope, self.encode, self.decode, self.digest = file, scope, encode, decode, digest
        self.hits = 0  # files answered from the memo, for tests and benchmarks
        # path → [path, signature, digest, encoded result, problems], and the entry's line:
        # one line per file, so that saving after a one-page edit re-encodes one page
        self._stored: dict[str, tuple[list, str]] = {}
        self._kept: dict[str, str] = {}  # the lines of the entries this build used or made
        self._lines = 0  # entry lines in the file, a later line of a path replacing an earlier one
        self._read_as: tuple[int, int] | None = None  # (inode, size) of the sound file read
        self._ahead: dict[str, tuple[Any, list[Problem], str | None]] = {}  # see read_ahead
        self._statted: dict[str, list[int] | None] = {}  # signatures read_ahead took, for load to use once
        try:
            self._read(file)
        except (OSError, ValueError, IndexError, TypeError):
            self._stored, self._read_as = {}, None

    def _read(self, file: Path | None) -> None:
        if file is None:
            return
        with open(file, "rb") as handle:
            data, info = handle.read(), os.fstat(handle.fileno())
        lines = data.decode("utf-8").split("\n")
        if not data.endswith(b"\n") or orjson.loads(lines[0]) != {"scope": self.scope}:
            return  # another scope, or an append cut short: written afresh by save()
        for line in filter(None, lines[1:]):
            entry = orjson.loads(line)
            if not (isinstance(entry, list) and len(entry) == 6 and isinstance(entry[0], str)):
                raise ValueError("not a memo entry")
            self._stored[entry[0]] = (entry, line)
            self._lines += 1
        self._read_as = (info.st_ino, len(data))

    def load(self, path: Path, problems: Problems, reader: Callable[[bytes, Problems], T | None],
             companion: Path | None = None) -> T | None:
        """``reader(bytes of path, problems)``'s result, from the memo while the file is
        unchanged. A file that cannot be read is reported by :func:`read_bytes` as usual.
        ``companion`` is another file the reader reads (a seed's sidecar, which may be
        missing): the entry holds while it too is unchanged."""
        key = str(path)
        if key in self._ahead:
            return self._read_before(key, problems)
        signature = self._statted.pop(key) if key in self._statted else _signatures(path, companion)
        entry, line = self._stored.get(key, (None, ""))
        if signature and entry and entry[1] == signature and not entry[2]:
            return self._replay(entry, line, problems)
        data = read_bytes(path, problems)
        if data is None:
            return None
        digest = hashlib.blake2b(data + _companion_bytes(companion), digest_size=16).hexdigest()
        if signature and entry and entry[1] == signature and entry[2] == digest:
            if not _racy(signature):  # settled since: trust the stat from now on
                entry = [key, signature, "", *entry[3:]]
                line = _line(entry)
            return self._replay(entry, line, problems)
        found = problems.apart()
        result = reader(data, found)
        problems.items.extend(found.items)
        if signature and result is not None and not found.errors:
            encoded = self.encode(result)
            digests = self.digest(self.decode(encoded, "", result)) if self.digest else ""
            self._kept[key] = _line([key, signature, digest if _racy(signature) else "", encoded,
                                     [[getattr(p, f) for f in _PROBLEM_FIELDS] for p in found.items], digests])
            if digests:  # what the next build will restore, digests kept: this build need not make them again
                result = self.decode(encoded, digests, result)
        return result

    def read_ahead(self, requests: list[tuple[Path, Callable[[bytes, Problems], Any], Path | None]],
                   problems: Problems) -> None:
        """Read the files of ``requests`` (path, reader, companion, as for :meth:`load`)
        that the memo cannot answer for, over every core when there are many (every file,
        on a clean build; see :func:`.parallel.map_forked`); :meth:`load` then hands out
        what each was read as, with its problems, in the order it is asked. The readers
        must not depend on one another, and what they return must pickle."""
        unread = [request for request in requests if not self._answers(request[0], request[2])]
        if worth_forking(len(unread)):
            read = map_forked(functools.partial(self._read_apart, problems), unread)
            self._ahead.update(zip([str(request[0]) for request in unread], read))

    def _answers(self, path: Path, companion: Path | None) -> bool:
        """Whether an entry was recorded for the file as it is now (its bytes may still be
        compared, if it was recorded right after a change)."""
        signature = self._statted[str(path)] = _signatures(path, companion)  # load takes it (one stat a file)
        entry, _ = self._stored.get(str(path), (None, ""))
        return bool(signature and entry and entry[1] == signature)

    def _read_apart(self, problems: Problems, request: tuple) -> tuple[Any, list[Problem], str | None]:
        """:meth:`load` of one request with problems of its own: the result, the problems
        and the memo line it made (None if not kept), for the process that asked."""
        path, reader, companion = request
        found = problems.apart()
        result = self.load(path, found, reader, companion)
        return result, found.items, self._kept.get(str(path))

    def _read_before(self, key: str, problems: Problems) -> Any:
        result, found, line = self._ahead.pop(key)
        problems.items.extend(found)
        if line is not None:
            self._kept[key] = line
        return result

    def _replay(self, entry: list, line: str, problems: Problems) -> Any:
        self.hits += 1
        self._kept[entry[0]] = line
        problems.items.extend(Problem(*fields) for fields in entry[4])
        return self.decode(entry[3], entry[5]) if self.digest else self.decode(entry[3])

    def save(self) -> None:
        """Keep this build's entries (only these: files gone since are forgotten). New
        and changed entries are appended to the file as it was read (a one-page edit
        writes one line, not the thousand others); the file is written afresh when an
        entry must be forgotten, when replaced lines would make up more than a fifth of
        it, or when it changed since it was read (another build)."""
        fresh = [line for key, line in sorted(self._kept.items()) if self._stored.get(key, (None,))[-1] != line]
        if not self.file or not fresh and self._kept.keys() == self._stored.keys():
            return
        if (self._stored.keys() <= self._kept.keys() and (self._lines + len(fresh)) * 4 <= len(self._kept) * 5 + 16
                and self._append(fresh)):
            return
        lines = [_line({"scope": self.scope})] + [self._kept[key] for key in sorted(self._kept)]
        write_atomically(self.file, "\n".join(lines) + "\n")

    def _append(self, lines: list[str]) -> bool:
        """Append ``lines`` to the file, unless it is no longer the one read (False)."""
        if self._read_as is None:
            return False
        try:
            with open(self.file, "ab") as handle:  # type: ignore[arg-type]
                info = os.fstat(handle.fileno())
                if self._read_as != (info.st_ino, info.st_size):
                    return False
                handle.write("".join(line + "\n" for line in lines).encode("utf-8"))
        except OSError:
            return False
        return True


def _line(value: Any) -> str:
    # JSON escapes every line break inside strings, so an entry is always one line
    return orjson.dumps(value).decode("utf-8")


_PROBLEM_FIELDS = tuple(f.name for f in dataclasses.fields(Problem))


def _racy(signature: list[int]) -> bool:
    """Whether a file changed so recently that its stat may not yet show a next change."""
    times = [signature[i] for start in range(0, len(signature), 5) for i in (start + 1, start + 2) if i < len(signature)]
    return max(times) > time.time_ns() - RACY_NS


def _signature(path: Path) -> list[int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


def _signatures(path: Path, companion: Path | None) -> list[int] | None:
    """The signature of ``path``, and of its ``companion`` ([-1] while it is missing)."""
    signature = _signature(path)
    if signature and companion is not None:
        signature += _signature(companion) or [-1]
    return signature


def _companion_bytes(companion: Path | None) -> bytes:
    if companion is None:
        return b""
    try:
        return b"\0" + companion.read_bytes()
    except OSError:
        return b"\0missing"
