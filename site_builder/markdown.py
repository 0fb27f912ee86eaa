"""The Markdown stage: markdown-it-py with raw HTML off, heading anchors, footnotes,
tables, and three small extensions:

* a fenced block ```` ```chart <id> ```` places a chart (rendered later, by id);
* ``{fig:key}`` prints a figure computed from the data, linked to its source;
* ``{<term>:text|gloss}`` marks a term in another language, e.g. ``{zh:走线|zǒuxiàn}``,
  with the languages configured in ``site.toml`` (``[terms]``).

Plain-text article blocks from seed readers are escaped, never parsed as Markdown.
"""

from __future__ import annotations

import functools
import html
import os
import pickle
import re
import select
import signal
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from markupsafe import Markup, escape

from .errors import Problems, did_you_mean
from .figures import NUMBER_KINDS, SPAN, exempted, keys_of, lookup, unknown_figure
from .model import Accepted, Block, Figure
from .seeds import count_text_words

CHART_MARKER = "\x00chart:{}\x00"  # NUL never survives from content: markdown-it replaces it
MAX_NESTING = 50
LARGE_BODY = 100_000      # bytes of Markdown past which rendering runs under a deadline
RENDER_SECONDS = 20       # ~1,000× what a long real page takes; leaves the one-minute bound room on a busy machine
# Link targets as typed, found in text that markdown-it refused to turn into a link:
# inline links, autolinks and reference definitions.
_TYPED_TARGET = re.compile(r"\]\(\s*<?([^\s<>]+)|<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>|\]:\s*<?(\S+)")
_RAW_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--")
_NUMBER_SPAN = re.compile(r"\{(?:fig|claims):[^{}\n]{1,300}\}")  # a figure counts as one word


def is_local(url: str) -> bool:
    """Whether ``url`` is served by this site (a root-relative path or image data),
    as opposed to another site that would see our readers' visits."""
    return (url.startswith("/") and not url.startswith("//")) or url.lower().startswith("data:image/")


@dataclass
class References:
    """What a page may refer to: chart ids, figures, term languages, and the glossary's
    terms (name → address of its definition), linked at their first mention."""

    charts: set[str]
    figures: dict[str, Figure]
    terms: dict[str, tuple[str, str]]
    glossary: dict[str, str] = field(default_factory=dict)

    @functools.cached_property
    def glossary_finder(self) -> "_TermFinder":
        """The glossary's terms compiled once for every page these references serve."""
        return _TermFinder(self.glossary)


_GLOSSARY_TERM = re.compile(r"^### +([^\n#*_`\[\]<>]+?) *$", re.M)
_TERM_SPAN = re.compile(r"\{[a-z][a-z-]{0,15}:([^{}|\n]+)(?:\|([^{}\n]*))?\}")


def glossary_terms(body: str, url: str) -> dict[str, str]:
    """The terms a glossary page defines: each plain ``###`` heading, and the two halves
    of one like ``CBP (US Customs and Border Protection)``, → ``url#anchor``. Headings
    with markup are left out: their text is not what readers' pages spell."""
    terms: dict[str, str] = {}
    for match in _GLOSSARY_TERM.finditer(body):
        if re.search(r"[{}]", _TERM_SPAN.sub("", match.group(1))):
            continue  # a figure or other markup: not a plain name
        # a marked term is spelled as its text; its anchor comes from its gloss (see _slug_text)
        heading = _TERM_SPAN.sub(lambda m: m.group(1).strip(), match.group(1)).strip()
        anchor = heading_slug(_TERM_SPAN.sub(lambda m: unaccented((m.group(2) or "").strip()) or m.group(1), match.group(1)))
        parts = re.fullmatch(r"(.+?)\s*\((.+)\)", heading)
        for name in (parts.groups() if parts else (heading,)):
            if len(name.strip()) >= 3:
                terms.setdefault(name.strip(), f"{url}#{anchor}")
    return terms


