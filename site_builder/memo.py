"""Loaded inputs kept between the builds of one process (the live preview).

A save in the preview changes one file, yet every build loads every dataset, figure,
claim and seed article again: YAML and CSV parsing is most of what a one-page rebuild
spends before it renders anything. :class:`InputMemo` remembers what a loader returned
for the exact bytes of the files it read, and hands back a fresh copy (unpickled, so
nothing a build does to it can leak into the next build) while those bytes stay the
same. The problems the loader reported are replayed, so the messages never differ.

The memo belongs to its caller (``serve`` creates one and passes it to every build);
``build()`` without one loads everything, as always.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from .errors import Problems

T = TypeVar("T")


class InputMemo:
    """One remembered result per loader name, valid while its input files' bytes hold."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[tuple, bytes, list]] = {}
        self.hits = 0  # loads answered from the memo, for tests and benchmarks

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
        found = Problems(problems.root)  # this loader's problems alone, to replay later
        result = loader(found)
        problems.items.extend(found.items)
        if key is None:
            self._entries.pop(name, None)
        else:
            self._entries[name] = (key, pickle.dumps(result, pickle.HIGHEST_PROTOCOL), list(found.items))
        return result


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
