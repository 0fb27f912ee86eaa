"""A build with nothing to do answers from its stamp (site_builder.stamp), and only then."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_repo, make_site, page
from site_builder.cli import main
from site_builder.paths import Paths

NOTHING = "nothing changed"


def build(root: Path, capsys, *options: str) -> tuple[int, str, str]:
    code = main(["--root", str(root), "build", *options])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def published(root: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(root / "public").as_posix(): (p.stat().st_ino, p.read_bytes())
            for p in sorted((root / "public").rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path) -> Path:
    return make_site(tmp_path / "s", {"content/pages/a.md": page("A", "Text of [b](/b/)."),
                                      "content/pages/b.md": page("B", "Other text.")})


def test_second_build_answers_from_the_stamp_and_touches_nothing(project, capsys):
    assert build(project, capsys)[0] == 0
    before = published(project)
    code, out, _ = build(project, capsys)
    assert code == 0 and NOTHING in out and out.startswith("built ")
    assert published(project) == before  # same inodes, same bytes


@pytest.mark.parametrize("edit", ["page", "same-size-same-mtime", "template", "static", "new-file", "removed-file"])
def test_any_input_edit_makes_a_real_build(project, capsys, edit):
    build(project, capsys)
    target = {"page": "content/pages/a.md", "same-size-same-mtime": "content/pages/b.md",
              "template": "templates/base.html", "static": "static/style.css"}.get(edit)
    if edit == "new-file":
        (project / "content/pages/c.md").write_text(page("C"), "utf-8")
    elif edit == "removed-file":
        (project / "content/pages/b.md").unlink()
    elif edit == "same-size-same-mtime":  # a change that keeps size and modification time
        path = project / target
        info = path.stat()
        path.write_text(path.read_text("utf-8").replace("Other", "Ozher"), "utf-8")
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    else:
        path = project / target
        path.write_text(path.read_text("utf-8") + "\n", "utf-8")
    code, out, _ = build(project, capsys)
    assert code == 0 and NOTHING not in out
    if edit == "same-size-same-mtime":
        assert "Ozher" in (project / "public/b/index.html").read_text("utf-8")


@pytest.mark.parametrize("edit", ["edited", "deleted", "stray"])
def test_a_touched_output_folder_makes_a_real_build(project, capsys, edit):
    build(project, capsys)
    before = {path: data for path, (_, data) in published(project).items()}
    target = project / "public/a/index.html"
    if edit == "edited":
        target.write_text("defaced", "utf-8")
    elif edit == "deleted":
        target.unlink()
    else:
        (project / "public/stray.html").write_text("stray", "utf-8")
    code, out, _ = build(project, capsys)
    assert code == 0 and NOTHING not in out
    assert {path: data for path, (_, data) in published(project).items()} == before


def test_warnings_are_repeated_and_options_keep_their_own_stamp(project, capsys):
    (project / "content/pages/notes.txt").write_text("stray", "utf-8")
    first = build(project, capsys)
    again = build(project, capsys)
    assert NOTHING in again[1] and "warning: not a Markdown page" in first[2] and again[2] == first[2]
    strict = build(project, capsys, "--strict")  # another kind of build: its own stamp, and it fails
    assert strict[0] == 1 and "not a Markdown page" in strict[2]
    assert build(project, capsys, "--strict")[0] == 1  # a failed build leaves no stamp to answer from
    drafts = build(project, capsys, "--drafts")
    assert NOTHING not in drafts[1]
    assert NOTHING not in build(project, capsys)[1]  # the drafts build changed the output


def test_a_failed_build_forgets_the_stamp(project, capsys):
    build(project, capsys)
    good = (project / "content/pages/a.md").read_text("utf-8")
    (project / "content/pages/a.md").write_text("---\ntitle: A\n---\n", "utf-8")
    assert build(project, capsys)[0] == 1
    (project / "content/pages/a.md").write_text(good, "utf-8")  # the very bytes of the stamped build
    code, out, _ = build(project, capsys)
    assert code == 0 and NOTHING not in out


def test_the_environment_and_the_engine_are_part_of_the_stamp(project, capsys, monkeypatch):
    build(project, capsys)
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    assert NOTHING not in build(project, capsys)[1]
    assert NOTHING in build(project, capsys)[1]
    stamp = next((project / ".cache/site-builder").glob("stamp-*.json"))
    recorded = json.loads(stamp.read_text("utf-8"))
    engine = Path(__file__).resolve().parent.parent / "site_builder" / "build.py"
    assert str(engine) in recorded["inputs"]  # the engine's code is read like an input


AUDIT = """
import json, os, sys
opened, ran = set(), []
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes)) and (args[1] is not None or os.path.isabs(args[0])):
        opened.add(os.path.abspath(os.fsdecode(args[0])))  # (a relative os.open is rmtree's, by folder handle)
    elif event == "subprocess.Popen":
        ran.append(os.fsdecode(args[0]))
