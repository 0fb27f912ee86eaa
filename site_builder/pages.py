"""Hand-written pages: ``content/pages/**/*.md`` with front matter.

The file's path is its URL: ``index.md`` → ``/``, ``about.md`` → ``/about/``,
``topics/route.md`` → ``/topics/route/``. A folder is a section (``topics``).

With a cache folder, what each page file was read as is kept between builds (see
:class:`~site_builder.memo.SourceMemo`): a rebuild parses only the files that changed.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

from .cache import engine_digest
from .errors import Problems
from .i18n import split_language
from .inputs import decode_text, list_files, strip_invisible
from .context import instance_digest, listed, seal
from .memo import SourceMemo
from .model import BODY_READER, Config, Page
from .addresses import is_slug, slugify
from .sourcefile import Field, check_text, front_matter_body, parse_date, read_document

PAGE_FIELDS = {
    "title": Field(str, required=True), "summary": Field(str), "description": Field(str),
    "order": Field(int, default=0), "template": Field(str), "tags": Field(list, default=list),
    "articles": Field(list, default=list), "draft": Field(bool, default=False),
    "date": Field(str), "updated": Field(str), "authors": Field((str, list), default=list),
    "slug": Field(str), "aliases": Field(list, default=list), "extra": Field(dict, default=dict),
}
MAX_TITLE, MAX_SUMMARY = 150, 500
def page_address(relative: Path) -> tuple[str, str, str, str] | None:
    """(section, slug, url, output) for a page file path relative to the pages folder,
    or None when a part of the path is not a clean slug."""
    parts = list(relative.with_suffix("").parts)
    if not all(is_slug(part) for part in parts):
        return None
    section = parts[0] if len(parts) > 1 else ""
    if parts[-1] == "index":
        parts = parts[:-1]
    slug = parts[-1] if parts else "index"
    url = "/" + "".join(f"{p}/" for p in parts)
    return section, slug, url, url.lstrip("/") + "index.html"


def load_pages(pages_dir: Path, config: Config, problems: Problems, drafts: bool = False,
               cache_dir: Path | None = None) -> list[Page]:
    """Every page, sorted by section, order and title; drafts only when asked for.
    With ``cache_dir``, pages whose files did not change are not parsed again."""
    # the readings depend on the engine, the YAML library, where the files are and
    # the sections' default templates; anything else a page shows is in its file
    scope = repr((engine_digest(), yaml.__version__, str(problems.root), str(pages_dir),
                  sorted((name, repr(settings.get("template"))) for name, settings in config.sections.items()),
                  [(language.code, language.prefix) for language in config.languages]))
    memo = SourceMemo(cache_dir / "pages.jsonl" if cache_dir else None, scope, _encoded,
                      functools.partial(_remembered, problems.root),
                      lambda page: instance_digest(page).hex() + instance_digest(listed(page)).hex())
    files = list_files(pages_dir, problems)
    # the address is made only when the file is read: a remembered page had a good one
    readers = {path: functools.partial(_read, path=path, pages_dir=pages_dir, config=config)
               for path in files if path.suffix == ".md"}
    memo.read_ahead([(path, reader, None) for path, reader in readers.items()], problems)
    pages = []
    for path in files:
        if path.suffix != ".md":
            problems.warn(path, 0, "not a Markdown page; ignored", "page files end in .md")
            continue
        page = memo.load(path, problems, readers[path])
        if page and (drafts or not page.draft):
            pages.append(page)
    memo.save()
    return sorted(pages, key=lambda p: (p.section, p.order, p.title, p.url))


def _read(data: bytes, problems: Problems, path: Path, pages_dir: Path, config: Config) -> Page | None:
    address = _address(path, pages_dir, config, problems)
    return read_page(data, path, address, config, problems) if address else None


def _encoded(page: Page) -> dict:
    """What the memo keeps of a page: every field but its body, which stays in its file
    (a thousand bodies are most of the memo's bytes, and a one-page rebuild reads one).
    A page's fields hold only text, numbers and lists and mappings of them, so no deep
    copy as :func:`dataclasses.asdict` makes (a thousand pages on a clean build)."""
    return {name: getattr(page, name) for name in page.__dataclass_fields__ if name != "body"}


def _remembered(root: Path, fields: dict, digests: str = "", read: Page | None = None) -> Page:
    """A page as its memo entry keeps it (every field but the body, as :func:`_encoded`
    wrote them: restored without a call to ``__init__``), with the digests of what it
    was read as and of its listed copy. Its body is the one of ``read``, the page just
    read from its file, or else read from its file when first used (see
    :meth:`.model.Page.__getattr__`)."""
    page = object.__new__(Page)
    page.__dict__.update(fields)
    if read is not None:
        object.__setattr__(page, "body", read.body)
    else:  # joined when read
        object.__setattr__(page, BODY_READER, functools.partial(page_body, root, fields["source"]))
    if not digests:
        return page
    both = bytes.fromhex(digests)
    return seal(page, both[:16], both[16:])


def page_body(root: Path, source: str) -> str:
    """The body of the page file ``source`` (below ``root``), as :func:`read_page` reads
    it (its warnings were reported when the file was read); empty if it can no longer
    be read."""
    path = root / source
    found = Problems(root)
    try:
        text = decode_text(path.read_bytes(), path, found)
    except OSError:
        return ""
    return front_matter_body(strip_invisible(text, path, found)) if text is not None else ""


def _address(path: Path, pages_dir: Path, config: Config, problems: Problems) -> tuple[str, str, str, str, str] | None:
    """The page's address and language code, or None (reported) when its file name is not
    a clean slug. A page in ``<code>/`` of a declared language is that language's edition
    of the page at the same path outside it (``zh/topics/route.md`` → ``/zh/topics/route/``)."""
    language, relative = split_language(path.relative_to(pages_dir), config.languages)
    address = page_address(relative)
    if address is not None:
        section, slug, url, output = address
        folder = language.prefix.lstrip("/") + "/" * bool(language.prefix)
        return section, slug, language.prefix + url, folder + output, language.code
    suggestion = "/".join(slugify(p) or "page" for p in path.relative_to(pages_dir).with_suffix("").parts)
    taken = (pages_dir / f"{suggestion}.md").exists()
    problems.add(path, 0, "file name is not a clean URL slug (a-z, 0-9 and '-')",
                 f"rename it; {suggestion}.md is already taken" if taken else f"rename it to {suggestion}.md")
    return None


def read_page(data: bytes, path: Path, address: tuple[str, str, str, str, str], config: Config,
              problems: Problems) -> Page | None:
    """The page in ``data`` (the bytes of ``path``), or None when it has a mistake (reported)."""
    text = decode_text(data, path, problems)
    if text is None:
        return None
    if not text.strip():
        problems.add(path, 1, "the file is empty", "start it with front matter: '---', title and summary, '---'")
        return None
    text = strip_invisible(text, path, problems)
    document = read_document(text, path, problems, PAGE_FIELDS, unknown="warn")
    if document is None:
        return None
    doc, meta = document
    if not doc.body.strip():
        problems.warn(path, doc.body_line, "the page has front matter but no text", "write the page below the second '---'")
    line = lambda key: doc.meta.line(key, doc.meta_line)  # noqa: E731
    title = check_text(meta["title"], "title", path, problems, line("title"), MAX_TITLE)
    summary, description = _summary_and_description(meta, path, problems, line)
    errors = len(problems.errors)
    dates = {key: _iso_date(meta[key], key, path, problems, line(key)) for key in ("date", "updated")}
    lang = address[4]
    address = _slugged(address[:4], meta["slug"], path, problems, line("slug"))
    aliases = [alias for alias in (_alias(a, path, problems, line("aliases")) for a in meta["aliases"]) if alias]
    if len(problems.errors) > errors or address is None:
        return None
    section, slug, url, output = address
    template = meta["template"] or config.sections.get(section, {}).get("template", "page")
    authors = meta["authors"] if isinstance(meta["authors"], list) else [meta["authors"]]
    return Page(source=problems.where(path), slug=slug, section=section, url=url, output=output,
                title=title, summary=summary, order=meta["order"],
                template=template, tags=list(meta["tags"]), articles=list(meta["articles"]),
                draft=meta["draft"], body=doc.body, body_line=doc.body_line, description=description,
                authors=[str(a).strip() for a in authors if str(a).strip()], aliases=aliases,
                extra=dict(meta["extra"]), lang=lang, **dates)


def _summary_and_description(meta: dict, path: Path, problems: Problems, line) -> tuple[str, str]:
    """``summary`` is shown under the title and in listings; ``description`` is the meta
    description for search engines and link previews. Either stands in for the other;
    a page needs at least one."""
    if meta["summary"] is None and meta["description"] is None:
        problems.add(path, line("title"), "missing required key 'summary' in front matter",
                     "one sentence shown under the title and in listings ('description' also works)")
        return "", ""
    texts = {key: check_text(meta[key], key, path, problems, line(key), MAX_SUMMARY)
             for key in ("summary", "description") if meta[key] is not None}
    summary = texts.get("summary", texts.get("description", ""))
    return summary, texts.get("description", summary)


def _iso_date(value: str | None, key: str, path: Path, problems: Problems, line: int) -> str:
    """A page date as ISO text (pages are remembered between builds as JSON)."""
    if value is None:
        return ""
    try:
        return parse_date(value).isoformat()
    except ValueError as exc:
        problems.add(path, line, str(exc))
        return ""


def _slugged(address, slug: str | None, path: Path, problems: Problems, line: int):
    """The address with its last segment replaced by ``slug`` (one clean segment only)."""
    if slug is None:
        return address
    section, _, url, _ = address
    if not is_slug(slug):
        problems.add(path, line, f"slug '{slug}' is not one clean URL segment (a-z, 0-9 and '-')",
                     f"try '{slugify(slug) or 'a-short-name'}'")
        return None
    if url == "/":
        problems.add(path, line, "the home page has no address segment for 'slug' to replace", "remove 'slug'")
        return None
    parent = url.rstrip("/").rsplit("/", 1)[0] + "/"
    url = f"{parent}{slug}/"
    return (section if parent != "/" else ""), slug, url, url.lstrip("/") + "index.html"


_ALIAS = re.compile(r"^/(?:[A-Za-z0-9._~-]+/)*(?:[A-Za-z0-9._~-]+(?:/|\.html?)?)?$")


def _alias(alias: str, path: Path, problems: Problems, line: int) -> str:
    """An old address of this page on this site: ``/old/name/`` (or ``/old.html``)."""
    text = alias.strip()
    if not _ALIAS.match(text) or any(part in (".", "..") for part in text.split("/")) or text == "/":
        problems.add(path, line, f"alias '{alias}' is not an address on this site",
                     "write the old path from the site's root, like /topics/old-name/")
        return ""
    return text if text.endswith(("/", ".html", ".htm")) else text + "/"
