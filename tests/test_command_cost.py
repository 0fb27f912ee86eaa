"""What a ``site-builder build`` process spends besides building: imports and its exit.

A one-article rebuild is a fresh process each time, so what the interpreter does around
the build counts as much as the build. Each test runs the command in its own process and
looks at what that process did, never at a time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from conftest import make_site, page

from site_builder.stamp import RACY_NS

PROBE = """
import gc, json, os, sys
opened = []
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes)):
        opened.append(os.path.abspath(os.fsdecode(args[0])))
sys.addaudithook(hook)
from site_builder.cli import main
collections = []
gc.callbacks.append(lambda phase, info: collections.append(info["generation"]) if phase == "start" else None)
code = main(sys.argv[2:])
json.dump({"code": code, "frozen": gc.get_freeze_count(), "modules": sorted(sys.modules), "opened": opened,
           "collections": collections}, open(sys.argv[1], "w"))
"""


def run_build(root: Path, tmp_path: Path, *options: str) -> dict:
    """Build ``root`` in a fresh process; what it did: exit code, objects frozen, modules
    imported, files opened (once for each time), garbage collections once running."""
    report = tmp_path / "probe.json"
    subprocess.run([sys.executable, "-c", PROBE, str(report), "--root", str(root), "build", *options],
                   check=True, timeout=120, capture_output=True)
    return json.loads(report.read_text("utf-8"))


def test_a_build_collects_no_garbage_and_leaves_its_objects_out_of_the_collection_at_exit(tmp_path):
    root = make_site(tmp_path / "s", {"content/pages/a.md": page("A", "Text.")})
    found = run_build(root, tmp_path)
    assert found["code"] == 0
    assert found["collections"] == []  # not even while it imports the engine and its libraries
    assert found["frozen"] > 10_000  # the pages, templates and modules it holds


def test_a_one_page_rebuild_opens_the_edited_page_file_and_no_other(tmp_path):
    # The memo keeps what every other page was read as; their bodies stay in their files.
    # Files changed less than two seconds before a build are also compared by their
    # bytes (see SourceMemo): the pages are left to settle first.
    pages = {f"content/pages/{name}.md": page(name.title(), f"Body of {name}, see [home](/).")
             for name in ("about", "sources", "topics/p0", "topics/p1", "topics/p2", "topics/p3")}
    root = make_site(tmp_path / "s", {"content/pages/index.md": page("Home", template="home"), **pages})
    time.sleep(RACY_NS / 1e9 + 0.1)
    assert run_build(root, tmp_path)["code"] == 0
    edited = root / "content/pages/topics/p3.md"
    edited.write_text(page("Topics/P3", "Another body."), "utf-8")  # the same title: only its body changed
    found = run_build(root, tmp_path)
    assert found["code"] == 0
    assert {p for p in found["opened"] if p.endswith(".md")} == {str(edited.resolve())}
    # by the stamp (it changed in the last two seconds) and by the page reader, not once more for its digest
    assert found["opened"].count(str(edited.resolve())) == 2


def test_what_a_build_imports_follows_what_it_has_to_do(tmp_path):
    root = make_site(tmp_path / "s", {"content/pages/index.md": page("Home", template="home"),
                                      "content/pages/a.md": page("A", "Text.")})
    first = run_build(root, tmp_path)
    assert first["code"] == 0 and "site_builder.numerals" not in first["modules"]  # numbers not checked
    nothing = run_build(root, tmp_path)  # answered from the stamp
    assert not {"site_builder.build", "jinja2", "markdown_it", "yaml"} & set(nothing["modules"])
    source = root / "content/pages/a.md"
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 10**9))  # read again, same bytes
    reread = run_build(root, tmp_path)
    assert "site_builder.build" in reread["modules"] and "markdown_it" not in reread["modules"]  # nothing rendered
