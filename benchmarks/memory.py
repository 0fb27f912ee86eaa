"""Peak resident memory of a whole process tree, sampled from ``/proc``.

``wait4``'s ``ru_maxrss`` is the largest *single* process: a build whose forked render
workers and Pagefind run at the same time would look as small as its largest member. The
issue's limit ("peak memory < 1 GiB including the search indexer") is about all of them
at once, so a thread samples the tree every ``INTERVAL`` seconds and keeps the largest sum
of resident sets. A cgroup's ``memory.peak`` would be exact, but it counts the page cache
of the files the build writes and needs a writable cgroup, which neither a sandbox nor CI
reliably gives; ``/proc`` works everywhere Linux does.

The sum counts a page shared by a parent and its forked children once per process, so it
is an upper bound (proportional set size would split them, but reading ``smaps`` costs
far more per sample). A sample lists ``/proc`` and reads a few small files; every 20 ms
that costs about 3 % of one core (measured beside ``sleep``), and it misses only peaks
shorter than that, which ``wait4``'s own maximum of each process then covers in part.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

INTERVAL = 0.02
PAGE = os.sysconf("SC_PAGE_SIZE")
PROC = Path("/proc")


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, resident bytes) of ``pid``, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return None
    # the command name (field 2) may hold spaces and parentheses: split after its last ")"
    fields = stat[stat.rindex(b")") + 2:].split()
    return int(fields[1]), int(fields[21]) * PAGE


class TreeMemory:
    """Samples the total resident memory of ``root`` and its descendants until stopped.

    Each sample lists ``/proc`` and reads the status of the tree's members and of
    processes it has not seen before, never again that of a process found outside the tree
    (the machine's other work), so a sample costs a listing and a handful of reads. A
    process seen once in the tree stays in it while it lives, so a worker whose parent
    exits first (and which is re-parented to init) is still counted.
    """

    def __init__(self, root: int, interval: float = INTERVAL):
        self.root, self.interval, self.peak = root, interval, 0
        self._members: set[int] = {root}
        self._outside: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tree-memory", daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> int:
        """Resident bytes of the tree now (and record it if it is the peak)."""
        alive = {int(name) for name in os.listdir(PROC) if name.isdigit()}
        self._outside &= alive  # a pid that ended may come back as one of ours
        stats = {pid: _stat(pid) for pid in alive - self._outside}
        stats = {pid: stat for pid, stat in stats.items() if stat is not None}
        members = {pid for pid in self._members if pid in stats}
        unknown = set(stats) - members
        grew = True
        while grew:  # a new child of a member, and its own new children, join the tree
            joined = {pid for pid in unknown if stats[pid][0] in members}
            members |= joined
            unknown -= joined
            grew = bool(joined)
        self._members = members | {self.root}
        self._outside |= unknown
        total = sum(stats[pid][1] for pid in members)
        self.peak = max(self.peak, total)
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)
