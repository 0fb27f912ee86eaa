"""What a ``site-builder build`` process spends besides building: imports and its exit.

A one-article rebuild is a fresh process each time, so what the interpreter does around
the build counts as much as the build. Each test runs the command in its own process and
looks at what that process did, never at a time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import make_site, page

PROBE = """
import gc, json, sys
from site_builder.cli import main
code = main(sys.argv[2:])
json.dump({"code": code, "frozen": gc.get_freeze_count(), "modules": sorted(sys.modules)}, open(sys.argv[1], "w"))
"""


def run_build(root: Path, tmp_path: Path, *options: str) -> dict:
    """Build ``root`` in a fresh process; what it left: exit code, frozen objects, modules."""
    report = tmp_path / "probe.json"
    subprocess.run([sys.executable, "-c", PROBE, str(report), "--root", str(root), "build", *options],
                   check=True, timeout=120, capture_output=True)
    return json.loads(report.read_text("utf-8"))


def test_a_build_leaves_its_objects_out_of_the_collection_python_makes_at_exit(tmp_path):
    root = make_site(tmp_path / "s", {"content/pages/a.md": page("A", "Text.")})
    found = run_build(root, tmp_path)
    assert found["code"] == 0
    assert found["frozen"] > 10_000  # the pages, templates and modules it holds
