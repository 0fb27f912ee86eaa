"""Seed readers: each turns one shape of news article into an :class:`Article`.

A reader is chosen from the file's content, never its name:

* ``frontmatter``: Markdown with YAML front matter (title, subhed, author, featured image…);
* ``repost``: a reposted plain-text article: ``Posted on <date>``, a title, a byline
  ``<authors>, <outlet>, <date>``, ``•`` bullets, bold lead-ins and ``{snip}`` elisions;
* ``scraped``: a web page as scraped: navigation lines, title, author, date,
  standfirst, photo captions ending in ``Image: <credit>``, short subheading lines.

What a file cannot tell reliably (outlet, canonical URL, which short lines are links to
other stories) comes from a sidecar ``content/seeds/<seed file stem>.yaml``; seeds
themselves are kept byte-for-byte as received.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .errors import Problems
from .model import Article, Block, Image
from .inputs import INVISIBLE, list_files, strip_invisible
from .sourcefile import (Field, LineDict, check_fields, check_text, parse_date, parse_yaml, read_document,
                         read_text)

WORDS_PER_MINUTE = 230
_DATE_WORDS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}"
_POSTED = re.compile(rf"^Posted on (?P<date>{_DATE_WORDS})\s*$")
_BYLINE = re.compile(rf"^(?P<authors>[^,]+(?:, [^,]+)*?), (?P<outlet>[^,]+), (?P<date>{_DATE_WORDS})\s*$")
_DATE_LINE = re.compile(rf"^\s*(?P<date>{_DATE_WORDS})\s*$")
_NAV_LINE = re.compile(r"^\s*(?:\d+\.\s+)?(?:Skip to\b|Jump to\b|Go to\b|Menu\s*$|Search\s*$|Home\s*$)", re.I)
_NUMBERED = re.compile(r"^\s*\d+\.\s+\S")
_CAPTION = re.compile(r"^(?P<caption>.*?)\s*Image:\s*(?P<credit>\S.*?)\s*$")
_TRANSLATION = re.compile(r"^(?:This article was (?:originally )?(?:written|published) in \w+ and )?translated (?:from \w+ )?by .+$", re.I)
_BULLET = re.compile(r"^\s*[•·▪◦]\s*(?P<text>.*)$")
_LEAD = re.compile(r"^(?P<lead>[A-Z][^\s:\"“”]*(?: [^\s:\"“”]+){0,4}):\s+(?P<rest>\S.*)$")
_SNIP = re.compile(r"\{\s*snip\s*\}", re.I)
_ELISION = "[…]"
_SAFE_URL = re.compile(r"^https?://[^\s<>\"']+$", re.I)
MAX_TITLE = 300

SIDECAR_FIELDS = {
    "outlet": Field(str),
    "url": Field(str, default=""),
    "slug": Field(str),
    "related": Field(list, default=list),
    "tags": Field(list, default=list),
    "original_published": Field(str),
}


@dataclass
class Sidecar:
    outlet: str = ""
    url: str = ""
    slug: str = ""
    related: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    original_published: object = None
    summaries: tuple[tuple[str, str], ...] = ()  # (language code, summary) from summary_<code> keys


_SUMMARY_KEY = re.compile(r"summary_([a-z]{2,3})")


def slugify(text: str) -> str:
    """A lowercase ASCII slug: ``Más allá del Darién`` → ``mas-alla-del-darien``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].rstrip("-")


def split_authors(text: str) -> list[str]:
    """``Han Chen and Stef W. Knight`` → two names; also splits on commas and '&'."""
    return [name for name in (clean(n) for n in re.split(r",\s*|\s+and\s+|\s*&\s*", text)) if name]


def clean(text: str) -> str:
    """Plain text as readers should see it: invisible direction and zero-width marks
    removed, runs of white space folded."""
    return re.sub(r"\s+", " ", INVISIBLE.sub("", text)).strip()


_WORD = re.compile(r"[\u4e00-\u9fff]|[^\W_]+(?:['’][^\W_]+)*")


def count_text_words(text: str) -> int:
    """Words in ``text``: Latin words (contractions count once) plus one per CJK character."""
    return len(_WORD.findall(text))


def count_words(blocks: list[Block]) -> int:
    """Words in an article body, whatever kinds of block it holds."""
    return count_text_words(" ".join(_block_text(b) for b in blocks))


def _block_text(block: Block) -> str:
    parts = [block.lead, block.text] + [_block_text(item) for item in block.items]
    if block.image:
        parts.append(block.image.caption)
    return " ".join(p for p in parts if p)


# ---- shapes ----------------------------------------------------------------------

