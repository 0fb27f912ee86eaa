"""Invalid inputs as data: each folder under tests/invalid/ is a broken site (only the
files that differ from a minimal valid one) plus ``expected.txt``, the exact messages
the build must print, an optional ``options.txt`` (``strict``) and an optional
``symlinks.txt`` (lines ``link -> target``: symbolic links to create in the site).
Adding a case adds files, not code."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import make_site
from site_builder.build import build
from site_builder.errors import BuildError

CASES = Path(__file__).parent / "invalid"


def case_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in ("expected.txt", "options.txt", "symlinks.txt")}


def make_links(folder: Path, root: Path) -> None:
    links = folder / "symlinks.txt"
    for line in links.read_text("utf-8").splitlines() if links.is_file() else []:
        link, target = (part.strip() for part in line.split("->"))
        (root / link).parent.mkdir(parents=True, exist_ok=True)
        (root / link).symlink_to(target)


@pytest.mark.parametrize("folder", sorted(p for p in CASES.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_invalid_case(folder, tmp_path):
    root = make_site(tmp_path / "site", case_files(folder))
    make_links(folder, root)
    strict = (folder / "options.txt").is_file() and "strict" in (folder / "options.txt").read_text()
    with pytest.raises(BuildError) as info:
        build(root, out=tmp_path / "out", cache_dir=tmp_path / "cache", strict=strict)
    expected = (folder / "expected.txt").read_text("utf-8").strip().splitlines()
    assert [str(p) for p in info.value.problems] == expected
    assert not (tmp_path / "out").exists()
