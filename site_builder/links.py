"""The link stage: every internal link, anchor and image of the staged output resolves.

It runs over the files a build has written into its staging folder, before they are
published, so it checks what readers would really get (templates, Markdown and charts
alike). Each problem is a warning (``--strict`` makes it an error) reported against the
input that produced the link: the page's own source where the link's address or text
appears in it, else the site configuration or a template that contains it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from .errors import Problems
from .write import Output

LINK_ATTRIBUTES = ("href", "src", "srcset")
SAFE_SCHEMES = ("https", "mailto", "tel", "data")


@dataclass
class Link:
    """One address found in an output page."""

    url: str
    tag: str
    text: str = ""


@dataclass
class ScannedPage:
    """The ids a page defines (anchor targets) and the links it makes."""

    ids: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ScannedPage()
        self._open_anchor: Link | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.page.ids.add(value)
            elif name == "srcset":
                # "a.png 1x, b.png 2x": each candidate is an address
                self.page.links += [Link(c.split()[0], tag) for c in value.split(",") if c.strip()]
            elif name in LINK_ATTRIBUTES and not (tag == "link" and ("rel", "canonical") in attrs):
                link = Link(value, tag)
                self.page.links.append(link)
                if tag == "a":
                    self._open_anchor = link

    def handle_data(self, data: str) -> None:
        if self._open_anchor is not None:
            self._open_anchor.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._open_anchor = None


def scan(html: str) -> ScannedPage:
    """The ids and links of one HTML document."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.page


def page_url(relative: str) -> str:
    """The address an output file is served at: ``a/index.html`` → ``/a/``."""
    path = "/" + relative
    return path[: -len("index.html")] if path.endswith("/index.html") or path == "/index.html" else path


def check_links(output: Output, root: Path, problems: Problems, cache: Path | None = None) -> int:
    """Check every link of every staged HTML file; report each broken one once as a
    warning against the source that produced it. Returns how many files were parsed.

    With a ``cache`` file, what each file defines and links to is kept between builds,
    keyed by what the file's bytes depend on (:meth:`Output.content_key`), so a rebuild
    parses only the files that changed. So are the verdicts on each address: while the
    same files are published (and an anchor's target page is the same), an address is
    as broken or as sound as it was. Every link of every file is still looked at.
    """
    files = set(output.entries)
    stored = _load(cache)
    known = stored.scans
    pages: dict[str, ScannedPage] = {}
    keys: dict[str, ScannedPage] = {}
    page_keys: dict[str, str] = {}
    parsed = 0
    for rel in sorted(f for f in files if f.endswith(".html")):
        key = page_keys[rel] = output.content_key(rel)
        if key not in keys:
            if key not in known:
                parsed += 1
            keys[key] = known.get(key) or scan(output.read_path(rel).read_text("utf-8"))
        pages[rel] = keys[key]
    published = hashlib.sha256("\0".join(sorted(files)).encode()).hexdigest()
    # a verdict stands while the same files are published and its anchor's page is the same
    previous = stored.verdicts if stored.published == published else {}
    verdicts: dict[tuple[str, str, str], Verdict] = {}
    locator = _Locator(root)
    for relative, scanned in sorted(pages.items()):
        source = output.written.get(relative.lower(), "")
        base = page_url(relative)
        for link in scanned.links:
            # every page repeats the header's and footer's links: judge each address once
            # (the page's own address matters only to a relative one)
            case = (link.url, link.tag, "" if link.url.startswith("/") and not link.url.startswith("//") else base)
            verdict = verdicts.get(case)
            if verdict is None:
                verdict = previous.get(case)
                if verdict is None or (verdict.target_key and page_keys.get(verdict.target) != verdict.target_key):
                    verdict = _judge(link, base, files, pages, page_keys)
                verdicts[case] = verdict
            if verdict.trouble:
                message, hint = verdict.trouble
                path, line = locator.find(source, link)
                problems.warn(path, line, message, f"{hint}; seen in {relative}")
    if cache is not None and (parsed or keys.keys() != known.keys() or verdicts != stored.verdicts):
        _save(cache, Stored(keys, published, verdicts))
    return parsed


@dataclass(frozen=True)
class Verdict:
    """What is wrong with one address (None: nothing), and the page whose ids it relied on."""

    trouble: tuple[str, str] | None
    target: str = ""
    target_key: str = ""  # the content key of ``target`` when an anchor was checked in it


