"""The link stage: every internal link, anchor and image of the staged output resolves.

It runs over the files a build has written into its staging folder, before they are
published, so it checks what readers would really get (templates, Markdown and charts
alike). Each problem is a warning (``--strict`` makes it an error) reported against the
input that produced the link: the page's own source where the link's address or text
appears in it, else the site configuration or a template that contains it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable
from html import unescape
from urllib.parse import unquote, urljoin, urlsplit

import orjson

from .errors import SHOWN_DEPENDENTS, Problems, did_you_mean
from .write import Output, write_atomically

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


# A start or end tag, a comment, or the doctype, as our pages write them; anything else
# that starts with '<!' or '<?' sends the document to html.parser.
_MARKUP = re.compile(r"<(?:(/?)([a-zA-Z][^\s/>]*)((?:[\s/]+[^\s/>=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)[\s/]*>"
                     r"|!--.*?--\s*>|![dD][oO][cC][tT][yY][pP][eE][^>]*>)", re.S)
_ATTRIBUTE = re.compile(r"([^\s/>=]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+)))?")
_RAW_TEXT = ("script", "style")  # their content is not markup (html.parser's CDATA elements)
_RAW_TEXT_END = {tag: re.compile(rf"</{tag}\s*>", re.I) for tag in _RAW_TEXT}
# What a page is mostly made of and the scan may skip while no anchor is open: text, a
# '<' that is text to html.parser, and tags that define no id and make no link, in a
# form whose reading by _MARKUP is plain (one space before each attribute, values in
# double quotes). Anything else (an <a>, an attribute named id, href, src or srcset in
# any case, <script>, <style>, a comment, the doctype) is read tag by tag below.
_PLAIN_TAG = (r"<(?!(?i:a|script|style)[\s/>])[a-zA-Z][a-zA-Z0-9-]*"
              r"(?: (?!(?i:id|href|src|srcset)[\s/>=])[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:=\"[^\"]*\")?)*/?>")
_SKIPPABLE = re.compile(rf"(?:[^<]+|<(?![!?/]|[^\W\d_])|{_PLAIN_TAG}|</[a-zA-Z][a-zA-Z0-9-]*>)*+")


def scan(html: str) -> ScannedPage:
    """The ids and links of one HTML document: the same as :func:`scan_with_parser`, at a
    tenth of its cost on the documents the build writes (every page is scanned)."""
    found = _fast_scan(html)
    return found if found is not None else scan_with_parser(html)


def _fast_scan(html: str) -> ScannedPage | None:
    """None when the document holds markup this scanner does not read (it then goes to html.parser)."""
    page, anchor, position = ScannedPage(), None, 0
    while True:
        if anchor is None:
            position = _SKIPPABLE.match(html, position).end()
        start = html.find("<", position)
        if anchor is not None:
            text = html[position:] if start < 0 else html[position:start]
            anchor.text += unescape(text) if "&" in text else text
        if start < 0:
            return page
        match = _MARKUP.match(html, start)
        if match is None:
            if start + 1 < len(html) and (html[start + 1] in "!?/" or html[start + 1].isalpha()):
                return None  # a tag it cannot read: leave it to the parser
            if anchor is not None:
                anchor.text += "<"
            position = start + 1
            continue
        position = match.end()
        closing, tag = match.group(1), (match.group(2) or "").lower()
        if not tag:
            continue  # a comment or the doctype
        if closing:
            anchor = None if tag == "a" else anchor
            continue
        tail = html[match.end(3):position].strip()  # after the last attribute
        if tail not in (">", "/>"):
            return None  # html.parser reads such a tag as text
        attrs = [(found.group(1).lower(), _value(found)) for found in _ATTRIBUTE.finditer(match.group(3))]
        anchor = _start_tag(page, tag, attrs, anchor)
        if tail == "/>":  # html.parser: a start tag and its end tag
            anchor = None if tag == "a" else anchor
        elif tag in _RAW_TEXT:
            end = _RAW_TEXT_END[tag].search(html, position)
            if end is None:
                return None
            if anchor is not None:  # html.parser hands the content over as text, unescaped
                anchor.text += html[position:end.start()]
            position = end.end()


def _value(found: re.Match) -> str | None:
    """An attribute's value as html.parser gives it: unescaped; None when it has none."""
    value = next((v for v in found.group(2, 3, 4) if v is not None), None)
    return unescape(value) if value is not None and "&" in value else value


