"""Minify HTML pages and stylesheets just before they are written.

HTML is minified by whitespace only: runs of whitespace collapse to one space, and
the space around block-level tags goes. Tags, attributes and their quoting stay
exactly as the templates wrote them, so the output is still easy to read, grep and
diff; after gzip this is within a few percent of a full minifier. ``<pre>``,
``<textarea>``, ``<script>`` and ``<style>`` are kept byte for byte. CSS goes through
minify-html's CSS minifier (lightningcss). Standalone SVG files are never touched.
"""

from __future__ import annotations

import re

import minify_html

_VERBATIM = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2\s*>)", re.S | re.I)
_BLOCK_TAGS = ("html head body meta link title header footer main nav section article aside div p h1 h2 h3 h4 h5 h6"
               " ul ol li dl dt dd table thead tbody tfoot tr th td caption figure figcaption blockquote details"
               " summary form hr br svg g defs !doctype").split()


def _by_first_letter(names: list[str]) -> str:
    """``names`` as one alternation grouped by first letter (``d(?:iv|l|t|…)|…``): the
    pattern runs at every '<' of every page, where 45 plain alternatives were tried one
    by one, case-insensitively (a fifth less minifying). At most one name matches at a
    '<', as each must end at a word boundary, so the grouping finds the same tags."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(name[0], []).append(re.escape(name[1:]))
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in groups.items())


_BLOCK_TAG = re.compile(rf"(</?(?:{_by_first_letter(_BLOCK_TAGS)})\b[^>]*>)", re.I)
_COMMENT = re.compile(r"<!--(?!\[).*?-->", re.S)


def minify_page(html: str) -> str:
    """Return ``html`` with insignificant whitespace and comments removed."""
    parts = _VERBATIM.split(html)
    out = []
    # split() yields: text, whole verbatim block, its tag name, text, ...
    for index in range(0, len(parts), 3):
        out.append(_minify_text(_COMMENT.sub("", parts[index])))
        if index + 1 < len(parts):
            out.append(parts[index + 1])
    return "".join(out).strip() + "\n"


def _minify_text(text: str) -> str:
    """Whitespace runs become one space, and none is left next to a block-level tag.

    Done with str.split and one search for tags rather than a regex that would try
    ``\\s*`` at every character: this runs over every byte of every page, and it was
    a fifth of the time a page took to render. (``str.split()`` and ``\\s`` agree on what
    whitespace is.)"""
    pieces = _BLOCK_TAG.split(text)
    last = len(pieces) - 1
    # split() yields: text, block tag, text, ..., text: the tags sit at the odd indices
    for index in range(1, len(pieces), 2):
        pieces[index] = " ".join(pieces[index].split())  # a tag never starts or ends with a space
    for index in range(0, len(pieces), 2):
        piece = pieces[index]
        words = piece.split()
        collapsed = " ".join(words)
        # the space at either end survives only where no block tag is next to it
        if index == 0 and piece[:1].isspace() and (words or last == 0):
            collapsed = " " + collapsed
        if index == last and piece[-1:].isspace() and words:
            collapsed += " "
        pieces[index] = collapsed
    return "".join(pieces)


def minify_stylesheet(css: str) -> str:
    """Return ``css`` minified (comments, whitespace, shorter colours and values)."""
    wrapped = minify_html.minify(f"<style>{css}</style>", minify_css=True)
    match = re.fullmatch(r"<style>(.*)</style>", wrapped, re.S)
    if match is None:  # the minifier changed its output shape: a bug, not a content mistake
        raise RuntimeError("minify-html returned an unexpected shape for a stylesheet")
    return match.group(1)
