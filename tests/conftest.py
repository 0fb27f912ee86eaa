"""Shared test helpers: build tiny real sites in temporary folders and read the output.

Builds are the suite's main cost. A test that only reads the output takes a build made once
per test session (``shared_site(files)``, ``real_site``); a test that edits inputs or output,
or counts what a build did, builds its own (``site(files)``, ``copy_repo``). A heavy
end-to-end case (the real site built in subprocesses, or 20 s or more) is marked
``@pytest.mark.slow``: ``make test`` runs it, ``make test-fast`` leaves it out and spreads
the rest over every core (pytest-xdist), so the inner loop stays under two minutes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from site_builder.build import Report, build
from site_builder.errors import BuildError

REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("TZ", "UTC")

MINIMAL_CONFIG = """\
title = "Test Site"
description = "A site built by the tests."
base_url = "https://example.org"

[terms]
zh = ["zh-Hans", "zh-Latn-pinyin"]

[sections.topics]
title = "Topics"
template = "topic"

[[nav]]
title = "Topics"
url = "/topics/"

# the outlets' habits our test seeds share with the real site's (README: "Adding a seed article")
[readers.frontmatter]
aliases = { subhed = "summary", "author-title" = "author_title", "featured-image" = "image", path = "url", cutline = "caption", "alt-text" = "alt" }

[readers.repost]
posted = ["Posted on"]
elision = ["{snip}"]
lead_ins = ["Why it matters", "Zoom in", "By the numbers", "The big picture"]

[readers.scraped]
navigation = ['^\\s*(?:\\d+\\.\\s+)?(?:Skip to|Jump to|Go to)\\b']
caption_credit = ['^(?P<caption>.*?)\\s*Image:\\s*(?P<credit>\\S.*?)\\s*$']
credit_line = ['^(?:This article was (?:originally )?(?:written|published) in \\w+ and )?translated (?:from \\w+ )?by .+$']
"""


@dataclass
class Built:
    root: Path
    out: Path
    report: Report

    def read(self, relative: str) -> str:
        return (self.out / relative).read_text("utf-8")

    def pages(self) -> list[Path]:
        return sorted(self.out.rglob("*.html"))


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n") if not text.startswith("---") else text, "utf-8")


def make_site(root: Path, files: dict[str, str | bytes], with_repo_theme: bool = True) -> Path:
    """A site in ``root``: the repository's templates and static files, a minimal
    config, and ``files`` ({relative path: text}) on top."""
    root.mkdir(parents=True, exist_ok=True)
    if with_repo_theme:
        shutil.copytree(REPO / "templates", root / "templates", dirs_exist_ok=True)
        shutil.copytree(REPO / "static", root / "static", dirs_exist_ok=True)
    base = {"content/site.toml": MINIMAL_CONFIG}
    base.update(files)
    write_files(root, base)
    return root


@pytest.fixture(autouse=True)
def chart_cache(tmp_path, monkeypatch) -> Path:
    """Each test's own per-user chart cache (charts and the Vega bundle), beside its build
    cache: no test reads or fills the real one in the user's home folder."""
    monkeypatch.setenv("SITE_BUILDER_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def site(tmp_path):
    """``site(files)`` builds a tiny site and returns :class:`Built`."""

    def run(files: dict[str, str | bytes], **kwargs) -> Built:
        root = make_site(tmp_path / "site", files)
        out = tmp_path / "site" / "public"
        report = build(root, out=out, cache_dir=tmp_path / "cache", **kwargs)
        return Built(root, out, report)

    return run


@pytest.fixture(scope="session")
def shared_site(tmp_path_factory):
    """``shared_site(files, **kwargs)`` is ``site(files, **kwargs)`` built once per test session
    for equal arguments. The result is shared: read it, never change it."""
    builds: dict[str, Built] = {}

    def run(files: dict[str, str | bytes], **kwargs) -> Built:
        key = hashlib.sha256(json.dumps([sorted((k, v if isinstance(v, str) else v.hex()) for k, v in files.items()),
                                         sorted(kwargs.items())], default=str).encode()).hexdigest()
        if key not in builds:
            folder = tmp_path_factory.mktemp("session-site")
            root = make_site(folder / "site", files)
            report = build(root, out=folder / "site" / "public", cache_dir=folder / "cache",
                           chart_cache=folder / "cache", **kwargs)
            builds[key] = Built(root, folder / "site" / "public", report)
        return builds[key]

    return run


def copy_repo(target: Path) -> Path:
    """The real site's inputs copied to ``target``, to build or edit without touching the checkout."""
    for name in ("content", "seeds", "templates", "static"):
        shutil.copytree(REPO / name, target / name)
    return target


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The output folder of the real site, built once per session (strict, as Netlify builds it).
    Shared: read it, never change it."""
    root = copy_repo(tmp_path_factory.mktemp("real"))
    build(root, cache_dir=root / ".cache", chart_cache=root / ".cache", strict=True)
    return root / "public"


@pytest.fixture
def failing_site(tmp_path):
    """``failing_site(files)`` builds a site that must fail and returns its messages."""

    def run(files: dict[str, str | bytes], **kwargs) -> list[str]:
        root = make_site(tmp_path / "site", files)
        with pytest.raises(BuildError) as info:
            build(root, out=tmp_path / "site" / "public", cache_dir=tmp_path / "cache", **kwargs)
        return [str(p) for p in info.value.problems]

    return run


def page(title: str = "A page", body: str = "Some text.", **meta) -> str:
    """A Markdown page with front matter."""
    lines = [f"title: {title!r}", f"summary: {meta.pop('summary', 'A summary.')!r}"]
    lines += [f"{key}: {value}" for key, value in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + textwrap.dedent(body).lstrip("\n")
