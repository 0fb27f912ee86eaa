"""The write stage on real folders: only new bytes are staged, the commit moves them into
place and removes what the build no longer produces, and nothing is published before it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_builder.write import Output


def publish(out: Path, files: dict[str, bytes], manifest: Path | None = None) -> Output:
    with Output(out, manifest) as output:
        for relative, data in sorted(files.items()):
            output.write(relative, data, "test")
        output.commit()
    return output


def tree(out: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_ino) for p in sorted(out.rglob("*")) if p.is_file()}


def test_only_changed_files_are_staged_and_the_commit_publishes_exactly_the_new_set(tmp_path):
    out = tmp_path / "public"
    publish(out, {"a/index.html": b"A", "b/index.html": b"B", "gone/deep/index.html": b"G", "x": b"file"})
    (out / "stray.txt").write_bytes(b"left by hand")
    before = tree(out)
    with Output(out) as output:
        for relative, data in {"a/index.html": b"A", "b/index.html": b"B2", "x/index.html": b"now a folder"}.items():
            output.write(relative, data, "test")
        staged = sorted(p.relative_to(output.staging).as_posix() for p in output.staging.rglob("*") if p.is_file())
        assert staged == ["b/index.html", "x/index.html"]  # the unchanged page is not copied
        assert tree(out) == before  # nothing published yet
        assert output.read_path("a/index.html") == out / "a/index.html"
        assert output.read_path("b/index.html") == output.staging / "b/index.html"
        output.commit()
    after = tree(out)
    assert {k: v[0] for k, v in after.items()} == {"a/index.html": b"A", "b/index.html": b"B2", "x/index.html": b"now a folder"}
    assert after["a/index.html"][1] == before["a/index.html"][1]  # the very same file
    assert not (out / "gone").exists() and not output.staging.exists()


def test_a_failed_build_publishes_nothing(tmp_path):
    out = tmp_path / "public"
    publish(out, {"a/index.html": b"A"})
    before = tree(out)
    with pytest.raises(RuntimeError):
        with Output(out) as output:
            output.write("a/index.html", b"half", "test")
            output.write("new/index.html", b"N", "test")
            raise RuntimeError("a later stage failed")
    assert tree(out) == before and not output.staging.exists()


def test_the_whole_site_view_holds_every_file_of_the_build(tmp_path):
    out = tmp_path / "public"
    publish(out, {"a/index.html": b"A", "old.html": b"O"})
    with Output(out) as output:
        output.write("a/index.html", b"A", "test")
        output.write("b/index.html", b"B", "test")
        with output.view() as view:
            assert {k: v[0] for k, v in tree(view).items()} == {"a/index.html": b"A", "b/index.html": b"B"}
        assert not view.exists()
        output.abort()


def test_the_manifest_records_each_published_file_as_stat_sees_it(tmp_path):
    out, manifest = tmp_path / "public", tmp_path / "manifest.json"
    publish(out, {"a/index.html": b"A" * 20_000, "a/b/index.html": "Ä".encode(), "c.txt": b""}, manifest)
    entries = json.loads(manifest.read_text("utf-8"))
    for relative in ("a/index.html", "a/b/index.html", "c.txt"):
        info = (out / relative).stat()
        assert entries[relative][1:4] == [info.st_size, info.st_mtime_ns, info.st_ino]


def test_a_file_that_cannot_be_written_is_named_and_nothing_is_published(tmp_path):
    out = tmp_path / "public"
    publish(out, {"a/index.html": b"A"})
    before = tree(out)
    with pytest.raises(OSError) as caught:
        with Output(out) as output:
            output.write("x", b"a file", "test")
            output.write("x/index.html", b"needs x to be a folder", "test")
    assert str(caught.value).endswith(f"File exists: '{output.staging / 'x'}'")  # the folder it needed
    assert tree(out) == before and not output.staging.exists()