@dataclass
class Stored:
    """What the link stage keeps between builds: scans by content key, and the verdicts
    of the last build with a digest of the files it published."""

    scans: dict[str, ScannedPage] = field(default_factory=dict)
    published: str = ""
    verdicts: dict[tuple[str, str, str], Verdict] = field(default_factory=dict)


def _load(cache: Path | None) -> Stored:
    """What the last build kept (nothing when the file is missing or unreadable)."""
    try:
        stored = json.loads(cache.read_text("utf-8")) if cache else {}
        return Stored({key: ScannedPage(set(ids), [Link(*link) for link in links]) for key, (ids, links) in stored["scans"].items()},
                      stored["published"],
                      {(url, tag, base): Verdict(tuple(trouble) if trouble else None, target, target_key)
                       for url, tag, base, trouble, target, target_key in stored["verdicts"]})
    except (OSError, ValueError, KeyError, TypeError):
        return Stored()


def _save(cache: Path, stored: Stored) -> None:
    """Keep this build's scans and verdicts (only these: the file never grows past one site)."""
    scans = {key: [sorted(page.ids), [[link.url, link.tag, link.text] for link in page.links]]
             for key, page in sorted(stored.scans.items())}
    verdicts = [[*case, verdict.trouble, verdict.target, verdict.target_key] for case, verdict in sorted(stored.verdicts.items())]
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_name(f".{cache.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"scans": scans, "published": stored.published, "verdicts": verdicts},
                              ensure_ascii=False, separators=(",", ":")), "utf-8")
    os.replace(tmp, cache)


def _judge(link: Link, base: str, files: set[str], pages: dict[str, ScannedPage], page_keys: dict[str, str]) -> Verdict:
    """Why ``link`` (on the page served at ``base``) is broken, if it is."""
    parts = urlsplit(link.url.strip())
    kind = "image" if link.tag == "img" else "link"
    if parts.scheme == "http" or (parts.netloc and not parts.scheme):
        return Verdict((f"insecure {kind} '{link.url}'", "use https://"))
    if parts.scheme:
        return Verdict(None if parts.scheme in SAFE_SCHEMES else (f"{kind} with scheme '{parts.scheme}:' '{link.url}'", "use https:// or a path"))
    path = unquote(urljoin(base, parts.path)) if parts.path else base
    target = _resolve(path, files)
    if target is None:
        return Verdict((f"broken {kind} '{link.url}': nothing is published at {path}", "check the address or build with --drafts"))
    fragment = unquote(parts.fragment)
    if fragment and target in pages:
        trouble = None if fragment in pages[target].ids else (f"broken anchor '{link.url}': {path} has no id '{fragment}'", "link to a heading's id")
        return Verdict(trouble, target, page_keys[target])
    return Verdict(None, target)


def _resolve(path: str, files: set[str]) -> str | None:
    """The output file that serves ``path`` (``/a/`` and ``/a`` both serve ``a/index.html``)."""
    relative = str(PurePosixPath(path)).lstrip("/")
    candidates = [f"{relative}/index.html" if relative else "index.html"] if path.endswith("/") else [relative, f"{relative}/index.html"]
    return next((c for c in candidates if c in files), None)


class _Locator:
    """Finds the input file and line that wrote a link: the page's source first, then
    the site configuration and the templates (for links every page shares)."""

    def __init__(self, root: Path):
        self.root = root
        self.shared = [root / "content" / "site.toml"] + sorted((root / "templates").rglob("*.html"))
        self._lines: dict[Path, list[str]] = {}

    def find(self, source: str, link: Link) -> tuple[Path | str, int]:
        own = self.root / source if source else None
        candidates = ([own] if own else []) + self.shared
        text = " ".join(link.text.split())
        # the address anywhere it could come from; the link text only in the page itself
        searches = [(self._whole(link.url.strip()), candidates)] + ([(re.compile(re.escape(text)), [own])] if text and own else [])
        for pattern, paths in searches:
            for path in paths:
                for number, line in enumerate(self._read(path), 1):
                    if pattern.search(line):
                        return path, number
        return (own, 1) if own and own.is_file() else (source or "(output)", 0)

    @staticmethod
    def _whole(url: str) -> re.Pattern:
        """``url`` as a whole address, so that ``/`` does not match inside ``/a/b``."""
        return re.compile(r"(?<![\w/.#%-])" + re.escape(url) + r"(?![\w/.#%-])")

    def _read(self, path: Path) -> list[str]:
        if path not in self._lines:
            try:
                self._lines[path] = path.read_text("utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines[path] = []
        return self._lines[path]
