"""Finding and reading input files: safe folder listings and UTF-8 decoding.

Every stage lists its folders and reads its files through here, so that symbolic
links, files that vanish mid-build, FIFOs, oversized files and bad encodings are
reported the same way everywhere, as ``path:line[:column]: message (hint)``.
"""

from __future__ import annotations

import errno
import os
import re
import unicodedata
from pathlib import Path

from .errors import Problems

MAX_FILE_BYTES = 20 * 1024 * 1024  # far above any real page; keeps one bad file bounded
# Direction overrides, isolates, marks and zero-width characters: invisible in an editor,
# they can reorder or hide what readers see ("Trojan Source").
INVISIBLE = re.compile("[\u200b\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def list_files(folder: Path, problems: Problems, suffixes: tuple[str, ...] = (),
               recursive: bool = True) -> list[Path]:
    """The regular files in ``folder`` (sorted; hidden names skipped), optionally only
    those ending in one of ``suffixes``.

    Symbolic links are followed only while they stay inside the project
    (``problems.root``); links that leave it, point nowhere or loop are reported as
    errors, and FIFOs, sockets and devices are ignored with a warning, so that no
    listing can hang, loop or publish a file from elsewhere on the computer.
    """
    found: list[Path] = []
    if folder.is_dir():
        _walk(folder, problems, suffixes, recursive, {folder.resolve()}, found)
    return sorted(found)


def _walk(folder: Path, problems: Problems, suffixes, recursive: bool, seen: set[Path], found: list[Path]) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        problems.add(folder, 0, f"cannot list the folder: {exc.strerror}")
        return
    root = problems.root.resolve()
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        if entry.is_symlink():
            target = _link_target(path, root, problems)
            if target is None:
                continue
            if target.is_dir():
                if target in seen or any(target in (s, *s.parents) for s in seen):
                    problems.add(path, 0, "symbolic link loops back to a folder that contains it; ignored",
                                 "remove the link")
                elif recursive:
                    _walk(path, problems, suffixes, recursive, seen | {target}, found)
                continue
        try:  # not a link: the listing's entry type tells (no stat per file of a folder of thousands)
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = not is_dir and entry.is_file(follow_symlinks=False)
        except OSError:
            problems.add(path, 0, "file disappeared while the build was listing it", "save it again")
            continue
        if is_dir:
            if recursive:
                _walk(path, problems, suffixes, recursive, seen | {path.resolve()}, found)
        elif not is_file:
            problems.warn(path, 0, "not a regular file (a pipe, socket or device); ignored")
        elif not suffixes or path.suffix in suffixes:
            found.append(path)


def _link_target(path: Path, root: Path, problems: Problems) -> Path | None:
    """Where a symbolic link leads, or None (reported) when it must not be followed."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            problems.add(path, 0, "symbolic link loop; ignored", "remove the link")
        else:
            problems.add(path, 0, f"symbolic link points to nothing ({os.readlink(path)}); ignored",
                         "remove the link or restore its target")
        return None
    target = path.resolve()
    if not target.is_relative_to(root):
        problems.add(path, 0, "symbolic link points outside the project; refused",
                     "copy the file into the project instead of linking to it")
        return None
    return target


def read_text(path: Path, problems: Problems) -> str | None:
    """Return the file's text with a BOM removed and line endings made ``\\n``.

    Reports (and returns None for) files that cannot be read, are too large, or are
    not UTF-8 (naming the line and column of the first bad byte).
    """
    data = read_bytes(path, problems)
    return None if data is None else decode_text(data, path, problems)


def read_bytes(path: Path, problems: Problems) -> bytes | None:
    """The file's bytes, or None (reported) when it vanished, is unreadable or too large."""
    try:
        size = os.stat(path).st_size
        if size > MAX_FILE_BYTES:
            problems.add(path, 0, f"file is {size / 2**20:.1f} MB, more than the {MAX_FILE_BYTES // 2**20} MB limit",
                         "split it into several files")
            return None
        with open(path, "rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        problems.add(path, 0, "file disappeared while the build was reading it", "save it again")
    except OSError as exc:
        problems.add(path, 0, f"cannot read the file: {exc.strerror}")
    return None


def decode_text(data: bytes, path: Path, problems: Problems) -> str | None:
    """Decode UTF-8 ``data`` read from ``path`` (see :func:`read_text`)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.add(path, 1, "the file is UTF-16, not UTF-8", "save it as UTF-8")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        before = data[line_start:exc.start].removeprefix(b"\xef\xbb\xbf")
        column = len(before.decode("utf-8", "replace")) + 1  # in characters, as editors count
        bad = data[exc.start:exc.start + 1]
        guess = bad.decode("cp1252", "replace")
        hint = (f"it looks like Windows-1252 or Latin-1, where 0x{bad[0]:02x} is '{guess}': save the file as UTF-8"
                if bad[0] >= 0x80 and guess != "\ufffd" else "save the file as UTF-8")
        problems.add(path, data[:exc.start].count(b"\n") + 1,
                     f"not UTF-8: byte 0x{bad[0]:02x} cannot be decoded", hint, column)
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def strip_invisible(text: str, path: Path, problems: Problems, first_line: int = 1) -> str:
    """Remove direction-override and zero-width characters, warning once per file
    with the position of the first one and how many there were."""
    first = INVISIBLE.search(text)
    if first is None:
        return text
    line = text.count("\n", 0, first.start()) + first_line
    column = first.start() - (text.rfind("\n", 0, first.start()) + 1) + 1
    count = len(INVISIBLE.findall(text))
    name = unicodedata.name(first.group(), f"U+{ord(first.group()):04X}")
    problems.warn(path, line, f"{count} invisible character(s) removed, the first U+{ord(first.group()):04X} {name}",
                  "direction overrides and zero-width characters can disguise text", column)
    return INVISIBLE.sub("", text)
