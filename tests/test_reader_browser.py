"""The reader's experience in a real browser, on the real site: search, accessibility
(axe-core in light and dark mode), the keyboard, and a 320 px phone."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import browser, serve_folder  # noqa: F401 - fixture
from test_real_site import built  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


def page_types(out: Path) -> dict[str, str]:
    """One URL of every kind of page the site has."""
    def first(pattern: str) -> str:
        path = sorted(out.glob(pattern))[0]
        return "/" + path.parent.relative_to(out).as_posix() + "/"

    chart_topics = sorted(p for p in out.glob("topics/*/index.html") if 'class="chart"' in p.read_text("utf-8"))
    plain_topics = sorted(p for p in out.glob("topics/*/index.html") if 'class="chart"' not in p.read_text("utf-8"))
    kinds = {"home": "/", "topic with charts": "/" + chart_topics[0].parent.relative_to(out).as_posix() + "/",
             "article": first("articles/*/index.html"), "articles": "/articles/", "topics": "/topics/",
             "dataset": first("data/*/index.html"), "chart": first("charts/*/index.html"),
             "chart embed": first("charts/*/embed/index.html"), "all charts": "/charts/", "all data": "/data/",
             "sources": "/sources/", "glossary": "/glossary/", "about": "/about/",
             "search": "/search/?q=Darién", "404": "/404.html"}
    if plain_topics:
        kinds["topic"] = "/" + plain_topics[0].parent.relative_to(out).as_posix() + "/"
    if (out / "zh/index.html").is_file():  # the Chinese edition: its home, a topic with charts, its search
        kinds.update({"zh home": "/zh/", "zh topic with charts": "/zh/topics/numbers/", "zh search": "/zh/search/?q=达连隘口"})
    return kinds


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_on_any_page_type(browser, built, scheme):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    problems = {}
    with serve_folder(built) as base:
        for kind, url in sorted(page_types(built).items()):
            page.goto(base + url)
            if kind.endswith("search"):
                page.wait_for_selector("#search-results li")
            if kind == "chart":  # the interactive version too, drawn by Vega
                page.get_by_role("button", name="Explore the data interactively").click()
                page.wait_for_selector(".interactive svg[role=img]", timeout=15000)
            for details in page.locator("details").all():
                details.evaluate("d => d.open = true")  # check the data tables too
            results = axe.run(page)
            if results.violations_count:
                problems[kind] = results.generate_report()
    context.close()
    assert problems == {}, "\n".join(f"== {k}\n{v}" for k, v in sorted(problems.items()))


def test_search_finds_spanish_and_chinese_terms_and_follows_a_result(browser, built):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    with serve_folder(built) as base:
        for query, expected in [("Darién", "Darién"), ("走线", "走线")]:
            page.goto(base + "/search/")
            page.fill("#search-input", query)
            page.keyboard.press("Enter")
            first = page.locator("#search-results li a").first
            first.wait_for(timeout=15000)
            assert "result" in page.locator("#search-status").inner_text()
            assert f"q={query}" in page.url or "q=" in page.url
            first.click()
            page.wait_for_load_state()
            assert "/search/" not in page.url
            assert expected in page.locator("main").inner_text()
    page.close()
    assert errors == []


def test_search_page_without_javascript_says_so_and_links_to_topics(browser, built):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    with serve_folder(built) as base:
        page.goto(base + "/search/?q=Darién")
        note = page.locator("main noscript, main .note").first
        assert "needs JavaScript" in page.locator("main").inner_text()
        page.get_by_role("link", name="list of topics").click()
        assert page.url.endswith("/topics/")
        assert note is not None
    context.close()


def test_keyboard_reaches_every_control_and_the_skip_link_works(browser, built):
    page = browser.new_page()
    kinds = page_types(built)
    with serve_folder(built) as base:
        for kind in ("topic with charts", "article", "search"):
            page.goto(base + kinds[kind])
            if kind.endswith("search"):
                page.wait_for_selector("#search-results li")
            total = page.evaluate("""() => {
                const all = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])')]
                  .filter(el => el.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true}) || el.classList.contains('skip-link'));
                all.forEach((el, i) => el.dataset.k = i);
                return all.length;
            }""")
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.classList.contains('skip-link')"), kind
            box = page.locator(".skip-link").bounding_box()
            assert box and box["x"] >= 0 and box["y"] >= 0, "the skip link is visible when focused"
            # Walk the tab order until focus leaves the page (Chromium also stops on
            # scrollable boxes, so there may be more stops than controls).
            reached, order = set(), []
            for _ in range(3 * total + 20):
                key = page.evaluate("document.activeElement.dataset.k")
                order.append(key)
                if key is not None:
                    reached.add(int(key))
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement === document.body"):
                    break
            missing = [page.evaluate(f"document.querySelector('[data-k=\"{k}\"]').outerHTML") for k in sorted(set(range(total)) - reached)]
            assert not missing, (kind, missing)
            page.goto(base + kinds[kind])
            page.keyboard.press("Tab")
            page.keyboard.press("Enter")
            assert page.evaluate("document.activeElement.id") == "main"
    page.close()


def test_every_page_type_fits_a_320px_phone_and_articles_topics_load_no_javascript(browser, built):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    with serve_folder(built) as base:
        for kind, url in sorted(page_types(built).items()):
            requests.clear()
            page.goto(base + url)
            page.wait_for_load_state("networkidle")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, (kind, width)
            if kind in ("article", "topic", "topic with charts"):
                assert [r for r in requests if r.endswith(".js") or "/pagefind/" in r] == [], kind
    context.close()
