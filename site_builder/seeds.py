"""Seed articles: each file in ``seeds/`` becomes an :class:`Article`.

A reader (see :mod:`site_builder.readers`) is chosen from the file's content, or named
by the seed's sidecar ``content/seeds/<seed file stem>.yaml`` (see :mod:`.sidecar`),
which also gives what the file cannot tell (title, authors, dates, outlet, the
original's address, how much of it we may show) and wins over the file. Seeds
themselves are kept byte-for-byte as received, so nothing inside one is an error its
sidecar cannot settle.
"""

from __future__ import annotations

import base64
import dataclasses
import math
import pickle
import re
from pathlib import Path

import yaml

from .cache import engine_digest
from .errors import Problems
from .inputs import decode_text, list_files, read_bytes, strip_invisible
from .model import Accepted, Article, Block, Config
from .readers.common import slugify  # noqa: F401 - the one slug rule, used by pages too
from .readers import READERS, Findings, Parsed, choose, load_settings, table_line, unrecognised
from .sidecar import FIELDS, RIGHTS, Sidecar, read_sidecar
from .sourcefile import check_text
from .memo import SourceMemo

WORDS_PER_MINUTE = 230
MAX_TITLE = 300
EXCERPT_WORDS = 150


_WORD = re.compile(r"[\u4e00-\u9fff]|[^\W_]+(?:['’][^\W_]+)*")
# In ASCII text a word is a run of letters and digits, and an apostrophe between two
# runs joins them into one word (a contraction).
_ASCII_SEPARATORS = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})
_JOINING_APOSTROPHE = re.compile(r"[A-Za-z0-9]'(?=[A-Za-z0-9])")


def count_text_words(text: str) -> int:
    """Words in ``text``: Latin words (contractions count once) plus one per CJK character.

    ASCII text (most pages) is counted with str.split rather than the pattern, to the
    same number: every page's text is counted."""
    if not text.isascii():
        return len(_WORD.findall(text))
    runs = len(text.translate(_ASCII_SEPARATORS).split())
    return runs - len(_JOINING_APOSTROPHE.findall(text)) if "'" in text else runs


def count_words(blocks: list[Block]) -> int:
    """Words in an article body, whatever kinds of block it holds."""
    return count_text_words(" ".join(_block_text(b) for b in blocks))


def _block_text(block: Block) -> str:
    parts = [block.lead, block.text] + [_block_text(item) for item in block.items]
    if block.image:
        parts.append(block.image.caption)
    return " ".join(p for p in parts if p)


def excerpt(blocks: list[Block], limit: int) -> list[Block]:
    """The opening blocks of a body, up to ``limit`` words (at least one block)."""
    shown, words = [], 0
    for block in blocks:
        words += count_words([block])
        if shown and words > limit:
            break
        shown.append(block)
    return shown


def _first_paragraph(body: list[Block]) -> str:
    text = next((b.text for b in body if b.kind == "paragraph" and not b.lead), "")
    return text if len(text) <= 300 else text[:300].rsplit(" ", 1)[0] + "…"


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def seed_text(data: bytes, path: Path, sidecar: Sidecar, sidecar_path: Path, problems: Problems) -> str | None:
    """The seed's text: UTF-8, or the encoding its sidecar names ('encoding'), or, for a
    saved web page, the one its ``<meta charset>`` declares. None (reported) for a file
    that is not text at all or not in that encoding; seeds are never re-saved, so the
    hint names the sidecar key that settles it."""
    if b"\x00" in data[:8192] or data[:8].startswith((b"\x89PNG", b"%PDF", b"PK\x03\x04", b"\xff\xd8\xff", b"GIF8")):
        problems.add(path, 0, "not a text file (it holds binary data)",
                     "a seed is a text, Markdown or saved HTML file; remove this one or save the article as text")
        return None
    declared = _META_CHARSET.search(data[:4096]) if path.suffix.lower() in (".html", ".htm") else None
    encoding = sidecar.encoding or (declared.group(1).decode("ascii") if declared else "")
    settle = f"set 'encoding' in {problems.where(sidecar_path)} (windows-1252, for example)"
    if encoding.lower().replace("-", "").replace("_", "") in ("", "utf8"):
        scratch = Problems(problems.root)
        text = decode_text(data, path, scratch)
        for problem in scratch.items:
            hint = problem.hint.replace("save it as UTF-8", settle).replace("save the file as UTF-8", settle)
            problems.add(path, problem.line, problem.message, hint, problem.column)
        return text
    try:
        return data.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")
    except (LookupError, UnicodeDecodeError) as exc:
        problems.add(path, 0, f"cannot decode the file as '{encoding}': {exc}", settle)
        return None


