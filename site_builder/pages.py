"""Hand-written pages: ``content/pages/**/*.md`` with front matter.

The file's path is its URL: ``index.md`` → ``/``, ``about.md`` → ``/about/``,
``topics/route.md`` → ``/topics/route/``. A folder is a section (``topics``).
"""

from __future__ import annotations

from pathlib import Path

from .errors import Problems
from .model import Config, Page
from .seeds import slugify
from .inputs import list_files, strip_invisible
from .sourcefile import Field, check_text, read_document, read_text

PAGE_FIELDS = {
    "title": Field(str, required=True), "summary": Field(str, required=True),
    "order": Field(int, default=0), "template": Field(str), "tags": Field(list, default=list),
    "articles": Field(list, default=list), "draft": Field(bool, default=False),
}
MAX_TITLE, MAX_SUMMARY = 150, 500


def page_address(relative: Path) -> tuple[str, str, str, str] | None:
    """(section, slug, url, output) for a page file path relative to the pages folder,
    or None when a part of the path is not a clean slug."""
    parts = list(relative.with_suffix("").parts)
    if any(slugify(part) != part for part in parts):
        return None
    section = parts[0] if len(parts) > 1 else ""
    if parts[-1] == "index":
        parts = parts[:-1]
    slug = parts[-1] if parts else "index"
    url = "/" + "".join(f"{p}/" for p in parts)
    return section, slug, url, url.lstrip("/") + "index.html"


def load_pages(pages_dir: Path, config: Config, problems: Problems, drafts: bool = False) -> list[Page]:
    """Every page, sorted by section, order and title; drafts only when asked for."""
    pages = []
    for path in list_files(pages_dir, problems):
        if path.suffix != ".md":
            problems.warn(path, 0, "not a Markdown page; ignored", "page files end in .md")
            continue
        page = load_page(path, pages_dir, config, problems)
        if page and (drafts or not page.draft):
            pages.append(page)
    return sorted(pages, key=lambda p: (p.section, p.order, p.title, p.url))


def load_page(path: Path, pages_dir: Path, config: Config, problems: Problems) -> Page | None:
    address = page_address(path.relative_to(pages_dir))
    if address is None:
        suggestion = "/".join(slugify(p) or "page" for p in path.relative_to(pages_dir).with_suffix("").parts)
        taken = (pages_dir / f"{suggestion}.md").exists()
        problems.add(path, 0, "file name is not a clean URL slug (a-z, 0-9 and '-')",
                     f"rename it; {suggestion}.md is already taken" if taken else f"rename it to {suggestion}.md")
        return None
    text = read_text(path, problems)
    if text is None:
        return None
    if not text.strip():
        problems.add(path, 1, "the file is empty", "start it with front matter: '---', title and summary, '---'")
        return None
    text = strip_invisible(text, path, problems)
    document = read_document(text, path, problems, PAGE_FIELDS)
    if document is None:
        return None
    doc, meta = document
    if not doc.body.strip():
        problems.warn(path, doc.body_line, "the page has front matter but no text", "write the page below the second '---'")
    title = check_text(meta["title"], "title", path, problems, doc.meta.line("title"), MAX_TITLE)
    summary = check_text(meta["summary"], "summary", path, problems, doc.meta.line("summary"), MAX_SUMMARY)
    section, slug, url, output = address
    template = meta["template"] or config.sections.get(section, {}).get("template", "page")
    return Page(source=problems.where(path), slug=slug, section=section, url=url, output=output,
                title=title, summary=summary, order=meta["order"],
                template=template, tags=list(meta["tags"]), articles=list(meta["articles"]),
                draft=meta["draft"], body=doc.body, body_line=doc.body_line)