def _start_tag(page: ScannedPage, tag: str, attrs: list[tuple[str, str | None]], anchor: Link | None) -> Link | None:
    """Record one start tag's ids and links (as :class:`_Scanner` does); returns the open anchor."""
    for name, value in attrs:
        if value is None:
            continue
        if name == "id" or (tag == "a" and name == "name"):
            page.ids.add(value)
        elif name == "srcset":
            page.links += [Link(c.split()[0], tag) for c in value.split(",") if c.strip()]
        elif name in LINK_ATTRIBUTES and not (tag == "link" and ("rel", "canonical") in attrs):
            link = Link(value, tag)
            page.links.append(link)
            if tag == "a":
                anchor = link
    return anchor


def scan_with_parser(html: str) -> ScannedPage:
    """The ids and links of one HTML document, read by the standard library's parser."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.page


def page_url(relative: str) -> str:
    """The address an output file is served at: ``a/index.html`` → ``/a/``."""
    path = "/" + relative
    return path[: -len("index.html")] if path.endswith("/index.html") or path == "/index.html" else path


def check_links(output: Output, root: Path, problems: Problems, cache: Path | None = None,
                scanned_now: dict[str, ScannedPage] | None = None) -> int:
    """Check every link of every staged HTML file; report each broken one once as a
    warning against the source that produced it. Returns how many files were parsed.

    With a ``cache`` file, each page's findings are kept between builds: what it
    defines and links to, keyed by what its bytes depend on (:meth:`Output.content_key`),
    and which of its links are broken. Those stand while the same files are published
    and every page its anchors point into is unchanged; so a rebuild parses only the
    pages that changed and judges only their links and the links into them. Each broken
    link is located in its source afresh every time. ``scanned_now`` holds the scans the
    render workers already made of the pages they wrote (by path), so those are not read
    back and parsed again here.
    """
    files = set(output.entries)
    page_keys = {rel: output.content_key(rel) for rel in sorted(f for f in files if f.endswith(".html"))}
    published = hashlib.sha256("\0".join(sorted(files)).encode()).hexdigest()
    addresses = _Addresses(files)
    stored_published, stored, stored_scans = _load(cache)
    known = _Scans(cache, stored_scans, {entry.key for entry in stored.values()})
    scans: dict[str, ScannedPage] = {}
    parsed = 0

    def scanned(relative: str) -> ScannedPage:
        nonlocal parsed
        key = page_keys[relative]
        if key not in scans:
            if (kept := known.get(key)) is not None:
                scans[key] = _decode(kept)
            else:
                parsed += 1
                made = (scanned_now or {}).get(relative)
                scans[key] = made if made is not None else scan(output.read_path(relative).read_text("utf-8"))
        return scans[key]

    verdicts: dict[tuple[str, str, str], Verdict] = {}
    findings: dict[str, Findings] = {}
    locator = _Locator(root)
    seen_in: dict[tuple[Path | str, int, str, str], list[str]] = {}  # one warning per broken link, with its pages
    for relative, key in page_keys.items():
        old = stored.get(relative) if stored_published == published else None
        if old and old.key == key and all(page_keys.get(target) == target_key for target, target_key in old.depends_on):
            found = old
        else:
            found = _findings(relative, scanned(relative), verdicts, addresses, page_keys, scanned)
            found.key = key
            known.add(key, scans[key])
        findings[relative] = found
        source = output.written.get(relative.lower(), "")
        for url, tag, text, message, hint in found.broken:
            path, line = locator.find(source, Link(url, tag, text))
            pages = seen_in.setdefault((path, line, message, hint), [])
            if relative not in pages:  # the same link twice on one page is one sighting
                pages.append(relative)
    for (path, line, message, hint), pages in seen_in.items():
        problems.warn(path, line, message, f"{hint}; seen in {_pages(pages)}")
    if cache is not None and (published != stored_published or findings != stored):
        _save(cache, published, findings, known.save({found.key for found in findings.values()}))
    return parsed


def _pages(pages: list[str]) -> str:
    """``x/index.html``, or ``5 pages: a, b, c, …`` for a link every page shares (a template's)."""
    if len(pages) == 1:
        return pages[0]
    return f"{len(pages)} pages: {', '.join(pages[:SHOWN_DEPENDENTS])}" + (", …" if len(pages) > SHOWN_DEPENDENTS else "")


@dataclass
class Verdict:
    """What is wrong with one address (None: nothing); for an anchor into a page, that
    page and its content key (the ids it relied on)."""

    trouble: tuple[str, str] | None
    target: str = ""
    target_key: str = ""


@dataclass
class Findings:
    """One page's links as the link stage left them: its content key, the pages (with
    their keys) whose ids its anchors relied on, and its broken links as (url, tag,
    text, message, hint). Its scan is kept apart (see :class:`_Scans`)."""

    key: str = ""
    depends_on: list[tuple[str, str]] = field(default_factory=list)
    broken: list[tuple[str, str, str, str, str]] = field(default_factory=list)


def _findings(relative: str, page: ScannedPage, verdicts: dict[tuple[str, str, str], Verdict], files: "_Addresses",
              page_keys: dict[str, str], scanned: Callable[[str], ScannedPage]) -> Findings:
    """Judge every link of the page at ``relative`` (verdicts are shared by every page of a build)."""
    base = page_url(relative)
    found, depends_on = Findings(), set()
    for link in page.links:
        # every page repeats the header's and footer's links: judge each address once
        # (the page's own address matters only to a relative one)
        case = (link.url, link.tag, "" if link.url.startswith("/") and not link.url.startswith("//") else base)
        if case not in verdicts:
            verdicts[case] = _judge(link, base, files, page_keys, scanned)
        verdict = verdicts[case]
        if verdict.target_key:
            depends_on.add((verdict.target, verdict.target_key))
        if verdict.trouble:
            found.broken.append((link.url, link.tag, link.text, *verdict.trouble))
    found.depends_on = sorted(depends_on)
    return found


def _encode(page: ScannedPage) -> str:
    return orjson.dumps([sorted(page.ids), [[link.url, link.tag, link.text] for link in page.links]]).decode("utf-8")


def _decode(text: str) -> ScannedPage:
    ids, links = orjson.loads(text)
    return ScannedPage(set(ids), [Link(*link) for link in links])


def _load(cache: Path | None) -> tuple[str, dict[str, Findings], int]:
    """The digest of the files the last build published, its findings by page and how
    many lines its scans file holds (none when the file is missing or unreadable)."""
    try:
        stored = orjson.loads(cache.read_bytes()) if cache else {}
        return stored["published"], {relative: Findings(key, [tuple(d) for d in depends_on], [tuple(b) for b in broken])
                                     for relative, (key, depends_on, broken) in stored["pages"].items()}, stored["scans"]
    except (OSError, ValueError, KeyError, TypeError):
        return "", {}, 0


def _save(cache: Path, published: str, findings: dict[str, Findings], scans: int) -> None:
    """Keep this build's findings (only these: the file never grows past one site)."""
    pages = {relative: [f.key, f.depends_on, f.broken] for relative, f in sorted(findings.items())}
    write_atomically(cache, orjson.dumps({"published": published, "pages": pages, "scans": scans}))


class _Scans:
    """The encoded scans of pages by content key, in a file of JSON lines beside the
    findings (most of their bytes): read only when a page judged again needs the scan of
    a page that was not parsed this build, appended to with the scans of new keys, and
    written afresh when replaced lines would pass a fifth of it. A scan it lacks (a line
    cut short, a file gone) is parsed from the page again."""

    def __init__(self, cache: Path | None, lines: int, keys: set[str]):
        self.path = cache.with_suffix(".scans.jsonl") if cache else None
        self.lines, self.keys = lines, keys  # the lines the file holds, the keys its scans were kept for
        self.new: dict[str, str] = {}
        self._stored: dict[str, str] | None = None

    def get(self, key: str) -> str | None:
        if key in self.new:
            return self.new[key]
        if key not in self.keys or self.path is None:
            return None
        if self._stored is None:
            self._stored = self._read()
        return self._stored.get(key)

    def add(self, key: str, page: ScannedPage) -> None:
        if key not in self.keys and key not in self.new:
            self.new[key] = _encode(page)

    def save(self, live: set[str]) -> int:
        """Keep the scans of the ``live`` keys; returns how many lines the file holds."""
        assert self.path is not None
        fresh = [orjson.dumps([key, scan]) + b"\n" for key, scan in sorted(self.new.items())]
        if (self.lines + len(fresh)) * 4 <= len(live) * 5 + 64 and self.path.exists():
            with open(self.path, "ab") as handle:
                handle.write(b"".join(fresh))
            return self.lines + len(fresh)
        kept = {**(self._stored if self._stored is not None else self._read()), **self.new}
        lines = [orjson.dumps([key, kept[key]]) + b"\n" for key in sorted(live) if key in kept]
        write_atomically(self.path, b"".join(lines))
        return len(lines)

    def _read(self) -> dict[str, str]:
        stored = {}
        try:
            data = self.path.read_bytes() if self.path else b""
        except OSError:
            return {}
        for line in data.splitlines():
            try:
                key, scan = orjson.loads(line)
            except (ValueError, TypeError):
                continue  # an append cut short: that page is parsed again
            stored[key] = scan
        return stored


def _judge(link: Link, base: str, files: "_Addresses", page_keys: dict[str, str],
           scanned: Callable[[str], ScannedPage]) -> Verdict:
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
        return Verdict((f"broken {kind} '{link.url}': nothing is published at {path}", files.closest(path)))
    fragment = unquote(parts.fragment)
    if fragment and target in page_keys:
        ids = scanned(target).ids
        trouble = None if fragment in ids else (f"broken anchor '{link.url}': {path} has no id '{fragment}'",
                                                _closest_id(fragment, ids))
        return Verdict(trouble, target, page_keys[target])
    return Verdict(None, target)


class _Addresses:
    """The files a build publishes, and the addresses a broken link's hint may suggest
    (pages by their URL, other files by path).

    Each broken address is given its hint once, from the addresses in its own folder and
    those with its last part (a misspelt page, or a misspelt folder): not every address
    of the site, so a warning costs as much in a site of ten thousand pages as in one of
    a hundred (a folder of a thousand pages aside)."""

    def __init__(self, files: set[str]):
        self.files = files
        self._hints: dict[str, str] = {}
        self._by_folder: dict[str, list[str]] | None = None
        self._by_leaf: dict[str, list[str]] = {}

    def __contains__(self, relative: str) -> bool:
        return relative in self.files

    def closest(self, path: str) -> str:
        if path not in self._hints:
            hint = did_you_mean(path, self._candidates(path))
            self._hints[path] = hint if hint.startswith("did you mean") else "check the address or build with --drafts"
        return self._hints[path]

    def _candidates(self, path: str) -> list[str]:
        if self._by_folder is None:  # made at the first broken link
            self._by_folder = {}
            for address in sorted({page_url(f) if f.endswith(".html") else f"/{f}" for f in self.files}):
                folder, leaf = _folder_and_leaf(address)
                self._by_folder.setdefault(folder, []).append(address)
                self._by_leaf.setdefault(leaf, []).append(address)
        folder, leaf = _folder_and_leaf(path)
        return self._by_folder.get(folder, []) + self._by_leaf.get(leaf, [])


def _folder_and_leaf(address: str) -> tuple[str, str]:
    """``/topics/route/`` → (``/topics/``, ``route``): where an address is, and its name."""
    folder, _, leaf = address.rstrip("/").rpartition("/")
    return folder + "/", leaf


def _closest_id(fragment: str, ids: set[str]) -> str:
    hint = did_you_mean(fragment, ids)
    return hint.replace("did you mean '", "did you mean '#") if hint.startswith("did you mean") else "link to a heading's id"


def _resolve(path: str, files: "_Addresses | set[str]") -> str | None:
    """The output file that serves ``path`` (``/a/`` and ``/a`` both serve ``a/index.html``)."""
    # PurePosixPath's reading of the path, with str methods (four addresses a page):
    # empty and '.' parts dropped, the leading slashes gone
    relative = "/".join(part for part in path.split("/") if part not in ("", "."))
    candidates = [f"{relative}/index.html" if relative else "index.html"] if path.endswith("/") else [relative, f"{relative}/index.html"]
    return next((c for c in candidates if c in files), None)


class _Locator:
    """Finds the input file and line that wrote a link: the page's source first, then
    the site configuration and the templates (for links every page shares).

    A build with thousands of broken links asks for each one: each address's pattern is
    compiled once, a line is matched only when it holds the address as plain text, and
    where the shared files hold an address is looked up once per build."""

    def __init__(self, root: Path):
        self.root = root
        self.shared = [root / "content" / "site.toml"] + sorted((root / "templates").rglob("*.html"))
        self._lines: dict[Path, list[str]] = {}
        self._in_shared: dict[tuple[str, str], tuple[Path, int] | None] = {}

    def find(self, source: str, link: Link) -> tuple[Path | str, int]:
        own = self.root / source if source else None
        url = link.url.strip()
        found = self._line_with(own, url, whole=True) if own else None
        if found:
            return own, found
        text = " ".join(link.text.split())
        if (url, text) not in self._in_shared:  # the template line that holds this address with this text, else the address
            holding = [(path, line) for path in self.shared if (line := self._line_with(path, url, whole=True))]
            self._in_shared[url, text] = next((found for found in holding if text and text in self._read(found[0])[found[1] - 1]),
                                              holding[0] if holding else None)
        if self._in_shared[url, text]:
            return self._in_shared[url, text]
        found = self._line_with(own, text) if text and own else None
        if found:
            return own, found
        return (own, 1) if own and own.is_file() else (source or "(output)", 0)

    def _line_with(self, path: Path, text: str, whole: bool = False) -> int:
        """The first line of ``path`` holding ``text`` (as a whole address when ``whole``); 0 if none."""
        for number, line in enumerate(self._read(path), 1):
            if text in line and (not whole or _holds_whole(line, text)):
                return number
        return 0

    def _read(self, path: Path) -> list[str]:
        if path not in self._lines:
            try:
                self._lines[path] = path.read_text("utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines[path] = []
        return self._lines[path]


def _holds_whole(line: str, url: str) -> bool:
    """Whether ``line`` holds ``url`` as a whole address, so that ``/`` does not match
    inside ``/a/b``: no letter, digit or ``_/.#%-`` right before or after it. String
    searches, not a pattern per address: a build may locate thousands of them."""
    start = line.find(url)
    while start != -1:
        end = start + len(url)
        if not (start and _joins(line[start - 1])) and not (end < len(line) and _joins(line[end])):
            return True
        start = line.find(url, start + 1)
    return False


def _joins(char: str) -> bool:
    return char.isalnum() or char in "_/.#%-"  # isalnum: what \w matches, less the underscore


