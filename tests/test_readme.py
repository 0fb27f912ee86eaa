"""The README renders on GitHub as written (CommonMark) and lists every command,
option, make target and make variable."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from markdown_it import MarkdownIt

from site_builder.cli import make_parser

REPO = Path(__file__).resolve().parent.parent
TEXT = (REPO / "README.md").read_text("utf-8")
LINES = TEXT.splitlines()
TOKENS = MarkdownIt("commonmark").enable("table").parse(TEXT)


def headings(level: str) -> list[str]:
    return [TOKENS[i + 1].content for i, t in enumerate(TOKENS) if t.type == "heading_open" and t.tag == level]


def test_every_code_fence_closes():
    for fence in (t for t in TOKENS if t.type == "fence"):
        start, end = fence.map
        closing = LINES[end - 1].strip() if end - 1 > start else ""
        marker = fence.markup[0]
        assert re.fullmatch(re.escape(marker) + "{%d,}" % len(fence.markup), closing), \
            f"README.md:{start + 1}: the {fence.markup} fence opened here never closes"
        # a line inside that opens a fence of the same kind means the fences got paired wrongly
        # (an inner ```chart closing an outer ```markdown): the outer one needs a longer marker
        inner = [line for line in fence.content.splitlines() if line.lstrip().startswith(fence.markup)]
        assert not inner, f"README.md:{start + 1}: {inner[0]!r} inside a {fence.markup} fence; use ~~~~ or ```` outside"


def test_every_level_two_heading_is_a_heading():
    rendered = headings("h2")
    typed = [line[3:].strip() for line in LINES if line.startswith("## ")]
    examples = [line[3:].strip() for t in TOKENS if t.type == "fence" and t.info.strip() in ("markdown", "md")
                for line in t.content.splitlines() if line.startswith("## ")]
    assert sorted(rendered + examples) == sorted(typed)
    assert len(rendered) == len(set(rendered)), "a section appears twice"
    assert {"Your first contribution", "Commands", "Benchmarks", "Tests"} <= set(rendered)


def test_every_command_and_option_is_listed():
    parser = make_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    options = [o for a in parser._actions for o in a.option_strings]
    for name, command in commands.items():
        assert f"site-builder {name}" in TEXT
        options += [o for a in command._actions for o in a.option_strings]
    for option in options:
        if option.startswith("--") and option != "--help":
            assert option in TEXT, f"README does not mention {option}"
    for kind in next(a for a in commands["new"]._actions if a.dest == "kind").choices:
        assert f"site-builder new {kind}" in TEXT


def test_every_make_target_and_variable_is_listed_once():
    makefile = (REPO / "Makefile").read_text("utf-8")
    targets = re.search(r"^\.PHONY:(.*)$", makefile, re.M).group(1).split()
    for target in targets:
        rows = [line for line in LINES if line.startswith(f"| `make {target}`")]
        assert len(rows) == 1, f"make {target}: {len(rows)} rows in the README's make table"
    for variable in re.findall(r"^([A-Z_]+) \?=", makefile, re.M) + re.findall(r"\$\(([A-Z_]+_FLAGS)\)", makefile):
        assert re.search(rf"`[^`]*\b{variable}=", TEXT), f"make variable {variable} is not in the README"


def test_adding_a_seed_article_covers_every_shape_and_sidecar_key():
    from site_builder.readers import READERS
    from site_builder.sidecar import ACCEPTABLE, FIELDS

    section = TEXT.split("## Adding a seed article", 1)[1].split("\n## ", 1)[0]
    for key in FIELDS:
        assert re.search(rf"^{key}:", section, re.M), f"sidecar key '{key}' is not in README's 'Adding a seed article'"
    for kind in ACCEPTABLE:
        assert f"| `{kind}` |" in section, f"'accept: {kind}' is not in README's 'Adding a seed article'"
    for name in READERS:
        assert f"| `{name}` |" in section, f"reader '{name}' is not in README's 'Adding a seed article'"
