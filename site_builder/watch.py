"""Watching the inputs for ``site-builder serve``: file-system events in, rebuilds out.

watchdog reports each change as it happens (inotify, FSEvents, ReadDirectoryChangesW),
so nothing polls. Editors save in bursts (write a temporary file, rename it over the
old one, touch the folder); :class:`Rebuilds` folds each burst into one rebuild, and
changes that arrive while a rebuild runs into exactly one more.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import (DirCreatedEvent, DirDeletedEvent, DirMovedEvent, FileClosedEvent, FileCreatedEvent,
                             FileDeletedEvent, FileModifiedEvent, FileMovedEvent, FileSystemEvent, FileSystemEventHandler)
from watchdog.observers import Observer

# Event kinds that mean an input changed; watchdog also reports files being opened
# and read, which every build does, and which must not start another build.
CHANGES = {"created", "modified", "deleted", "moved", "closed"}
# The same, asked of the operating system: a build opens and reads some 170 inputs, and
# each read reported as "opened" and "closed without writing" cost the watching thread
# (and, through Python's lock, the build) a quarter of the rebuild's time.
CHANGE_EVENTS = [FileCreatedEvent, DirCreatedEvent, FileModifiedEvent, FileDeletedEvent, DirDeletedEvent,
                 FileMovedEvent, DirMovedEvent, FileClosedEvent]
# Editor and interpreter droppings: swap files, backups, vim's write test, bytecode.
IGNORED_SUFFIXES = (".swp", ".swx", ".swpx", ".tmp", ".pyc", "~")
IGNORED_NAMES = {"4913", "__pycache__", ".DS_Store"}
# An editor's save (write a temporary file, rename it over the old one, set its mode)
# reaches us as events a millisecond or two apart; every millisecond waited here is
# one more that the contributor waits for the page.
SETTLE = 0.008


def is_input(path: Path) -> bool:
    """Whether a change to ``path`` can change the site (not an editor's temporary file)."""
    if any(part in IGNORED_NAMES for part in path.parts):
        return False
    return not (path.name.endswith(IGNORED_SUFFIXES) or path.name.startswith(".#"))


class Rebuilds:
    """Calls ``rebuild(changed_paths)`` on one worker thread, once per burst of changes.

    A change starts a short quiet period (``settle`` seconds, at most ``patience``
    in all); everything changed by then goes into one rebuild. Changes during a
    rebuild are collected and lead to exactly one more.

    ``idle(superseded)``, when given, runs on the same thread once no change has
    arrived for ``idle_after`` seconds since the last rebuild: work that can wait until
    the browser has shown the page, and that a newer rebuild makes moot. So that a save
    never waits for it, ``superseded()`` is true from the moment a change arrives; the
    work stops as soon as it can.
    """

    def __init__(self, rebuild: Callable[[list[Path]], None], settle: float = SETTLE, patience: float = 0.25,
                 idle: Callable[[Callable[[], bool]], None] | None = None, idle_after: float = 0.25):
        self._rebuild, self._settle, self._patience = rebuild, settle, patience
        self._idle, self._idle_after, self._idle_due = idle, idle_after, False
        self._pending: set[Path] = set()
        self._first = self._last = 0.0
        self._stopped = False
        self._wake = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="rebuilds", daemon=True)
        self._thread.start()

    def changed(self, paths: Iterable[Path]) -> None:
        """Record changed paths (from any thread)."""
        with self._wake:
            now = time.monotonic()
            if not self._pending:
                self._first = now
            self._pending.update(paths)
            self._last = now
            self._wake.notify()

    def stop(self) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._wake:
                if self._idle_due:  # wait a little for a newer change, which would make it moot
                    self._idle_due = False
                    deadline = time.monotonic() + self._idle_after
                    while not self._pending and not self._stopped and (left := deadline - time.monotonic()) > 0:
                        self._wake.wait(left)
                    idle = not self._pending and not self._stopped
                else:
                    idle = False
                    while not self._pending and not self._stopped:
                        self._wake.wait()
                if self._stopped:
                    return
                if not idle:
                    while (quiet := min(self._last + self._settle, self._first + self._patience) - time.monotonic()) > 0:
                        self._wake.wait(quiet)
                    changed, self._pending = sorted(self._pending), set()
                    self._idle_due = self._idle is not None
            if idle:
                self._call(self._idle, self._superseded)
            else:
                self._call(self._rebuild, changed)

    def _superseded(self) -> bool:
        """Whether a change (or stop) waits: idle work then gives way."""
        return bool(self._pending) or self._stopped

    @staticmethod
    def _call(function: Callable, *args) -> None:
        try:
            function(*args)
        except Exception:  # a bug in the rebuild: keep its traceback, keep watching
            traceback.print_exc()


class Watcher:
    """Reports changes below ``folders`` (recursively) to ``on_change``.

    ``root`` is watched too, but only its direct entries, so that an input folder
    created or replaced after start-up is picked up and watched in turn.
    """

    def __init__(self, root: Path, folders: Iterable[Path], on_change: Callable[[list[Path]], None]):
        self.root = root
        self.folders = sorted(folders)
        self._on_change = on_change
        self._observer = Observer()
        self._watches: dict[Path, object] = {}
        self._handler = _Handler(self)

    def start(self) -> None:
        """Begin watching; returns at once (watchdog runs its own threads)."""
        self._observer.schedule(self._handler, str(self.root), recursive=False, event_filter=CHANGE_EVENTS)
        for folder in self.folders:
            self._watch(folder)
        self._observer.start()

    def stop(self) -> None:
        self._observer.stop()
        self._observer.join(timeout=5)

    def _watch(self, folder: Path) -> None:
        if folder in self._watches:
            self._observer.unschedule(self._watches.pop(folder))
        if folder.is_dir():
            self._watches[folder] = self._observer.schedule(self._handler, str(folder), recursive=True,
                                                            event_filter=CHANGE_EVENTS)

    def _event(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGES or (event.is_directory and event.event_type == "modified"):
            return
        paths = [Path(p) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        relevant = [p for p in paths if self._is_watched(p) and is_input(p)]
        for path in relevant:
            if path in self.folders and event.event_type in ("created", "moved"):
                self._watch(path)  # a new or replaced input folder
        if relevant:
            self._on_change(relevant)

    def _is_watched(self, path: Path) -> bool:
        return any(path == folder or path.is_relative_to(folder) for folder in self.folders)


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher):
        self._watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        self._watcher._event(event)