def detect_shape(text: str) -> str | None:
    """Which reader fits this text: 'frontmatter', 'repost', 'scraped' or None."""
    lines = [line for line in text.split("\n") if line.strip()]
    if text.startswith("---"):
        return "frontmatter"
    head = lines[:8]
    if any(_POSTED.match(line.strip()) for line in head[:2]) and any(_BYLINE.match(line.strip()) for line in head):
        return "repost"
    if any(_DATE_LINE.match(line) for line in lines[:12]):
        return "scraped"
    return None


def _paragraphs(lines: list[str], first_line: int) -> list[tuple[int, list[str]]]:
    """Group lines into blank-line-separated blocks, each with its first line number."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(lines, start=first_line):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


@dataclass
class Parsed:
    """What a reader found in the file itself, before the sidecar is applied."""

    title: str
    dek: str = ""
    authors: tuple[str, ...] = ()
    author_titles: tuple[str, ...] = ()
    outlet: str = ""
    published: object = None
    original_published: object = None
    category: str = ""
    images: tuple[Image, ...] = ()
    body: tuple[Block, ...] = ()
    credit_line: str = ""
    related: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    title_line: int = 1


FRONTMATTER_FIELDS = {
    "title": Field(str, required=True),
    "subhed": Field(str, default=""),
    "author": Field((str, list), default=""),
    "author-title": Field(str, default=""),
    "featured-image": Field(dict),
    "layout": Field(str, default=""),
    "category": Field(str, default=""),
    "date": Field(str),
    "tags": Field(list, default=list),
}
IMAGE_FIELDS = {"path": Field(str, default=""), "cutline": Field(str, default=""),
                "credit": Field(str, default=""), "alt-text": Field(str, default="")}


def read_frontmatter(path: Path, text: str, problems: Problems) -> Parsed | None:
    """Markdown with YAML front matter."""
    document = read_document(text, path, problems, FRONTMATTER_FIELDS)
    if document is None:
        return None
    doc, meta = document
    images: list[Image] = []
    if doc.meta.get("featured-image") is not None:
        image_meta = doc.meta["featured-image"]
        image = check_fields(image_meta, IMAGE_FIELDS, path, problems,
                             doc.meta.line("featured-image"), "featured-image")
        if image is None:
            return None
        if image["path"] and not _SAFE_URL.match(image["path"].strip()):
            problems.add(path, image_meta.line("path"), "featured-image path must be an http(s) URL")
            return None
        images.append(Image(clean(image["cutline"]), clean(image["credit"]), clean(image["alt-text"]),
                            image["path"].strip()))
    published = _date_field(doc.meta, "date", path, problems, doc.meta_line)
    if published is False:
        return None
    authors = meta["author"] if isinstance(meta["author"], list) else [meta["author"]]
    body = [Block("markdown", doc.body_line, text=doc.body)] if doc.body.strip() else []
    return Parsed(title=clean(meta["title"]), dek=clean(meta["subhed"]),
                  authors=tuple(clean(a) for a in authors if a and clean(a)),
                  author_titles=(clean(meta["author-title"]),) if meta["author-title"] else (),
                  published=published, category=clean(meta["category"]), images=tuple(images),
                  body=tuple(body), tags=tuple(meta["tags"]), title_line=doc.meta.line("title", 1))


def _date_field(meta: LineDict, key: str, path: Path, problems: Problems, line: int):
    if meta.get(key) is None:
        return None
    try:
        return parse_date(meta[key])
    except ValueError as exc:
        problems.add(path, meta.line(key, line), str(exc))
        return False


def _date_at(text: str, path: Path, line: int, problems: Problems):
    """A date found in a seed's text, or None (reported at ``line``) when impossible."""
    try:
        return parse_date(text)
    except ValueError as exc:
        problems.add(path, line, str(exc))
        return None


def read_repost(path: Path, text: str, problems: Problems) -> Parsed | None:
    """A reposted plain-text article with a 'Posted on' line and a byline."""
    lines = text.split("\n")
    blocks = _paragraphs(lines, 1)
    header = [(number + i, line.strip()) for number, block in blocks[:4] for i, line in enumerate(block)]
    posted = next(((n, m) for n, line in header if (m := _POSTED.match(line))), None)
    byline = next(((n, m) for n, line in header if (m := _BYLINE.match(line))), None)
    if not posted or not byline:
        problems.add(path, 1, "repost needs a 'Posted on <Month D, YYYY>' line and a byline '<authors>, <outlet>, <date>'")
        return None
    title_line, title = next(((n, line) for n, line in header if posted[0] < n < byline[0]), (0, ""))
    if not title:
        problems.add(path, posted[0] + 1, "no title between the 'Posted on' line and the byline")
        return None
    published = _date_at(posted[1]["date"], path, posted[0], problems)
    original = _date_at(byline[1]["date"], path, byline[0], problems)
    if published is None or original is None:
        return None
    authors = split_authors(byline[1]["authors"])
    body: list[Block] = []
    for number, block in blocks:
        if number <= byline[0]:
            continue
        for offset, line in enumerate(block):
            _add_repost_line(body, number + offset, line)
    return Parsed(title=clean(title), authors=tuple(clean(a) for a in authors if clean(a)),
                  outlet=clean(byline[1]["outlet"]), published=published,
                  original_published=original, body=tuple(body),
                  title_line=title_line)


