"""Charts in other languages: the same chart definitions, data and figures, drawn with
another language's words.

``content/charts/<code>.yaml`` holds a language's text for the charts::

    charts:                       # by chart id: what the page prints around the chart
      darien-annual:
        title: 2020–2024 年穿越达连隘口的中国公民
        takeaway: …{fig:darien-china-2023}…
        description: …
        notes: [...]
    labels:                       # words drawn inside any chart, by their English text
      Chinese nationals: 中国公民

The chart function runs as it does for the default language; its Vega-Lite spec is
then relabelled (see :func:`relabel`): titles, annotations, data values and scale
domains whose text is a label are replaced, field names are kept (the encodings and
the data still agree), and quoted values inside expressions follow the data. A chart
without an entry is shown in the default language.

Text a chart function builds from its data ("5,950 (Dec 2023)") cannot be looked up
whole, so the function builds it with :func:`label`, :func:`month` and :func:`number`,
which read the language the chart is being drawn in (see :func:`drawn_in`)::

    label("{count} ({month})", count=number(peak), month=month("2023-12"))

and the language's ``labels`` translate the template, keeping its placeholders::

    "{count} ({month})": "{count}（{month}）"
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from .editions import FIGURE_KEY, drift
from .errors import Problems
from .figures import fill, load_yaml_file
from .model import ChartSpec, Figure, Language

if TYPE_CHECKING:  # numerals is loaded only for a site that checks its numbers
    from .memo import Recent
    from .numerals import NumberCheck

TEXT_KEYS = {"title", "takeaway", "description", "notes"}
_KEPT = {"field", "type", "$schema", "name", "mark", "format", "timeUnit", "aggregate", "as", "groupby", "fields"}
_EXPRESSIONS = {"test", "expr", "labelExpr", "calculate", "filter"}
# A folded YAML line break becomes a space, which beside full-width punctuation (，。；（）)
# shows as a gap: scripts written without spaces break their lines there.
_FOLDED_GAP = re.compile(r"(?<=[\u3000-\u303f\uff00-\uffef])\s+|\s+(?=[\u3000-\u303f\uff00-\uffef])")


_DRAWING: contextvars.ContextVar[tuple[str, dict[str, str]]] = contextvars.ContextVar("drawing", default=("en", {}))


@contextlib.contextmanager
def drawn_in(locale: str, labels: dict[str, str]) -> Iterator[None]:
    """While a chart function runs: the Babel locale and the labels it is drawn with."""
    token = _DRAWING.set((locale or "en", labels))
    try:
        yield
    finally:
        _DRAWING.reset(token)


def label(template: str, **values: Any) -> str:
    """``template`` in the language the chart is drawn in (its ``labels`` entry, with the
    same ``{placeholders}``), filled with ``values``; without values, just its translation."""
    text = _DRAWING.get()[1].get(template, template)
    return text.format(**values) if values else text


def month(year_month: str) -> str:
    """'2023-12' as that language writes a month: 'Dec 2023', '2023年12月'."""
    from babel.dates import format_skeleton

    year, number = (int(part) for part in year_month.split("-")[:2])
    return format_skeleton("yMMM", dt.date(year, number, 1), locale=_DRAWING.get()[0])


def number(value: float) -> str:
    """A number with its digits grouped the way the chart's language groups them."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_DRAWING.get()[0])


def chart_figure_keys(spec: ChartSpec) -> set[str]:
    """The figure keys a chart's text cites, read before the figures fill it in."""
    return set(FIGURE_KEY.findall("\n".join([spec.title, spec.takeaway, spec.description, *spec.notes])))


def load_chart_text(charts_dir: Path, languages: list[Language], specs: dict[str, ChartSpec],
                    figures: dict[str, Figure], problems: Problems, check_numbers: bool = False,
                    written: dict[str, set[str]] | None = None, scans: Recent | None = None) -> dict[str, dict[str, ChartSpec]]:
    """For each other language with a text file: chart id → the chart as that language
    draws it (``lang`` and ``labels`` set). Unknown charts and keys are reported; with
    ``check_numbers``, so are numbers typed by hand (see :mod:`.numerals`; ``scans`` as
    there). ``written`` (chart id → :func:`chart_figure_keys` of the source text) warns
    where a translation cites other figures than its source, as a page's translation would be warned."""
    editions = {}
    for language in languages[1:]:
        path = charts_dir / f"{language.code}.yaml"
        data = load_yaml_file(path, problems, dict) if path.is_file() else None
        if data:
            check = _number_check(figures, problems, scans) if check_numbers else None
            editions[language.code] = _edition(path, data, language, specs, figures, problems, check)
            _check_drift(path, data, written or {}, problems)
    return editions


