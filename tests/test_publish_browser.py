"""The real site served with netlify.toml's headers, opened in Chromium: every page type
loads under the Content-Security-Policy with no violation, no console error and no
request to another origin."""

from __future__ import annotations

import pytest

from browser import browser  # noqa: F401 - fixture
from netlify_site import serve_like_netlify
from test_real_site import ARTICLES, built  # noqa: F401 - fixture

pytestmark = pytest.mark.browser

PAGE_TYPES = {
    "home": "/", "section": "/topics/", "topic": "/topics/route/", "numbers": "/topics/numbers/",
    "articles": "/articles/", "article": f"/articles/{sorted(ARTICLES)[0]}/",
    "dataset": "/data/panama_darien_irregular_transit_annual/", "glossary": "/glossary/",
    "sources": "/sources/", "about": "/about/", "interactive chart": "/charts/usbp-monthly/",
    "not found": "/no-such-page/",
}
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || "")));
"""


@pytest.mark.parametrize("kind", sorted(PAGE_TYPES))
def test_page_type_loads_cleanly_under_the_published_headers(browser, built, kind):
    path = PAGE_TYPES[kind]
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    errors, requests = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    with serve_like_netlify(built) as base:
        response = page.goto(base + path, wait_until="networkidle")
        if kind == "interactive chart":
            page.get_by_role("button", name="Explore the data interactively").click()
            page.wait_for_selector(".interactive svg", timeout=15000)
            page.locator(".interactive svg").first.hover()  # over the marks (the zoom layer takes the pointer)
        violations = page.evaluate("window.__violations")
        body = response.body().decode("utf-8")
        context.close()  # before the server stops, so no request is cut off
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "public, max-age=0, must-revalidate"
    if kind == "not found":
        assert response.status == 404 and "Page not found" in body
        errors = [e for e in errors if "status of 404" not in e]  # the page's own status
    else:
        assert response.status == 200
    assert violations == []
    assert errors == []
    assert requests and all(url.startswith(base + "/") for url in requests), requests


def test_static_assets_are_immutable_and_pages_are_not(built):
    import urllib.request

    with serve_like_netlify(built) as base:
        for asset in sorted((built / "static").iterdir()):
            with urllib.request.urlopen(f"{base}/static/{asset.name}") as response:
                assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", asset.name
                assert response.headers["X-Content-Type-Options"] == "nosniff"
        with urllib.request.urlopen(base + "/") as response:
            headers = response.headers
    assert headers["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    for name in ("Referrer-Policy", "Permissions-Policy"):
        assert headers[name]
