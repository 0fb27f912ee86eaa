"""Figures: numbers computed from the data and cited by key wherever text is written.

``{fig:key}`` prints a figure from ``content/figures.yaml``; ``{fig:<form> a b}`` a number
derived from two of them (see :data:`numbers.FORMS`); ``{claims:summary}`` and friends the
verdict counts (see :mod:`.claims`); ``{n:text|reason}`` a number quoted or typed on
purpose, with the reason written down. Page prose is rendered by :mod:`.markdown`, which
asks :func:`lookup`; plain-text fields (chart text, claim notes, dataset caveats) go
through :func:`fill`.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from .errors import Problems, did_you_mean
from .model import Dataset, Figure, Site
from .numbers import FORMS, PERCENT, derive, format_number, format_points, format_share
from .queries import parse_query, run_query
from .sourcefile import Field, check_fields, parse_yaml, read_text

FIGURE_FIELDS = {"label": Field(str, required=True), "query": Field(dict, required=True),
                 "format": Field(str, default=""), "suffix": Field(str, default="")}
SPAN = re.compile(r"\{([a-z][a-z-]{0,15}):([^{}\n]{1,300})\}")
NUMBER_KINDS = ("fig", "claims", "n")  # the span kinds that print a number
BOUNDS = ("low", "high")  # {fig:low key}: the ends of the range a figure's rounding allows


def load_yaml_file(path: Path, problems: Problems, kind: type) -> Any:
    """A YAML file whose top level must be ``kind`` (dict or list); None if empty or broken."""
    text = read_text(path, problems)
    data = parse_yaml(text, path, problems) if text is not None and text.strip() else None
    if text is not None and text.strip() and data is not None and not isinstance(data, kind):
        problems.add(path, 1, f"must be a {'mapping' if kind is dict else 'list'} at the top level")
        return None
    return data


def load_figures(path: Path, datasets: dict[str, Dataset], problems: Problems) -> dict[str, Figure]:
    """Figures cited in prose: ``key: {label, query, format, suffix}`` computed now.
    A figure (or the whole file) that fails is recorded as failed: the pages that cite
    it are named with its problem rather than reported again."""
    figures = {}
    since = len(problems.items)
    data = load_yaml_file(path, problems, dict) if path.is_file() else None
    problems.failed("figures", since)  # the whole file: every page citing a figure depends on it
    for key, meta in (data or {}).items():
        since = len(problems.items)
        figure = _figure(key, meta, data.line(key, 1), path, datasets, problems)
        if figure is None:
            problems.failed(f"figure:{key}", since)
        else:
            figures[key] = figure
    return figures


def _figure(key: str, meta: Any, line: int, path: Path, datasets: dict[str, Dataset], problems: Problems) -> Figure | None:
    if not re.match(r"^[a-z0-9][a-z0-9._-]*$", key):
        problems.add(path, line, f"figure key '{key}' may only hold a-z, 0-9, '.', '_' and '-'")
        return None
    if not isinstance(meta, dict):
        problems.add(path, line, f"figure '{key}' must be a mapping with label and query")
        return None
    values = check_fields(meta, FIGURE_FIELDS, path, problems, line, f"figure '{key}'")
    query = parse_query(meta.get("query"), path, meta.line("query", line), datasets, problems,
                        f"figure:{key}") if values else None
    if query is None:
        return None
    try:
        measured = run_query(query, datasets)
        text = _figure_text(measured.value, measured.unit, values["format"]) + values["suffix"]
    except (ValueError, IndexError, KeyError) as exc:
        problems.add(path, line, f"figure '{key}': {exc}")
        return None
    return Figure(key, problems.where(path), line, values["label"], query, values["format"],
                  values["suffix"], measured.value, text, datasets[query.dataset].url, measured)


def _figure_text(value: float, unit: str, fmt: str) -> str:
    if fmt:
        return format_number(value, fmt)
    return format_share(value) if unit == PERCENT else format_number(value)


def lookup(kind: str, value: str, figures: dict[str, Figure]) -> Figure:
    """The figure a ``{kind:value}`` span prints. Raises KeyError (unknown key) or
    ValueError (a derived form that cannot be computed), both reader-facing."""
    value = value.strip()
    if kind == "claims":
        return figures[f"claims:{value}"]
    words = value.split()
    if len(words) == 1:
        return figures[value]
    if len(words) == 2 and words[0] in BOUNDS:
        return _bound(words[0], figures[words[1]])
    if len(words) != 3 or words[0] not in FORMS:
        raise ValueError(f"'{value}': a derived figure is <form> <key> <key> (form one of {', '.join(FORMS)}) "
                         f"or low|high <key>")
    a, b = figures[words[1]], figures[words[2]]
    if a.value is None or b.value is None:
        raise ValueError(f"'{value}': only figures computed from data can be combined")
    number, text = derive(words[0], a.value, b.value)
    if words[0] == "difference" and PERCENT in (_unit(a), _unit(b)):
        text = format_points(abs(a.value - b.value))
    label = FORMS[words[0]][1].format(a=a.label, b=b.label)
    return Figure(value, a.source, a.line, label[:1].upper() + label[1:], a.query, "", "", number, text, a.source_url)


def keys_of(kind: str, value: str) -> list[str]:
    """The keys of ``figures`` a span reads (what a page that shows it depends on)."""
    words = value.split()
    if kind == "claims":
        return [f"claims:{value.strip()}"]
    return words[1:] if len(words) > 1 else words


def _bound(which: str, figure: Figure) -> Figure:
    """The low or high end of the range a figure's rounding allows."""
    bound = getattr(figure.measured, which, None) if figure.measured else None
    if bound is None:
        raise ValueError(f"'{which} {figure.key}': the figure has no {which} bound (an estimate, or not a query)")
    text = _figure_text(round(bound, 6), _unit(figure), figure.format) + figure.suffix
    label = f"{'Lowest' if which == 'low' else 'Highest'} value the rounding of the source allows: {figure.label}"
    return Figure(f"{which} {figure.key}", figure.source, figure.line, label, figure.query, figure.format,
                  figure.suffix, bound, text, figure.source_url)