def _add_repost_line(body: list[Block], number: int, line: str) -> None:
    bullet = _BULLET.match(line)
    text = clean(bullet["text"] if bullet else line)
    if _SNIP.fullmatch(text):
        item = Block("elision", number)
    else:  # bold lead-ins ("Why it matters:") open top-level paragraphs only
        lead = None if bullet else _LEAD.match(text)
        item = Block("paragraph", number, text=_SNIP.sub(_ELISION, lead["rest"] if lead else text),
                     lead=lead["lead"] if lead else "")
    if bullet:
        if not body or body[-1].kind != "list":
            body.append(Block("list", number))
        body[-1].items.append(item)
    else:
        body.append(item)


def _first_paragraph(body: list[Block]) -> str:
    text = next((b.text for b in body if b.kind == "paragraph" and not b.lead), "")
    return text if len(text) <= 300 else text[:300].rsplit(" ", 1)[0] + "…"


def read_scraped(path: Path, text: str, problems: Problems, sidecar: Sidecar) -> Parsed | None:
    """A scraped web page: navigation, title, author, date, standfirst, body."""
    blocks = _paragraphs(text.split("\n"), 1)
    blocks = [(n, [line for line in b if not _NAV_LINE.match(line)]) for n, b in blocks]
    while blocks and (not blocks[0][1] or all(_NUMBERED.match(line) for line in blocks[0][1])):
        blocks.pop(0)  # a numbered menu before the title is navigation
    header = [(number + i, line.strip()) for number, block in blocks[:4] for i, line in enumerate(block)]
    date_at = next((i for i, (_, line) in enumerate(header) if _DATE_LINE.match(line)), None)
    if not header or date_at is None or date_at == 0:
        problems.add(path, header[0][0] if header else 1,
                     "scraped page has no recognisable title and date",
                     "expected a title line, the author, then a date like 'February 29, 2024'")
        return None
    title_line, title = header[0]
    published = _date_at(header[date_at][1], path, header[date_at][0], problems)
    if published is None:
        return None
    authors = [name for _, line in header[1:date_at] for name in split_authors(line)]
    date_line = header[date_at][0]
    rest = [(n, b) for n, b in blocks if n > date_line]
    dek = clean(" ".join(rest.pop(0)[1])) if rest else ""
    body: list[Block] = []
    images: list[Image] = []
    credit, related = "", []
    for number, block in rest:
        joined = clean(" ".join(block))
        caption = _CAPTION.match(clean(block[-1]))
        if caption:
            image = Image(caption=caption["caption"], credit=caption["credit"],
                          alt=clean(" ".join(block[:-1])))
            images.append(image)
            body.append(Block("figure", number, image=image))
        elif joined in sidecar.related:
            related.append(joined)
        elif len(block) == 1 and _TRANSLATION.match(joined):
            credit = joined
        elif len(block) == 1 and _looks_like_heading(joined):
            body.append(Block("heading", number, text=joined))
        elif joined:
            body.append(Block("paragraph", number, text=joined))
    return Parsed(title=clean(title), dek=dek, authors=tuple(clean(a) for a in authors),
                  published=published, images=tuple(images), body=tuple(body),
                  credit_line=credit, related=tuple(related), title_line=title_line)


def _looks_like_heading(line: str) -> bool:
    return len(line) <= 80 and len(line.split()) <= 12 and not re.search(r"[.,;:!?]$", line)


READERS: dict[str, Callable[..., Parsed | None]] = {
    "frontmatter": lambda path, text, problems, sidecar: read_frontmatter(path, text, problems),
    "repost": lambda path, text, problems, sidecar: read_repost(path, text, problems),
    "scraped": read_scraped,
}


# ---- loading ---------------------------------------------------------------------