def _check_drift(path: Path, data, written: dict[str, set[str]], problems: Problems) -> None:
    charts = data.get("charts")
    for chart_id, entry in charts.items() if isinstance(charts, dict) else []:
        if chart_id not in written or not isinstance(entry, dict):
            continue
        ours = set(FIGURE_KEY.findall("\n".join(str(v) for value in entry.values()
                                                 for v in (value if isinstance(value, list) else [value]))))
        source = written[chart_id] if {"title", "takeaway", "description", "notes"} <= set(entry) else ours
        if ours != source:
            problems.warn(path, charts.line(chart_id, 1), f"chart '{chart_id}' cites other figures than its source ({drift(source, ours)})",
                          "a translation shows the same figures as its source: bring its text up to date")


def _number_check(figures: dict[str, Figure], problems: Problems, scans: Recent | None) -> NumberCheck:
    from .numerals import NumberCheck

    return NumberCheck(figures, problems, scans)


def _edition(path: Path, data, language: Language, specs: dict[str, ChartSpec], figures: dict[str, Figure],
             problems: Problems, check: NumberCheck | None) -> dict[str, ChartSpec]:
    for key in sorted(set(data) - {"charts", "labels"}):
        problems.add(path, data.line(key, 1), f"unknown key '{key}'", "a chart text file has 'charts' and 'labels'")
    labels = data.get("labels") or {}
    if not isinstance(labels, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in labels.items()):
        problems.add(path, data.line("labels", 1), "labels must map English text to its translation")
        labels = {}
    charts = data.get("charts") or {}
    translated = {}
    for chart_id, entry in charts.items() if isinstance(charts, dict) else []:
        line = charts.line(chart_id, 1)
        if chart_id not in specs:
            problems.add(path, line, f"unknown chart '{chart_id}'", f"known: {', '.join(sorted(specs))}")
            continue
        if not isinstance(entry, dict) or set(entry) - TEXT_KEYS:
            problems.add(path, line, f"chart '{chart_id}' takes {', '.join(sorted(TEXT_KEYS))}")
            continue
        spec = specs[chart_id]
        for key, value in sorted(entry.items()) if check else []:
            for text in value if isinstance(value, list) else [value]:
                check.text(str(text), path, entry.line(key, line))
        filled = lambda value, at: _FOLDED_GAP.sub("", fill(str(value), figures, path, at, problems))
        text = lambda key, default: filled(entry[key], entry.line(key, line)) if key in entry else default
        notes = [filled(note, entry.line("notes", line)) for note in entry.get("notes", [])]
        translated[chart_id] = dataclasses.replace(
            spec, title=text("title", spec.title), takeaway=text("takeaway", spec.takeaway),
            description=text("description", spec.description), notes=notes if "notes" in entry else spec.notes,
            lang=language.code, locale=language.locale, labels=dict(sorted(labels.items())))
    return translated


def relabel(value: Any, labels: dict[str, str], key: str = "") -> Any:
    """A Vega-Lite spec (or part of one) with the text in ``labels`` translated: string
    values and lists of them, except field names and other identifiers; quoted values
    inside expressions; axes and legends that a field name titled; a title given as a
    list of lines, by the lines joined with spaces. Dictionary keys
    (field names in the data) are kept."""
    if not labels:
        return value
    if isinstance(value, dict):
        translated = {k: relabel(v, labels, k) for k, v in value.items()}
        if "type" in value and value.get("field") in labels and "title" not in value:
            translated["title"] = labels[value["field"]]  # an axis or legend titled by its field name
        if isinstance(value.get("layer"), list):
            _keep_given_titles(value["layer"], translated["layer"])
        return translated
    if isinstance(value, list):
        joined = " ".join(value) if value and all(isinstance(item, str) for item in value) else None
        if joined in labels and key not in _KEPT:  # a title broken into lines is translated whole
            return labels[joined].split("\n")
        return [relabel(item, labels, key) for item in value]
    if not isinstance(value, str) or key in _KEPT:
        return value
    if key in _EXPRESSIONS:
        return re.sub(r"(['\"])(.*?)\1", lambda m: m.group(1) + labels.get(m.group(2), m.group(2)) + m.group(1), value)
    if value in labels:
        return labels[value]
    lines = value.split("\n")  # an annotation broken over lines is translated whole or line by line
    return "\n".join(labels.get(line, line) for line in lines) if any(line in labels for line in lines) else value


def _keep_given_titles(layers: list, translated: list) -> None:
    """Layers share an axis, and Vega-Lite titles it with the title one layer gave,
    over the field names of the others; a title added from a field name would join it
    ("% of all, Chinese share (%)"), so it is taken back where another layer gave one."""
    encodings = [layer.get("encoding") if isinstance(layer, dict) else None for layer in layers]
    given = {channel for encoding in encodings if isinstance(encoding, dict)
             for channel, definition in encoding.items() if isinstance(definition, dict) and "title" in definition}
    for encoding, done in zip(encodings, translated):
        for channel in given & set(encoding or {}):
            if isinstance(encoding[channel], dict) and "title" not in encoding[channel]:
                done["encoding"][channel].pop("title", None)
