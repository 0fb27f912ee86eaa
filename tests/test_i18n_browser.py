"""The Chinese edition of the real site in Chromium: the switcher, hreflang, the
per-language feeds and a search in Chinese."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from browser import browser, serve_folder  # noqa: F401 - fixture
from test_real_site import built  # noqa: F401 - fixture

pytestmark = pytest.mark.browser
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def page(browser, built):
    context = browser.new_context()
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    with serve_folder(built) as base:
        tab.base = base
        yield tab
        context.close()
    assert errors == []


def test_the_switcher_goes_to_the_same_page_in_the_other_language_and_back(page):
    page.goto(page.base + "/topics/route/")
    assert page.get_attribute("html", "lang") == "en"
    page.click(".language-switch a")
    page.wait_for_url(page.base + "/zh/topics/route/")
    assert page.get_attribute("html", "lang") == "zh-Hans"
    assert page.text_content("h1") == "路线"
    assert page.text_content(".site-header nav a[href='/zh/topics/']") == "专题"  # the interface, from the catalogue
    page.click(".language-switch a")
    page.wait_for_url(page.base + "/topics/route/")
    assert page.text_content("h1") == "The route"


def test_a_page_without_a_translation_switches_to_that_languages_home(page):
    page.goto(page.base + "/data/panama_darien_irregular_transit_annual/")
    page.click(".language-switch a")
    page.wait_for_url(page.base + "/zh/")
    assert page.get_attribute("html", "lang") == "zh-Hans"


def test_hreflang_names_both_editions_and_the_default(page):
    page.goto(page.base + "/zh/topics/numbers/")
    alternates = page.eval_on_selector_all(
        "link[rel=alternate][hreflang]", "links => links.map(l => [l.hreflang, new URL(l.href).pathname])")
    assert alternates == [["en", "/topics/numbers/"], ["zh-Hans", "/zh/topics/numbers/"], ["x-default", "/topics/numbers/"]]


def test_the_chinese_chart_is_drawn_in_chinese_with_the_english_numbers(page):
    drawn = "svg => [...svg.querySelectorAll('text')].map(t => t.textContent)"
    page.goto(page.base + "/zh/topics/numbers/")
    zh = page.eval_on_selector("#chart-darien-annual svg", drawn)
    page.goto(page.base + "/topics/numbers/")
    en = page.eval_on_selector("#chart-darien-annual svg", drawn)
    assert "中国公民" in zh and "Chinese nationals" in en and "Chinese nationals" not in zh
    numbers = lambda texts: [t for t in texts if re.fullmatch(r"[\d,.]+", t)]
    assert len(numbers(zh)) > 10 and numbers(zh) == numbers(en)


def test_each_language_has_its_own_feed(page):
    page.goto(page.base + "/zh/")
    zh_feed = page.get_attribute("link[type='application/atom+xml']", "href")
    page.goto(page.base + "/")
    en_feed = page.get_attribute("link[type='application/atom+xml']", "href")
    assert (zh_feed, en_feed) == ("/zh/feed.xml", "/feed.xml")
    feeds = {url: ET.fromstring(page.request.get(page.base + url).body()) for url in (zh_feed, en_feed)}
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert feeds[zh_feed].get(lang) == "zh-Hans" and feeds[en_feed].get(lang) == "en"
    zh_entries, en_entries = (feeds[url].findall(f"{ATOM}entry") for url in (zh_feed, en_feed))
    assert [e.findtext(f"{ATOM}id") for e in zh_entries] == [e.findtext(f"{ATOM}id") for e in en_entries]
    assert all(re.search(r"[\u4e00-\u9fff]", e.findtext(f"{ATOM}summary")) for e in zh_entries)


def test_a_chinese_search_finds_chinese_pages(page):
    page.goto(page.base + "/zh/search/?q=边境巡逻队")
    page.wait_for_selector("#search-results li a", timeout=15000)
    links = page.eval_on_selector_all("#search-results li a", "links => links.map(l => l.getAttribute('href'))")
    assert "/zh/topics/numbers/" in links and all(link.startswith("/zh/") for link in links)
    assert page.text_content("#search-status").startswith("找到")
    page.goto(page.base + "/search/?q=Border%20Patrol")
    page.wait_for_selector("#search-results li a", timeout=15000)
    links = page.eval_on_selector_all("#search-results li a", "links => links.map(l => l.getAttribute('href'))")
    assert links and not any(link.startswith("/zh/") for link in links)  # each edition searches its own pages
