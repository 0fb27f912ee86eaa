"""Chart downloads that keep their source: the PNG and SVG files readers save and share
carry the chart's title and takeaway above it, and its source line, notes and the
site's name and address below it, drawn by Vega-Lite as titles of two views wrapped
around the chart. The SVG inlined in pages stays lean: the page already says all that.
"""

from __future__ import annotations

import functools
import textwrap

from .model import ChartSpec, Dataset

LINE = 60  # characters per credit line for a chart of unknown width
TITLE, SUBTITLE, FOOTER = 15, 12, 11  # font sizes (px)
# an address or a hyphenated name stays whole on its line
_wrap = functools.partial(textwrap.wrap, break_on_hyphens=False, break_long_words=False)
_OUTER_KEYS = ("$schema", "config", "background", "datasets", "padding", "autosize", "usermeta")


def fitting(width: float, size: int) -> int:
    """How many characters of ``size`` px text fit in ``width`` px: Vega does not widen
    the image for its titles, and a viewer may draw the text in a wider fallback font."""
    return max(24, int(width / (size * 0.58)))


def credit_lines(spec: ChartSpec, datasets: list[Dataset], site: str, width: float = 0) -> list[str]:
    """The lines printed under an exported chart (``width`` px wide, 0 if unknown):
    source, data date, notes, site."""
    agencies = "; ".join(dict.fromkeys(d.agency for d in datasets))
    dates = sorted({d.as_of for d in datasets if d.as_of})
    lines = [f"Source: {agencies}." + (f" Data as of {' and '.join(dates)}." if dates else "")]
    lines += [f"Note: {note}" for note in spec.notes]
    lines.append(site)
    chars = fitting(width, FOOTER) if width else LINE
    return [wrapped for line in lines for wrapped in _wrap(line, chars) or [""]]


def with_credits(vl_spec: dict, spec: ChartSpec, lines: list[str], width: float = 0) -> dict:
    """``vl_spec`` (already themed) with the title and takeaway above and ``lines`` below,
    wrapped to the chart's ``width`` in px (0 if unknown)."""
    inner = {key: value for key, value in vl_spec.items() if key not in _OUTER_KEYS}
    outer = {key: vl_spec[key] for key in _OUTER_KEYS if key in vl_spec}
    title_chars = fitting(width, TITLE) if width else LINE - 16
    subtitle_chars = fitting(width, SUBTITLE) if width else LINE
    outer["title"] = {"text": _wrap(spec.title, title_chars), "subtitle": _wrap(spec.takeaway, subtitle_chars),
                      "anchor": "start", "offset": 12, "fontSize": TITLE, "subtitleFontSize": SUBTITLE, "subtitlePadding": 6}
    footer = {"text": lines, "orient": "bottom", "anchor": "start", "fontSize": FOOTER, "fontWeight": "normal",
              "offset": 14, "lineHeight": 15}
    outer["vconcat"] = [{"title": footer, "vconcat": [inner]}]
    return outer