def _unit(figure: Figure) -> str:
    return figure.measured.unit if figure.measured else ""


def exempted(value: str) -> tuple[str, str]:
    """``{n:text|reason}`` → (text, reason); the reason may not be empty."""
    text, _, reason = value.partition("|")
    return text.strip(), reason.strip()


def fill(text: str, figures: dict[str, Figure], path: Path | str, line: int, problems: Problems) -> str:
    """Plain text with every number span replaced by what it prints. Unknown keys and
    exemptions without a reason are reported at ``path:line``."""
    def one(match: re.Match) -> str:
        kind, value = match.group(1), match.group(2)
        if kind == "n":
            shown, reason = exempted(value)
            if not reason:
                problems.add(path, line, f"'{match.group(0)}' exempts a number without a reason",
                             "write why it is typed: {n:75 miles|quoted from DW}")
            return shown
        if kind not in ("fig", "claims"):
            return match.group(0)
        try:
            return lookup(kind, value, figures).text
        except KeyError as exc:
            unknown_figure(str(exc.args[0]), figures, path, line, problems)
        except ValueError as exc:
            problems.add(path, line, f"figure {exc}")
        return match.group(0)
    return SPAN.sub(one, text) if "{" in text else text


def unknown_figure(key: str, figures: dict[str, Figure], path: Path | str, line: int, problems: Problems) -> None:
    """Report a ``{fig:key}`` that names no figure, unless that figure (or the whole
    figures file) failed to load: then the text is named with that problem instead."""
    where = problems.where(path)
    if problems.blocked([f"figure:{key}", "figures"], f"{'page' if where.endswith('.md') else 'file'}:{where}"):
        return
    hint = did_you_mean(key, figures)
    problems.add(path, line, f"unknown figure key '{key}'",
                 hint if hint.startswith("did you mean") else "define it in content/figures.yaml")


def line_of(source_text: str, snippet: str, default: int) -> int:
    """The line of ``source_text`` where ``snippet`` (a text field as loaded) starts:
    YAML and Python keep no line for a list item or a string, but readers need one."""
    head = snippet.strip()[:40]
    at = source_text.find(head) if head else -1
    return source_text.count("\n", 0, at) + 1 if at >= 0 else default


def cite_figures(root: Path, site: Site, problems: Problems) -> None:
    """Fill number spans in the plain-text fields written in content: dataset definitions
    and caveats, claim notes, chart text and the site's description. Loaded datasets and
    claims may be kept between builds (see :mod:`.memo`), so they are replaced by filled
    copies, never filled in place."""
    texts: dict[str, str] = {}

    def filled(source: str, text: str, default: int) -> str:
        if "{" not in text:
            return text
        if source not in texts:
            path = root / source
            texts[source] = path.read_text("utf-8", errors="replace") if path.is_file() else ""
        return fill(text, site.figures, source, line_of(texts[source], text, default), problems)

    site.datasets = {name: dataclasses.replace(d, definition=filled(_provenance(d), d.definition, 1),
                                               caveats=[filled(_provenance(d), c, 1) for c in d.caveats])
                     for name, d in site.datasets.items()}
    site.claims = {slug: [dataclasses.replace(c, note=filled(c.source, c.note, c.line)) for c in items]
                   for slug, items in site.claims.items()}
    for spec in site.charts.values():
        spec.title, spec.takeaway, spec.description = (filled(spec.source, t, spec.line)
                                                       for t in (spec.title, spec.takeaway, spec.description))
        spec.notes = [filled(spec.source, note, spec.line) for note in spec.notes]
    site.config = dataclasses.replace(site.config, description=filled("content/site.toml", site.config.description, 1))


def _provenance(dataset: Dataset) -> str:
    return dataset.source[: -len(".csv")] + ".yaml"