def read_sidecar(path: Path, problems: Problems) -> Sidecar | None:
    """Read ``content/seeds/<stem>.yaml``; an absent file means no extra metadata."""
    if not path.is_file():
        return Sidecar()
    text = read_text(path, problems)
    data = parse_yaml(text, path, problems) if text is not None else None
    if data is None and (text or "").strip():
        return None
    if data is not None and not isinstance(data, dict):
        problems.add(path, 1, "seed metadata must be a mapping of 'key: value' lines")
        return None
    if data is None:
        data = LineDict()
        data.lines = {}
    summaries = _summaries(data, path, problems)
    values = check_fields(data, SIDECAR_FIELDS, path, problems, 1, "seed metadata")
    if values is None or summaries is None:
        return None
    ok = True
    if values["url"] and not _SAFE_URL.match(values["url"]):
        problems.add(path, data.line("url", 1), "url must be an http(s) URL")
        ok = False
    if values["slug"] is not None and slugify(values["slug"]) != values["slug"]:
        problems.add(path, data.line("slug", 1), f"slug '{values['slug']}' may only hold a-z, 0-9 and '-'",
                     f"try '{slugify(values['slug']) or 'a-title-in-latin-letters'}'")
        ok = False
    original = _date_field(data, "original_published", path, problems, 1)
    if original is False or not ok:
        return None
    return Sidecar(outlet=clean(values["outlet"] or ""), url=values["url"], slug=values["slug"] or "",
                   related=tuple(clean(r) for r in values["related"]), tags=tuple(values["tags"]),
                   original_published=original, summaries=summaries)


def _summaries(data: LineDict, path: Path, problems: Problems) -> tuple[tuple[str, str], ...] | None:
    """Take the ``summary_<language code>`` keys out of ``data``: a short summary of the
    article for readers of another edition of the site (the article stays as received)."""
    found = []
    for key in sorted(k for k in data if isinstance(k, str) and _SUMMARY_KEY.fullmatch(k)):
        line, value = data.line(key, 1), data.pop(key)
        if not isinstance(value, str) or not value.strip():
            problems.add(path, line, f"'{key}' must be text", "one or two sentences in that language")
            return None
        found.append((_SUMMARY_KEY.fullmatch(key).group(1), check_text(clean(value), key, path, problems, line, 500)))
    return tuple(found)


def load_article(path: Path, sidecar_path: Path, root: Path, problems: Problems) -> Article | None:
    """Read one seed file (and its sidecar) into an Article; problems are reported."""
    text = read_text(path, problems)
    sidecar = read_sidecar(sidecar_path, problems)
    if text is None or sidecar is None:
        return None
    if not text.strip():
        problems.add(path, 1, "seed file is empty")
        return None
    text = strip_invisible(text, path, problems)
    shape = detect_shape(text)
    if shape is None:
        problems.add(path, 1, "cannot tell which kind of article this is",
                     "expected YAML front matter, a 'Posted on <date>' repost, or a scraped page with a date line")
        return None
    parsed = READERS[shape](path, text, problems, sidecar)
    if parsed is None:
        return None
    if not check_text(parsed.title, "title", path, problems, parsed.title_line, MAX_TITLE):
        return None
    slug = sidecar.slug or slugify(parsed.title)
    if not slug:
        problems.add(path, parsed.title_line, "the title gives no usable slug", "set 'slug' in the seed's sidecar")
        return None
    body = list(parsed.body)
    if not body:
        problems.warn(path, parsed.title_line, "the article has no text after its header", "is the file complete?")
    words = count_words(body)
    return Article(
        source=problems.where(path), slug=slug, url=f"/articles/{slug}/", output=f"articles/{slug}/index.html",
        title=parsed.title, dek=parsed.dek, authors=list(parsed.authors), author_titles=list(parsed.author_titles),
        outlet=sidecar.outlet or parsed.outlet, published=parsed.published,
        original_published=sidecar.original_published or parsed.original_published, source_url=sidecar.url, category=parsed.category,
        images=list(parsed.images), body=body, credit_line=parsed.credit_line,
        related=list(parsed.related), tags=sorted(set(parsed.tags) | set(sidecar.tags)), shape=shape,
        summary=parsed.dek or _first_paragraph(body) or parsed.title, summaries=dict(sidecar.summaries),
        word_count=words, reading_minutes=max(1, math.ceil(words / WORDS_PER_MINUTE)))


def load_articles(seeds_dir: Path, sidecar_dir: Path, root: Path, problems: Problems) -> list[Article]:
    """Every seed in ``seeds_dir`` (sorted), newest first by original publication date."""
    articles = []
    for path in list_files(seeds_dir, problems, recursive=False):
        article = load_article(path, sidecar_dir / f"{path.stem}.yaml", root, problems)
        if article:
            articles.append(article)
    stems = {p.stem for p in list_files(seeds_dir, Problems(problems.root), recursive=False)}
    for sidecar in list_files(sidecar_dir, problems, (".yaml",), recursive=False):
        if sidecar.stem not in stems:
            problems.warn(sidecar, 0, f"no seed file '{sidecar.stem}.*' in {problems.where(seeds_dir)}/; ignored",
                          "name the metadata file after its seed file")
    return articles
