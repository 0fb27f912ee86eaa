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
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from .errors import Problems
from .figures import fill, load_yaml_file
from .model import ChartSpec, Figure, Language
from .numerals import NumberCheck

TEXT_KEYS = {"title", "takeaway", "description", "notes"}
_KEPT = {"field", "type", "$schema", "name", "mark", "format", "timeUnit", "aggregate", "as", "groupby", "fields"}
_EXPRESSIONS = {"test", "expr", "labelExpr", "calculate", "filter"}


def load_chart_text(charts_dir: Path, languages: list[Language], specs: dict[str, ChartSpec],
                    figures: dict[str, Figure], problems: Problems, check_numbers: bool = False) -> dict[str, dict[str, ChartSpec]]:
    """For each other language with a text file: chart id → the chart as that language
    draws it (``lang`` and ``labels`` set). Unknown charts and keys are reported; with
    ``check_numbers``, so are numbers typed by hand (see :mod:`.numerals`)."""
    editions = {}
    for language in languages[1:]:
        path = charts_dir / f"{language.code}.yaml"
        data = load_yaml_file(path, problems, dict) if path.is_file() else None
        if data:
            check = NumberCheck(figures, problems) if check_numbers else None
            editions[language.code] = _edition(path, data, language, specs, figures, problems, check)
    return editions


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
        text = lambda key, default: fill(str(entry[key]), figures, path, entry.line(key, line), problems) if key in entry else default
        notes = [fill(str(note), figures, path, entry.line("notes", line), problems) for note in entry.get("notes", [])]
        translated[chart_id] = dataclasses.replace(
            spec, title=text("title", spec.title), takeaway=text("takeaway", spec.takeaway),
            description=text("description", spec.description), notes=notes if "notes" in entry else spec.notes,
            lang=language.code, labels=dict(sorted(labels.items())))
    return translated


def relabel(value: Any, labels: dict[str, str], key: str = "") -> Any:
    """A Vega-Lite spec (or part of one) with the text in ``labels`` translated: string
    values and lists of them, except field names and other identifiers; quoted values
    inside expressions; axes and legends that a field name titled. Dictionary keys
    (field names in the data) are kept."""
    if not labels:
        return value
    if isinstance(value, dict):
        translated = {k: relabel(v, labels, k) for k, v in value.items()}
        if "type" in value and value.get("field") in labels and "title" not in value:
            translated["title"] = labels[value["field"]]  # an axis or legend titled by its field name
        return translated
    if isinstance(value, list):
        return [relabel(item, labels, key) for item in value]
    if not isinstance(value, str) or key in _KEPT:
        return value
    if key in _EXPRESSIONS:
        return re.sub(r"(['\"])(.*?)\1", lambda m: m.group(1) + labels.get(m.group(2), m.group(2)) + m.group(1), value)
    if value in labels:
        return labels[value]
    lines = value.split("\n")  # an annotation broken over lines is translated whole or line by line
    return "\n".join(labels.get(line, line) for line in lines) if any(line in labels for line in lines) else value
