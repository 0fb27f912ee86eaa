"""Embed pages, with netlify.toml's real headers: another site may frame a chart's embed
page, and nothing else; every published file gets exactly one framing policy."""

from __future__ import annotations

import pytest

from browser import browser, serve_folder  # noqa: F401 - fixture
from netlify_site import headers_for, netlify_config, serve_like_netlify
from test_real_site import CHARTS, built  # noqa: F401 - fixture


def _addresses(out) -> list[str]:
    """Every address a reader can ask for: each file, and each folder's index as /folder/."""
    found = []
    for path in sorted(out.rglob("*")):
        if path.is_file():
            relative = path.relative_to(out).as_posix()
            found.append("/" + relative)
            if path.name == "index.html":
                found.append("/" + relative.removesuffix("index.html"))
    return found


def test_only_embed_pages_may_be_framed_and_every_file_has_a_policy(built):
    config = netlify_config()
    embeds = 0
    for address in _addresses(built):
        headers = headers_for(address, config)
        policy = headers.get("Content-Security-Policy", "")
        assert policy.count("frame-ancestors") == 1 and "script-src 'self'" in policy, address
        if "/embed/" in address and address.startswith("/charts/"):
            embeds += 1
            assert "frame-ancestors *" in policy and "X-Frame-Options" not in headers, address
        else:
            assert "frame-ancestors 'none'" in policy and headers["X-Frame-Options"] == "DENY", address
    assert embeds == 2 * len(CHARTS)  # /charts/<id>/embed/ and its index.html


@pytest.mark.browser
def test_another_site_can_frame_an_embed_page_but_no_other_page(browser, built, tmp_path):
    chart = CHARTS[0]
    errors = []
    with serve_like_netlify(built) as site:
        (tmp_path / "index.html").write_text(
            f'<!doctype html><title>Another site</title>'
            f'<iframe id="embed" src="{site}/charts/{chart}/embed/" width="400" height="600"></iframe>'
            f'<iframe id="page" src="{site}/charts/{chart}/" width="400" height="600"></iframe>', "utf-8")
        with serve_folder(tmp_path) as other:
            assert other.rsplit(":", 1)[1] != site.rsplit(":", 1)[1]  # two origins
            page = browser.new_page()
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.goto(other + "/", wait_until="networkidle")
            embed = page.frame_locator("#embed")
            assert embed.locator(f"#chart-{chart} svg[role=img]").is_visible()
            link = embed.locator(".chart-downloads a")
            assert link.get_attribute("href").endswith(f"/charts/{chart}/")
            framed = page.locator("#page").element_handle().content_frame()
            refused = framed.url.startswith("chrome-error://") or framed.locator("main").count() == 0
            page.close()
    assert refused
    assert any("frame-ancestors" in e for e in errors), errors