def load_article(path: Path, sidecar_path: Path, root: Path, problems: Problems,
                 settings: dict | None = None, rights: tuple[str, int] = ("full", EXCERPT_WORDS),
                 data: bytes | None = None) -> Article | None:
    """Read one seed file (``data``: its bytes, when already read) and its sidecar into
    an Article; problems are reported.

    ``settings`` are the readers' settings (:func:`site_builder.readers.load_settings`);
    ``rights`` the site's default (``full`` or ``excerpt``) and the excerpt's word limit.
    """
    settings = settings or {name: dict(reader.SETTINGS) for name, reader in READERS.items()}
    sidecar = read_sidecar(sidecar_path, problems)
    data = read_bytes(path, problems) if data is None else data
    if data is None or sidecar is None:
        return None
    text = seed_text(data, path, sidecar, sidecar_path, problems)
    if text is None:
        return None
    if not text.strip():
        problems.add(path, 1, "seed file is empty")
        return None
    where = problems.where(sidecar_path)
    findings = Findings(path, problems, sidecar_path, sidecar.given, Accepted(sidecar.accept, where), set(FIELDS))
    scratch = Problems(problems.root)
    text = strip_invisible(text, path, scratch)
    for problem in scratch.items:  # removed from what we show either way
        findings.accepted.report(problems, "invisible-characters", path, problem.line, problem.message,
                                 f"{problem.hint}; if the text reads as it should, ", problem.column)
    shape, guessed = (sidecar.reader, False) if sidecar.reader else choose(text, path, settings)
    if shape is None:
        problems.add(path, 1, *unrecognised(settings, where))
        return None
    if guessed:
        problems.warn(path, 1, f"read as '{shape}' by a guess ({READERS[shape].looks_for(settings[shape])})",
                      f"if that is right, say so in {where}: 'reader: {shape}'")
    errors = len(problems.errors)
    parsed = READERS[shape].read(path, text, findings, {**settings[shape], "related": sidecar.related})
    if parsed is None and not sidecar.title:
        if len(problems.errors) == errors:  # its reason was settled by naming the reader: never drop silently
            findings.add("title", 1, f"the '{shape}' reader finds no article in the file")
        return None
    return _article(path, parsed or Parsed(), sidecar, shape, findings, rights)


def _article(path: Path, parsed: Parsed, sidecar: Sidecar, shape: str, findings: Findings,
             rights: tuple[str, int]) -> Article | None:
    """The article: what the file says, overridden by what the sidecar says."""
    problems = findings.problems
    title = sidecar.title or _checked_title(parsed, findings)
    if not title:
        return None
    slug = sidecar.slug or slugify(title)
    if not slug:
        problems.add(path, parsed.title_line, "the title gives no usable slug", "set 'slug' in the seed's sidecar")
        return None
    full = list(parsed.body)
    if not full:
        findings.accepted.report(problems, "empty-body", path, parsed.title_line,
                                 "the article has no text after its header", "if the file is complete, ")
    mode = sidecar.rights or rights[0]
    body = excerpt(full, rights[1]) if mode == "excerpt" else full
    words = count_words(body)
    return Article(
        source=problems.where(path), slug=slug, url=f"/articles/{slug}/", output=f"articles/{slug}/index.html",
        title=title, dek=sidecar.summary or parsed.dek, authors=list(sidecar.authors or parsed.authors),
        author_titles=[] if sidecar.authors else list(parsed.author_titles),
        outlet=sidecar.outlet or parsed.outlet, published=sidecar.date or parsed.published,
        original_published=sidecar.original_published or parsed.original_published,
        source_url=sidecar.url or parsed.source_url, category=sidecar.category or parsed.category,
        images=list(parsed.images), body=body, credit_line=parsed.credit_line,
        related=list(parsed.related), related_urls=dict(sidecar.related_urls),
        tags=sorted(set(parsed.tags) | set(sidecar.tags)), shape=shape,
        summary=sidecar.summary or parsed.dek or _first_paragraph(full) or title,
        updated=sidecar.updated or parsed.updated, extra=parsed.extra,
        rights=mode, excerpted=len(body) < len(full), summaries=dict(sidecar.summaries),
        accepted=dataclasses.replace(findings.accepted, original=sidecar.url or parsed.source_url),
        word_count=words, reading_minutes=max(1, math.ceil(words / WORDS_PER_MINUTE)))


