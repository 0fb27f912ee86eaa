"""Chart labels in a real browser, at a 360 px phone and a 1280 px screen: no two axis
labels of a chart overlap or run together, and the chart fills the text column (40rem at most,
also on the wider chart page)."""

from __future__ import annotations

import pytest

from browser import browser, serve_folder  # noqa: F401 - fixture
from test_real_site import CHARTS, built  # noqa: F401 - fixture

pytestmark = pytest.mark.browser

GAP = 2  # px: closer than this, two labels read as one word ("FY2019FY2020")
LABEL_BOXES = """svg => [...svg.querySelectorAll('.role-axis-label text, .role-legend-label text, .role-mark text')]
  .filter(t => t.textContent.trim() && getComputedStyle(t).opacity !== '0' && t.getAttribute('opacity') !== '0')
  .map(t => { const b = t.getBoundingClientRect(); return {text: t.textContent, x: b.x, y: b.y, w: b.width, h: b.height}; })"""


def _overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart = (a["x"] + a["w"] + GAP <= b["x"] or b["x"] + b["w"] + GAP <= a["x"]
                     or a["y"] + a["h"] <= b["y"] or b["y"] + b["h"] <= a["y"])
            if not apart:
                found.append((a["text"], b["text"]))
    return found


@pytest.mark.parametrize("width", [360, 1280])
def test_no_two_chart_labels_overlap_and_charts_fill_the_column(browser, built, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems = {}
    with serve_folder(built) as base:
        for chart_id in CHARTS:
            page.goto(f"{base}/charts/{chart_id}/")
            svg = page.locator(f"#chart-{chart_id} svg[role=img]")
            boxes = svg.evaluate(LABEL_BOXES)
            assert len(boxes) >= 2, chart_id
            if _overlapping(boxes):
                problems[chart_id] = _overlapping(boxes)
            column = page.locator(f"#chart-{chart_id} .chart-image").bounding_box()["width"]
            measure = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize) * 40")  # 40rem
            assert svg.bounding_box()["width"] >= min(column, measure) - 1, (chart_id, width)  # the text column
    context.close()
    assert problems == {}


@pytest.mark.parametrize("width", [360, 1280])
def test_chinese_charts_keep_their_labels_apart_and_inside_the_chart(browser, built, width):
    """The Chinese edition draws the same charts with other words, wider per character
    than vl-convert may measure them: no label may overlap another or pass the SVG's
    edge, where the inline SVG clips it."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems, seen = {}, set()
    with serve_folder(built) as base:
        for path in ["zh/", "zh/topics/numbers/", "zh/topics/route/", "zh/topics/asylum/"]:
            page.goto(f"{base}/{path}")
            for svg in page.locator("figure.chart svg[role=img]").all():
                chart_id = svg.evaluate("s => s.closest('figure').id")
                seen.add(chart_id)
                boxes, edge = svg.evaluate(LABEL_BOXES), svg.bounding_box()
                clipped = [b["text"] for b in boxes if b["x"] < edge["x"] - 1 or b["x"] + b["w"] > edge["x"] + edge["width"] + 1]
                if _overlapping(boxes) or clipped:
                    problems[f"{path} {chart_id}"] = (_overlapping(boxes), clipped)
    context.close()
    assert seen == {f"chart-{chart_id}" for chart_id in CHARTS}
    assert problems == {}