def _glossary_links(state) -> None:
    """Link the first mention of each glossary term in a page's text to its definition
    (not in headings, links or code; never in a quoted article or on the glossary itself)."""
    refs: References | None = state.env.get("refs")
    if not refs or not refs.glossary or state.env.get("quoted"):
        return
    finder = refs.glossary_finder
    linked: set[str] = state.env.setdefault("glossary_linked", set())  # definitions linked so far
    in_heading = False
    for token in state.tokens:
        if len(linked) == finder.definitions:
            return  # every definition has its link on this page
        if token.type in ("heading_open", "heading_close"):
            in_heading = token.type == "heading_open"
        elif token.type == "inline" and not in_heading and token.children:
            token.children = _link_terms(token.children, finder, linked)


def _link_terms(children: list, finder: "_TermFinder", linked: set[str]) -> list:
    from markdown_it.token import Token

    result, depth = [], 0
    for child in children:
        depth += child.type == "link_open"
        depth -= child.type == "link_close"
        if child.type != "text" or depth:
            result.append(child)
            continue
        text = child.content
        while True:
            found = finder.first(text, linked)
            if found is None:
                break
            href, start, end = found
            linked.add(href)  # one link per definition, whichever of its names came first
            link = Token("link_open", "a", 1)
            link.attrSet("href", href)
            link.attrSet("class", "term")
            result += [Token("text", "", 0, content=text[:start]), link,
                       Token("text", "", 0, content=text[start:end]), Token("link_close", "a", -1)]
            text = text[end:]
        result.append(Token("text", "", 0, content=text))
    return result


class _TermFinder:
    """Finds the first mention of a glossary term: whole words, any case unless the term
    is an acronym, a plural 's' allowed. One pattern of every term finds where a mention
    may start (a page's text is read once, not once per term); the terms' own patterns,
    in glossary order, decide there which term it is."""

    def __init__(self, glossary: dict[str, str]):
        patterns = [_term_pattern(name) for name in glossary]
        self.terms = [(href, re.compile(rf"(?<!\w){pattern}(?!\w)")) for href, pattern in zip(glossary.values(), patterns)]
        self.anywhere = re.compile(rf"(?<!\w)(?:{'|'.join(patterns)})(?!\w)") if patterns else None
        self.definitions = len(set(glossary.values()))

    def first(self, text: str, linked: set[str]) -> tuple[str, int, int] | None:
        """(address, start, end) of the earliest mention in ``text`` of a term whose
        definition is not in ``linked``; at one place, the first such term in glossary order."""
        position = 0
        while self.anywhere is not None and (match := self.anywhere.search(text, position)):
            start = match.start()
            for href, pattern in self.terms:
                if href not in linked and (mention := pattern.match(text, start)):
                    return href, start, mention.end()
            position = start + 1  # only terms already linked are mentioned here
        return None


def _term_pattern(name: str) -> str:
    spelled = rf"{re.escape(name)}s?"
    return spelled if name.isupper() else f"(?i:{spelled})"


@dataclass
class Rendered:
    html: str
    toc: list[tuple[int, str, str]] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    words: int = 0


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def romanised(text: str) -> str:
    """``text`` with each run of Chinese characters as one pinyin word without tones
    (``走线`` → ``zouxian``), so that an anchor reads in any browser bar and link."""
    if not _CJK.search(text):
        return text
    from pypinyin import Style, lazy_pinyin  # loaded only for a heading in Chinese

    return _CJK.sub(lambda m: f" {''.join(lazy_pinyin(m.group(), style=Style.NORMAL))} ", text).strip()


