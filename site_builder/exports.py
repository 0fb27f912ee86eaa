"""Chart downloads that keep their source: the PNG and SVG files readers save and share
carry the chart's title and takeaway above it, and its source line, notes and the
site's name and address below it, drawn by Vega-Lite as titles of two views wrapped
around the chart. The SVG inlined in pages stays lean: the page already says all that.
"""

from __future__ import annotations

import textwrap

from .model import ChartSpec, Dataset

LINE = 72  # characters per credit line: the image stays near the chart's own width
_OUTER_KEYS = ("$schema", "config", "background", "datasets", "padding", "autosize", "usermeta")


def credit_lines(spec: ChartSpec, datasets: list[Dataset], site: str) -> list[str]:
    """The lines printed under an exported chart: source, data date, notes, site."""
    agencies = "; ".join(dict.fromkeys(d.agency for d in datasets))
    dates = sorted({d.as_of for d in datasets if d.as_of})
    lines = [f"Source: {agencies}." + (f" Data as of {' and '.join(dates)}." if dates else "")]
    lines += [f"Note: {note}" for note in spec.notes]
    lines.append(site)
    return [wrapped for line in lines for wrapped in textwrap.wrap(line, LINE) or [""]]


def with_credits(vl_spec: dict, spec: ChartSpec, lines: list[str]) -> dict:
    """``vl_spec`` (already themed) with the title and takeaway above and ``lines`` below."""
    inner = {key: value for key, value in vl_spec.items() if key not in _OUTER_KEYS}
    outer = {key: vl_spec[key] for key in _OUTER_KEYS if key in vl_spec}
    outer["title"] = {"text": textwrap.wrap(spec.title, LINE - 20), "subtitle": textwrap.wrap(spec.takeaway, LINE),
                      "anchor": "start", "offset": 12, "subtitleFontSize": 12, "subtitlePadding": 6}
    footer = {"text": lines, "orient": "bottom", "anchor": "start", "fontSize": 11, "fontWeight": "normal",
              "offset": 14, "lineHeight": 15}
    outer["vconcat"] = [{"title": footer, "vconcat": [inner]}]
    return outer