sys.addaudithook(hook)
from site_builder.cli import main
code = main(sys.argv[2:])
json.dump({"code": code, "opened": sorted(opened), "ran": ran}, open(sys.argv[1], "w"))
"""


@pytest.mark.slow
def test_a_build_reads_nothing_its_stamp_does_not_cover(tmp_path):
    """The stamp is only as good as its list of inputs: build the real site under an
    audit hook and check every file it opened is an input, the engine, Python and its
    libraries, or what the build itself writes and keeps (output, caches)."""
    root = copy_repo(tmp_path / "site")
    report = tmp_path / "opened.json"
    env = {**os.environ, "SITE_BUILDER_CACHE": str(tmp_path / "charts"), "TZ": "UTC"}
    subprocess.run([sys.executable, "-c", AUDIT, str(report), "--root", str(root), "build", "--out",
                    str(root / "public")], check=True, env=env, timeout=600, cwd=tmp_path)
    result = json.loads(report.read_text("utf-8"))
    assert result["code"] == 0
    root = root.resolve()
    paths = Paths(root)
    allowed = [*paths.inputs, paths.cache, Path(__file__).resolve().parent.parent / "site_builder",
               Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), (tmp_path / "charts").resolve()]

    def produced(path: Path) -> bool:  # the output, and its working copies beside it (staging, search view)
        return path.is_relative_to(root) and path.relative_to(root).parts[0].startswith(("public", ".public."))

    outside = [p for p in result["opened"] if not produced(Path(p)) and not any(Path(p).is_relative_to(a) for a in allowed)]
    assert outside == []
    assert all(Path(program).name.startswith("pagefind") for program in result["ran"])  # it indexes the output


def test_a_rebuild_into_the_published_folder_stamps_what_a_walk_of_it_finds(project, capsys):
    # the build records the files it published from its own walk of the folder (the one
    # that removes obsolete files), not from a second one: both must see the same
    from site_builder.stamp import Stamp, _signatures

    build(project, capsys)
    (project / "content/pages/a.md").write_text(page("A", "New text of [b](/b/)."), "utf-8")  # moved in
    (project / "content/pages/c.md").write_text(page("C"), "utf-8")  # a new folder
    (project / "content/pages/b.md").unlink()  # a file and its folder removed
    code, out, _ = build(project, capsys)
    assert code == 0 and NOTHING not in out
    stamp = Stamp(project, {"out": None, "strict": False, "drafts": False})
    recorded = json.loads(stamp.file.read_text("utf-8"))["published"]
    assert recorded == _signatures([project / "public"], relative_to=project / "public")
    assert NOTHING in build(project, capsys)[1]


@pytest.mark.parametrize("relative, visible", [
    ("index.html", True), ("a/b/index.html", True), ("a.b/c.html", True), ("x__pycache__y/z", True),
    (".well-known/x", False), ("a/.hidden", False), ("a/__pycache__/m.pyc", False), ("__pycache__/m.pyc", False)])
def test_a_published_file_is_stamped_when_a_walk_would_list_it(relative, visible):
    from site_builder.stamp import _visible

    assert _visible(relative) is visible