def unaccented(text: str) -> str:
    """``zǒuxiàn`` → ``zouxian``: a pinyin gloss as an anchor."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def heading_slug(text: str) -> str:
    """Anchor ids for headings: lowercase, Unicode letters kept, Chinese as pinyin, spaces to '-'."""
    text = unicodedata.normalize("NFKC", romanised(text)).lower()
    return re.sub(r"[^\w\u4e00-\u9fff]+", "-", text).strip("-") or "section"


def _normalize(state) -> None:
    """markdown-it's first rule (CR and CRLF line breaks to LF, NUL to U+FFFD) with str
    methods: its pattern matched, and replaced, every line break of every page."""
    if "\r" in state.src:
        state.src = state.src.replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in state.src:
        state.src = state.src.replace("\0", "\ufffd")


def _span_rule(state, silent: bool) -> bool:
    if state.src[state.pos] != "{":
        return False
    match = SPAN.match(state.src, state.pos)
    if not match or match.group(1) not in state.md.options["span_kinds"]:
        return False
    if not silent:
        token = state.push("brace_span", "", 0)
        token.meta = {"kind": match.group(1), "value": match.group(2)}
        token.content = match.group(0)
    state.pos = match.end()
    return True


def _term_heading_ids(state) -> None:
    """Give a heading that holds a marked term (``## {zh:走线|zǒuxiàn}``) an anchor made
    from its gloss (``zouxian``), or from the term itself in pinyin: the anchors plugin
    sees only plain text, and named such a heading "section"."""
    used = {str(t.attrGet("id")) for t in state.tokens if t.type == "heading_open" and t.attrGet("id")}
    for i, token in enumerate(state.tokens):
        if token.type != "heading_open" or token.tag not in ("h2", "h3") or token.attrGet("id"):
            continue
        children = state.tokens[i + 1].children or []
        if not any(c.type == "brace_span" and c.meta["kind"] != "fig" for c in children):
            continue
        title = "".join(_slug_text(c) for c in children)
        slug, n = heading_slug(title), 1
        while (slug if n == 1 else f"{slug}-{n - 1}") in used:
            n += 1
        slug = slug if n == 1 else f"{slug}-{n - 1}"
        used.add(slug)
        token.attrSet("id", slug)


def _slug_text(child) -> str:
    if child.type in ("text", "code_inline"):
        return child.content
    if child.type == "brace_span" and child.meta["kind"] != "fig":
        term, _, gloss = child.meta["value"].partition("|")
        return unaccented(gloss.strip()) or term
    return ""


# Options markdown-it's rules look up with a default, set to that default: looking up
# one that is missing raises and catches a KeyError (strikethrough's, once per
# paragraph, was a tenth of the parse).
_UNUSED_OPTIONS = {"strikethrough_single_tilde": False, "tasklists": False, "tasklists_editable": False,
                   "alerts": False, "store_labels": False, "inline_definitions": False}


class Markdown:
    """One parser per build, configured once and handed to every page."""

    def __init__(self, terms: dict[str, tuple[str, str]]):
        # imported here, not with the module: a build with no page to render never
        # loads markdown-it (a tenth of a warm build's start-up)
        from markdown_it import MarkdownIt
        from markdown_it.common.utils import escapeHtml
        from mdit_py_plugins.anchors import anchors_plugin
        from mdit_py_plugins.footnote import footnote_plugin

        self._escape_html = escapeHtml
        md = MarkdownIt("commonmark", {"html": False, "typographer": False, "maxNesting": MAX_NESTING,
                                       "span_kinds": {*terms, *NUMBER_KINDS}, **_UNUSED_OPTIONS})
        md.enable(["table", "strikethrough"])
        md.use(footnote_plugin)
        md.use(anchors_plugin, min_level=2, max_level=3, slug_func=heading_slug,
               permalink=True, permalinkSymbol="#", permalinkBefore=False)
        md.core.ruler.at("normalize", _normalize)
        md.core.ruler.before("anchor", "term_heading_ids", _term_heading_ids)
        md.core.ruler.after("inline", "glossary_links", _glossary_links)
        md.inline.ruler.before("emphasis", "brace_span", _span_rule)
        md.add_render_rule("brace_span", lambda renderer, tokens, idx, options, env: self._render_span(tokens, idx, env))
        default_fence = md.renderer.rules["fence"]

        def fence(renderer, tokens, idx, options, env):
            info = tokens[idx].info.strip().split()
            if info[:1] == ["chart"] and len(info) == 2 and not env.get("quoted"):
                return CHART_MARKER.format(info[1])
            return default_fence(tokens, idx, options, env)

        md.add_render_rule("fence", fence)
        default_image = md.renderer.rules["image"]

        def image(renderer, tokens, idx, options, env):
            if _own_image(tokens[idx].attrGet("src") or "", env.get("quoted")):
                return default_image(tokens, idx, options, env)
            # a remote image would tell another site who reads us: keep its description only
            alt = renderer.renderInlineAsText(tokens[idx].children or [], options, env)
            return f'<span class="image-alt">{escape(alt)}</span>' if alt else ""

        md.add_render_rule("image", image)
        # the same address is normalised once per build, not once per link to it (a
        # URL parse and percent-encoding; a third of markdown-it's link rule)
        md.normalizeLink = functools.lru_cache(maxsize=4096)(md.normalizeLink)
        self.md = md
        self.terms = terms

    def _render_span(self, tokens, idx, env) -> str:
        kind, value = tokens[idx].meta["kind"], tokens[idx].meta["value"]
        refs: References = env["refs"]
        if env.get("quoted") and kind in NUMBER_KINDS:  # another outlet's text never prints our figures
            return self._escape_html(tokens[idx].content)
        if kind == "n":
            return str(escape(exempted(value)[0]))
        if kind in NUMBER_KINDS:
            figure = _figure(kind, value, refs)
            if figure is None:
                return self._escape_html(tokens[idx].content)
            if not figure.source_url:
                return f'<span class="fig" title="{escape(figure.label)}">{escape(figure.text)}</span>'
            return (f'<a class="fig" href="{escape(figure.source_url)}" title="{escape(figure.label)}">'
                    f"{escape(figure.text)}</a>")
        lang, gloss_lang = self.terms[kind]
        text, _, gloss = value.partition("|")
        html = f'<span lang="{escape(lang)}">{escape(text.strip())}</span>'
        if gloss.strip():
            html += f' (<i lang="{escape(gloss_lang)}">{escape(gloss.strip())}</i>)'
        return html

    def render(self, text: str, path: Path, first_line: int, refs: References, problems: Problems,
               quoted: Accepted | None = None) -> Rendered:
        """Render Markdown ``text`` (which starts at ``first_line`` of ``path``).

        Unknown chart ids and figure keys, content nested too deeply to publish,
        links with a dangerous scheme and remote images are reported to ``problems``
        with their line; raw HTML (shown as text) is a warning. ``quoted`` text (a
        seed article, which we may not edit) gets warnings where pages get errors, each
        naming the kind its sidecar may accept, and none of this site's own extensions
        (chart blocks, figures) apply to it.
        """
        if len(text) > LARGE_BODY:
            return self._render_bounded(text, path, first_line, refs, problems, quoted)
        return self._render(text, path, first_line, refs, problems, quoted)

    def _render_bounded(self, text, path, first_line, refs, problems, quoted) -> Rendered:
        """Render a large body in a forked child with a deadline: markdown-it-py is
        quadratic on some inputs (thousands of unclosed brackets), and one bad file must
        not hold the build for more than a minute."""
        read_end, write_end = os.pipe()
        child = os.fork()
        if child == 0:  # the child: render, send the result, leave without cleanup
            os.close(read_end)
            try:
                found = problems.child()
                rendered = self._render(text, path, first_line, refs, found, quoted)
                payload = pickle.dumps((rendered, found.items))
            except BaseException as exc:  # a bug: let the parent show it
                payload = pickle.dumps(exc) if _picklable(exc) else pickle.dumps(RuntimeError(repr(exc)))
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
            os._exit(0)
        os.close(write_end)
        chunks, deadline = [], time.monotonic() + RENDER_SECONDS
        with os.fdopen(read_end, "rb") as pipe:
            while True:
                ready, _, _ = select.select([pipe], [], [], max(0.0, deadline - time.monotonic()))
                if not ready:
                    os.kill(child, signal.SIGKILL)
                    os.waitpid(child, 0)
                    _report(problems, quoted, "slow-markdown", path, first_line, f"this body takes markdown-it more "
                            f"than {RENDER_SECONDS} s to render, so it is not published",
                            "split the page, or look for thousands of unclosed brackets or a huge table")
                    return Rendered(html="")
                chunk = os.read(pipe.fileno(), 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        os.waitpid(child, 0)
        outcome = pickle.loads(b"".join(chunks))
        if isinstance(outcome, BaseException):
            raise outcome
        rendered, found = outcome
        problems.items.extend(found)
        return rendered

    def _render(self, text, path, first_line, refs, problems, quoted) -> Rendered:
        env = {"refs": refs, "quoted": quoted}
        tokens = self.md.parse(text, env)
        result = Rendered(html="")
        self._check(tokens, path, first_line, refs, problems, result, quoted)
        self._check_safety(tokens, path, first_line, problems, result, quoted)
        result.html = self.md.renderer.render(tokens, self.md.options, env)
        result.words = count_text_words(_NUMBER_SPAN.sub("1", text))
        return result

    def _check(self, tokens, path, first_line, refs, problems, result, quoted) -> None:
        line, nested_too_deep = first_line, False
        for i, token in enumerate(tokens):
            if token.map:
                line = first_line + token.map[0]
            if token.type == "fence" and token.info.strip().split()[:1] == ["chart"] and not quoted:
                parts = token.info.split()
                if len(parts) != 2:
                    problems.add(path, line, "a chart block needs exactly one id: ```chart <id>")
                elif parts[1] not in refs.charts and not problems.blocked([f"chart:{parts[1]}"], f"page:{problems.where(path)}"):
                    problems.add(path, line, f"unknown chart '{parts[1]}'", did_you_mean(parts[1], refs.charts))
                else:
                    result.charts.append(parts[1])
            if token.type == "heading_open" and token.tag in ("h2", "h3"):
                title = self._plain_text(tokens[i + 1].children or [], refs)
                result.toc.append((int(token.tag[1]), token.attrGet("id") or "", title))
            if token.nesting == 1 and token.level >= MAX_NESTING - 1 and not nested_too_deep:
                # markdown-it drops every block below this depth: say so rather than lose it
                nested_too_deep = True
                _report(problems, quoted, "deep-nesting", path, line,
                        f"content nested more than {MAX_NESTING} levels deep is not published", "flatten the lists or quotes")
            for child in token.children or []:
                if child.type == "softbreak":
                    line += 1
                if child.type == "brace_span" and child.meta["kind"] in NUMBER_KINDS and not quoted:
                    self._check_number(child.meta["kind"], child.meta["value"], path, line, refs, problems, result)

    @staticmethod
    def _check_number(kind, value, path, line, refs, problems, result) -> None:
        if kind == "n":
            if not exempted(value)[1]:
                problems.add(path, line, f"'{{n:{value}}}' exempts a number without a reason",
                             "write why it is typed: {n:75 miles|quoted from DW}")
            return
        try:
            lookup(kind, value, refs.figures)
        except KeyError as exc:
            unknown_figure(str(exc.args[0]), refs.figures, path, line, problems)
            return
        except ValueError as exc:
            problems.add(path, line, f"figure {exc}")
            return
        result.figures.extend(keys_of(kind, value))

    def _check_safety(self, tokens, path, first_line, problems, result, quoted) -> None:
        """Report what cannot be published as written: links markdown-it refused for
        their scheme, remote images, raw HTML. A quoted seed's relative links (see
        :func:`_outlet_link`) are pointed at the original, or shown as text."""
        for token in tokens:
            if token.type != "inline" or not token.map:
                continue
            line = first_line + token.map[0]
            text, unlinked = "", False
            for child in token.children or []:
                if child.type == "softbreak":
                    line += 1
                    text += "\n"
                elif child.type == "text":
                    text += child.content
                    continue
                elif child.type == "link_close" and unlinked:
                    child.type, child.content, unlinked = "text", "", False
                elif child.type == "link_open" and quoted:
                    unlinked = _outlet_link(child, quoted, problems, path, line)
                if child.type in ("link_open", "image"):
                    url = child.attrGet("href") or child.attrGet("src") or ""
                    if child.type == "image" and not _own_image(url, quoted):
                        _report(problems, quoted, "remote-images", path, line,
                                f"remote image '{url[:80]}' is not published; only its description is shown",
                                "copy the image into static/ and use its /static/… address")
                text += "\x00"  # a boundary: markup split by code or links is not raw HTML
            if "<" in text or "]" in text:  # what every typed link and raw tag holds
                self._check_typed_text(text, path, line - text.count("\n"), problems, quoted)

    def _check_typed_text(self, text: str, path: Path, line: int, problems: Problems, quoted) -> None:
        for match in _TYPED_TARGET.finditer(text):
            url = next(g for g in match.groups() if g is not None)
            if url.endswith(")") and url.count(")") > url.count("("):
                url = url[:-1]  # the parenthesis that closes the Markdown link
            plain = html.unescape(url)
            if not self.md.validateLink(self.md.normalizeLink(plain)):
                _report(problems, quoted, "refused-links", path, line + text.count("\n", 0, match.start()),
                        f"link to '{plain[:60]}' refused: links may not run code or open local files",
                        "link to an http(s) address or a page of this site")
        raw = _RAW_TAG.search(text)
        if raw:
            _report(problems, quoted, "raw-html", path, line + text.count("\n", 0, raw.start()),
                    f"raw HTML '{raw.group()[:40]}' is shown as text, not run", "write it in Markdown instead", warning=True)

    def _plain_text(self, children, refs: References) -> Markup:
        """A heading's text as readers see it (for the table of contents), as HTML:
        terms keep their ``lang`` so the contents entry is announced in the right language."""
        parts = []
        for child in children:
            if child.type == "brace_span":
                kind, value = child.meta["kind"], child.meta["value"]
                figure = _figure(kind, value, refs) if kind in NUMBER_KINDS else None
                term = value.partition("|")[0].strip()
                if figure:
                    parts.append(escape(figure.text))
                elif kind in refs.terms:
                    parts.append(Markup('<span lang="{}">{}</span>').format(refs.terms[kind][0], term))
                    gloss = value.partition("|")[2].strip()
                    if gloss:  # the contents list reads like the heading: term, then its gloss
                        parts.append(Markup(' (<i lang="{}">{}</i>)').format(refs.terms[kind][1], gloss))
                else:
                    parts.append(escape(term))
            elif child.type in ("text", "code_inline"):
                parts.append(escape(child.content))
        return Markup("".join(parts).strip())

    def render_blocks(self, blocks: list[Block], path: Path, refs: References, problems: Problems,
                      accepted: Accepted) -> str:
        """Render an article body: Markdown blocks are parsed, plain-text blocks escaped;
        ``accepted`` is what the seed's sidecar accepts (see :class:`~.model.Accepted`)."""
        return self.render_article(blocks, path, refs, problems, accepted).html

    def render_article(self, blocks: list[Block], path: Path, refs: References, problems: Problems,
                       accepted: Accepted) -> Rendered:
        """:meth:`render_blocks`, with the figures and charts its Markdown blocks used."""
        result = Rendered(html="")
        result.html = "\n".join(self._block_html(block, path, refs, problems, result, accepted) for block in blocks)
        return result

    def _block_html(self, block: Block, path: Path, refs: References, problems: Problems, result: Rendered,
                    accepted: Accepted) -> str:
        if block.kind == "markdown":
            rendered = self.render(block.text, path, block.line, refs, problems, quoted=accepted)
            result.figures += rendered.figures
            result.charts += rendered.charts
            return rendered.html
        if block.kind == "heading":
            return f'<h2 id="{escape(heading_slug(block.text))}">{escape(block.text)}</h2>'
        if block.kind == "elision":
            return '<p class="elision"><span aria-hidden="true">[…]</span><span class="visually-hidden">Text left out by the reposting site.</span></p>'
        if block.kind == "list":
            items = "".join(f"<li>{self._inline_block(item)}</li>" for item in block.items)
            return f"<ul>{items}</ul>"
        if block.kind == "figure" and block.image:
            return figure_html(block.image)
        return f"<p>{self._inline_block(block)}</p>"

    @staticmethod
    def _inline_block(block: Block) -> str:
        if block.kind == "elision":
            # aria-label is not allowed on a plain span (Nu Html Checker): say it in hidden text
            return ('<span class="elision"><span aria-hidden="true">[…]</span>'
                    '<span class="visually-hidden">Text left out by the reposting site</span></span>')
        lead = f"<strong>{escape(block.lead)}:</strong> " if block.lead else ""
        return lead + str(escape(block.text))


