"""A real ``site-builder serve`` in a subprocess, for the preview tests and benchmark.

The server runs on a free port of 127.0.0.1 in a site folder of the caller's; its
terminal output goes to a log file that tests read (rebuild counts, messages).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT = 90  # a cold first build renders every chart with vl-convert


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Served:
    root: Path
    base: str
    port: int
    log_path: Path
    process: subprocess.Popen

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")

    def builds(self) -> int:
        """How many builds the server has finished (successful or not), the first included."""
        return sum(line.startswith(("built ", "rebuilt in ", "build failed: ")) for line in self.log().splitlines())

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def write(self, relative: str, text: str) -> None:
        """Save a file as an editor does: the whole file at once."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")


def wait_until(condition: Callable[[], object], timeout: float = 15, what: str = "condition") -> object:
    """Poll ``condition`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@contextmanager
def serving(root: Path, log_path: Path, host: str = "127.0.0.1"):
    """Run ``site-builder serve`` for ``root`` until the block ends; yields :class:`Served`."""
    port = free_port()
    env = {**os.environ, "TZ": "UTC", "PYTHONUNBUFFERED": "1"}
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "site_builder", "--root", str(root), "serve",
                                    "--host", host, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env)
    served = Served(root, f"http://127.0.0.1:{port}", port, log_path, process)
    try:
        wait_until(lambda: "serving http" in served.log() or process.poll() is not None, START_TIMEOUT, "the server")
        assert process.poll() is None, f"serve exited with {process.returncode}:\n{served.log()}"
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