def _checked_title(parsed: Parsed, findings: Findings) -> str:
    """The file's title, its doubts reported as ones the sidecar's 'title' settles."""
    if not parsed.title:
        if "title" not in findings.reported:  # the reader may have said why already
            findings.add("title", parsed.title_line, "no title found in the file")
        return ""
    scratch = Problems(findings.problems.root)
    title = check_text(parsed.title, "title", findings.path, scratch, parsed.title_line, MAX_TITLE)
    for problem in scratch.items:
        findings.add("title", problem.line, problem.message, problem.hint, problem.warning)
    return title


def seed_options(config: Config, path: Path, problems: Problems) -> tuple[dict, tuple[str, int]]:
    """The readers' settings and the default rights (mode, excerpt word limit) from the
    site configuration at ``path``; mistakes are reported against it."""
    options = config.seeds
    for key in sorted(set(options) - {"rights", "excerpt_words"}):
        problems.add(path, table_line(path, "seeds", key), f"unknown key '{key}' in [seeds]", "known: excerpt_words, rights")
    mode, words = options.get("rights", "full"), options.get("excerpt_words", EXCERPT_WORDS)
    if mode not in RIGHTS:
        problems.add(path, table_line(path, "seeds", "rights"), f"[seeds] rights must be one of {', '.join(RIGHTS)}, not '{mode}'")
        mode = "full"
    if not isinstance(words, int) or isinstance(words, bool) or words < 1:
        problems.add(path, table_line(path, "seeds", "excerpt_words"), "[seeds] excerpt_words must be a whole number above 0")
        words = EXCERPT_WORDS
    return load_settings(config.readers, path, problems), (mode, words)


def _reader(path: Path, sidecar: Path, root: Path, settings: dict | None, rights: tuple[str, int]):
    """What reads the seed at ``path`` from its bytes, for :class:`SourceMemo`."""
    return lambda data, problems: load_article(path, sidecar, root, problems, settings, rights, data)


def load_articles(seeds_dir: Path, sidecar_dir: Path, root: Path, problems: Problems,
                  settings: dict | None = None, rights: tuple[str, int] = ("full", EXCERPT_WORDS),
                  cache_dir: Path | None = None) -> list[Article]:
    """Every seed in ``seeds_dir`` (sorted), newest first by original publication date.
    ``settings`` and ``rights`` as for :func:`load_article`. With ``cache_dir``, a seed
    whose file and sidecar did not change is not read again (see
    :class:`~site_builder.memo.SourceMemo`)."""
    scope = repr((engine_digest(), yaml.__version__, str(problems.root), str(seeds_dir), str(sidecar_dir),
                  settings, rights))
    memo = SourceMemo(cache_dir / "seeds.jsonl" if cache_dir else None, scope,
                      lambda article: base64.b64encode(pickle.dumps(article, 5)).decode(),
                      lambda text: pickle.loads(base64.b64decode(text)))
    requests = []
    for path in list_files(seeds_dir, problems, recursive=False):
        sidecar = sidecar_dir / f"{path.stem}.yaml"
        requests.append((path, _reader(path, sidecar, root, settings, rights), sidecar))
    memo.read_ahead(requests, problems)
    articles = []
    for path, reader, sidecar in requests:
        article = memo.load(path, problems, reader, companion=sidecar)
        if article:
            articles.append(article)
    memo.save()
    stems = {p.stem for p in list_files(seeds_dir, Problems(problems.root), recursive=False)}
    for sidecar in list_files(sidecar_dir, problems, (".yaml",), recursive=False):
        if sidecar.stem not in stems:
            problems.warn(sidecar, 0, f"no seed file '{sidecar.stem}.*' in {problems.where(seeds_dir)}/; ignored",
                          "name the metadata file after its seed file")
    return articles
