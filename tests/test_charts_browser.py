"""Charts in a real browser: visible with JavaScript off; interactive only on request."""

from __future__ import annotations

import pytest

from browser import browser, serve_folder  # noqa: F401 - fixture
from test_real_site import CHARTS, built  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


def test_all_charts_show_without_javascript(browser, built):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    seen = set()
    with serve_folder(built) as base:
        page = context.new_page()
        for path in ["/", "/topics/numbers/", "/topics/route/", "/topics/asylum/"]:
            page.goto(base + path)
            for chart_id in CHARTS:
                svg = page.locator(f"#chart-{chart_id} svg[role=img]")
                if svg.count():
                    box = svg.first.bounding_box()
                    assert box and box["width"] > 200 and box["height"] > 100, (path, chart_id)
                    assert box["width"] <= 360
                    smallest = svg.first.evaluate(
                        "svg => { const scale = svg.getBoundingClientRect().width / svg.width.baseVal.value;"
                        " return Math.min(...[...svg.querySelectorAll('text')]"
                        ".map(t => parseFloat(getComputedStyle(t).fontSize) * scale)); }")
                    assert smallest >= 12, (path, chart_id, smallest)  # legible on a 360 px phone
                    seen.add(chart_id)
                    page.locator(f"#chart-{chart_id} .chart-data summary").click()
                    assert page.locator(f"#chart-{chart_id} table.data").is_visible()
        assert page.locator('script:not([type="application/ld+json"])').count() == 0  # JSON-LD is data, not code
    context.close()
    assert seen == set(CHARTS)


def test_interactive_chart_loads_vega_only_when_the_reader_asks(browser, built):
    page = browser.new_page()
    errors, requests = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    with serve_folder(built) as base:
        page.goto(base + "/topics/numbers/")
        assert not [r for r in requests if r.endswith(".js")]
        page.get_by_role("link", name="Interactive version").first.click()
        page.wait_for_load_state("networkidle")
        assert not any("/static/vega." in r for r in requests)  # the static chart first
        assert page.locator("figure.chart svg[role=img]").is_visible()
        page.get_by_role("button", name="Explore the data interactively").click()
        page.wait_for_selector(".interactive svg", timeout=15000)
        assert any("/static/vega." in r for r in requests)
        assert all(r.startswith(base) for r in requests)
    assert errors == []
    page.close()