def _report(problems: Problems, quoted: Accepted | None, kind: str, path: Path, line: int, message: str,
            hint: str, warning: bool = False) -> None:
    """A page's mistake (an error unless ``warning``), or a finding in a quoted seed,
    which its sidecar may accept as ``kind``."""
    if quoted:
        quoted.report(problems, kind, path, line, message)
    else:
        (problems.warn if warning else problems.add)(path, line, message, hint)


def _own_image(url: str, quoted: Accepted | None) -> bool:
    """Whether an image is published from this site: a root-relative address on our
    pages, but in a quoted seed only image data (its '/img/…' is on the outlet's server)."""
    return is_local(url) and (not quoted or url.lower().startswith("data:image/"))


_SCHEME = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//)")


def _outlet_link(token, quoted: Accepted, problems: Problems, path: Path, line: int) -> bool:
    """A quoted seed's relative link ('/world/story', '#notes') is an address on the
    outlet's site, not ours: it points at the original's site when the article's address
    is known, else it is shown as plain text (a finding the sidecar may accept). True
    when the link became text (its closing token must too)."""
    href = token.attrGet("href") or ""
    if _SCHEME.match(href):
        return False
    if quoted.original:
        token.attrSet("href", urljoin(quoted.original, href))
        return False
    token.type, token.content = "text", ""
    quoted.report(problems, "relative-links", path, line, f"link to '{href[:60]}' is an address on the original's "
                  "site, unknown here; shown as plain text", "if the original's address is unknown, ")
    return True


def _figure(kind: str, value: str, refs: References) -> Figure | None:
    """The figure a span prints, or None when it is unknown (reported by the check)."""
    try:
        return lookup(kind, value, refs.figures)
    except (KeyError, ValueError):
        return None


def _picklable(value) -> bool:
    try:
        pickle.dumps(value)
        return True
    except Exception:
        return False


def figure_html(image) -> str:
    """A photo we do not republish: its description, caption and credit, never a remote <img>."""
    alt = f'<p class="photo-alt"><span class="visually-hidden">Photo: </span>{escape(image.alt)}</p>' if image.alt else ""
    credit = f' <span class="credit">Image: {escape(image.credit)}</span>' if image.credit else ""
    caption = f"<figcaption>{escape(image.caption)}{credit}</figcaption>" if image.caption or credit else ""
    return f'<figure class="photo">{alt}{caption}</figure>'


