"""Editions in several languages: configuration, catalogues, dates, and what a tiny
bilingual site publishes (addresses, hreflang, switcher, listings, feeds, search)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path, PurePath

import pytest

from conftest import MINIMAL_CONFIG, REPO, make_site, page
from fixtures_site import REPOST, chart_files
from site_builder.errors import Problems
from site_builder.i18n import catalogue, date_formatter, list_formatter, number_formatter, read_languages, split_language
from site_builder.model import Language

ZH = """
[languages.en]
name = "English"
date_format = "d MMMM y"

[languages.zh]
name = "简体中文"
tag = "zh-Hans"
locale = "zh_Hans_CN"
title = "测试网站"
description = "测试用的网站。"
"""
CONFIG = MINIMAL_CONFIG + ZH


def languages(text: str, tmp_path: Path) -> tuple[list[Language] | None, list[str]]:
    import tomllib
    problems = Problems(tmp_path)
    found = read_languages(tomllib.loads(text), lambda key: 1, tmp_path / "site.toml", problems)
    return found, [p.message for p in problems.items]


def test_one_language_without_a_languages_table(tmp_path):
    found, messages = languages('title = "T"\nlanguage = "en"\n', tmp_path)
    assert messages == [] and [(l.code, l.prefix, l.tag, l.locale, l.title) for l in found] == [("en", "", "en", "en", "T")]


def test_languages_default_first_others_under_their_code(tmp_path):
    found, messages = languages('title = "T"\n' + ZH, tmp_path)
    assert messages == []
    assert [(l.code, l.prefix, l.tag, l.locale, l.name) for l in found] == [
        ("en", "", "en", "en", "English"), ("zh", "/zh", "zh-Hans", "zh_Hans_CN", "简体中文")]
    assert found[1].title == "测试网站" and found[0].title == "T"


@pytest.mark.parametrize("table, message", [
    ('[languages.zh]\nlocale = "zz_QQ"\n', "unknown locale 'zz_QQ' for language 'zh'"),
    ('[languages.zh]\nflag = "cn"\n', "unknown key 'flag' in [languages.zh]"),
    ('[languages.ZH]\nlocale = "zh"\n', "language code 'ZH' must be 2 or 3 lowercase letters"),
    ('[languages.zh]\nname = ""\n', "every key of [languages.zh] must be non-empty text"),
    ('languages = ["zh"]\n', "languages must be tables: [languages.zh]"),
])
def test_mistaken_language_tables_are_reported(tmp_path, table, message):
    found, messages = languages('title = "T"\n' + table, tmp_path)
    assert found is None and messages == [message]


def test_a_page_file_belongs_to_the_language_of_its_first_folder(tmp_path):
    found, _ = languages('title = "T"\n' + ZH, tmp_path)
    assert split_language(PurePath("zh/topics/route.md"), found) == (found[1], PurePath("topics/route.md"))
    assert split_language(PurePath("topics/route.md"), found) == (found[0], PurePath("topics/route.md"))
    assert split_language(PurePath("zh.md"), found) == (found[0], PurePath("zh.md"))  # a page named zh, not a folder


def test_dates_and_numbers_the_way_each_language_writes_them(tmp_path):
    en, zh = languages('title = "T"\n' + ZH, tmp_path)[0]
    assert date_formatter(zh)(dt.date(2024, 7, 1)) == "2024年7月1日"
    assert date_formatter(en)(dt.date(2024, 2, 29)) == "29 February 2024"
    assert date_formatter(zh)(dt.datetime(2023, 10, 30, 17, 42), "full") == "2023年10月30日, 17:42"
    assert number_formatter(zh)(25565) == "25,565" and number_formatter(en)(2005) == "2,005"


def test_lists_join_the_way_each_language_writes_them(tmp_path):
    from markupsafe import Markup

    en, zh = languages('title = "T"\n' + ZH, tmp_path)[0]
    days = [Markup('<time datetime="2024-01-01">1 Jan</time>'), "<b>2 Feb</b>"]
    assert list_formatter(en)(days) == '<time datetime="2024-01-01">1 Jan</time> and &lt;b&gt;2 Feb&lt;/b&gt;'
    assert list_formatter(zh)(["1月", "2月", "3月"]) == "1月、2月和3月"
    assert list_formatter(en)(["A", "B", "C"]) == "A, B, and C" and list_formatter(zh)([]) == ""


def test_the_chinese_catalogue_translates_every_interface_message():
    """Every message the templates and site.toml ask for has a Chinese translation with
    the same placeholders (the catalogue is up to date; ``make messages`` refreshes it)."""
    from babel.messages.extract import extract_from_file
    from babel.messages.pofile import read_po

    wanted = set()
    for template in sorted((REPO / "templates").glob("*.html")):
        wanted |= {m[1] for m in extract_from_file("jinja2", template, options={"extensions": "jinja2.ext.i18n"})}
    wanted |= {m[1] for m in extract_from_file("site_builder.i18n:extract_config", REPO / "content/site.toml")}
    with (REPO / "templates/locales/zh/LC_MESSAGES/messages.po").open("rb") as handle:
        po = read_po(handle)
    translated = {m.id if isinstance(m.id, str) else tuple(m.id): m for m in po if m.id and m.string and not m.fuzzy}
    missing = sorted(str(w) for w in wanted if w not in translated)
    assert missing == []
    placeholders = re.compile(r"%\((\w+)\)s")
    for message in translated.values():
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for text in strings:
            assert set(placeholders.findall(text)) <= set(placeholders.findall(ids[0])) | set(placeholders.findall(ids[-1])), message.id


@pytest.mark.parametrize("text, line, message", [
    ('msgid "Search"\nmsgstr "搜索"\nmsgid2 "Next"\n', 3, "message catalogue: Unknown or misformatted keyword on 2"),
    ('msgid "Search"\nmsgstr "搜索"\n\n#, python-format\nmsgid "By %(authors)s"\nmsgstr "作者：%(writer)s"\n', 5,
     "message catalogue: unknown named placeholder 'writer'"),
])
def test_a_broken_catalogue_is_reported_at_its_line(tmp_path, text, line, message):
    folder = tmp_path / "locales/zh/LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(text, "utf-8")
    problems = Problems(tmp_path)
    found, _ = languages('title = "T"\n' + ZH, tmp_path)
    translations = catalogue(tmp_path, found[1], problems)
    assert [(p.source, p.line, p.message) for p in problems.items] == [("locales/zh/LC_MESSAGES/messages.po", line, message)]
    assert translations.gettext("Search") == "Search"  # the templates' own text, not half a catalogue


def bilingual_site() -> dict[str, str]:
    return {
        **chart_files(), "content/site.toml": CONFIG, "seeds/one.txt": REPOST,
        "content/seeds/one.yaml": "summary_zh: 一篇转载的报道，讲述了边境的情况。\n",
        "content/charts/zh.yaml": "charts:\n  crossings-bar:\n    title: 每年穿越人数\n    takeaway: 2023 年有 {fig:crossings-2023} 人。\n"
                                  "labels:\n  Crossings: 穿越人数\n",
        "content/pages/index.md": page("Home", "Welcome. {fig:crossings-2023} crossed.", template="home"),
        "content/pages/about.md": page("About us", "Who we are."),
        "content/pages/sources.md": page("Sources", "Where it comes from.", template="sources"),
        "content/pages/topics/route.md": page("The route", "## Leg one\n\n{fig:crossings-2023} people. See [why](/topics/why/).\n\n```chart crossings-bar\n```\n",
                                              order=1, articles="[a-reposted-story]", updated="2026-01-01"),
        "content/pages/topics/why.md": page("Why", "Reasons.", order=2),
        "content/pages/zh/index.md": page("首页", "欢迎。{fig:crossings-2023} 人穿越。", template="home", updated="2026-01-02"),
        "content/pages/zh/topics/route.md": page("路线", "## 第一段\n\n{fig:crossings-2023} 人。见[原因](/zh/topics/why/)。\n\n```chart crossings-bar\n```\n",
                                                 order=1, articles="[a-reposted-story]", updated="2026-01-02"),
    }


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory):
    from conftest import Built, make_site
    from site_builder.build import build

    root = make_site(tmp_path_factory.mktemp("bilingual") / "site", bilingual_site())
    report = build(root, out=root / "public", cache_dir=root.parent / "cache", strict=True)
    return Built(root, root / "public", report)


def test_translations_are_published_under_their_language(bilingual):
    for relative in ["zh/index.html", "zh/topics/route/index.html", "zh/topics/index.html", "zh/articles/index.html",
                     "zh/search/index.html", "zh/feed.xml", "index.html", "topics/route/index.html", "feed.xml"]:
        assert (bilingual.out / relative).is_file(), relative
    assert not (bilingual.out / "zh/about/index.html").exists()  # not translated: no page, no copy
    route = bilingual.read("zh/topics/route/index.html")
    assert route.startswith('<!doctype html><html lang="zh-Hans">')
    assert bilingual.read("topics/route/index.html").startswith('<!doctype html><html lang="en">')
    assert '<h2 id="diyiduan"' in route  # Chinese headings get pinyin anchors


def test_hreflang_alternates_name_every_edition_of_a_page(bilingual):
    links = lambda html: re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)
    expected = [("en", "https://example.org/topics/route/"), ("zh-Hans", "https://example.org/zh/topics/route/"),
                ("x-default", "https://example.org/topics/route/")]
    assert links(bilingual.read("topics/route/index.html")) == expected
    assert links(bilingual.read("zh/topics/route/index.html")) == expected
    assert links(bilingual.read("about/index.html")) == []  # one edition: nothing to alternate with


def test_the_switcher_leads_to_the_same_page_or_that_languages_home(bilingual):
    switch = lambda html: re.findall(r'<p class="language-switch"><a href="([^"]+)" hreflang="([^"]+)"', html)
    assert switch(bilingual.read("topics/route/index.html")) == [("/zh/topics/route/", "zh-Hans")]
    assert switch(bilingual.read("zh/topics/route/index.html")) == [("/topics/route/", "en")]
    assert switch(bilingual.read("about/index.html")) == [("/zh/", "zh-Hans")]
    assert switch(bilingual.read("zh/articles/index.html")) == [("/articles/", "en")]


def test_chinese_pages_have_chinese_interface_and_the_same_numbers(bilingual):
    route = bilingual.read("zh/topics/route/index.html")
    assert '<a href="/zh/topics/">专题</a>' in route  # navigation, from the catalogue
    assert ">25,565</a> 人" in route and ">25,565</a> people" in bilingual.read("topics/route/index.html")
    assert "显示数据" in route and "Show the data" not in route  # chart furniture
    assert "本页参考的报道" in route  # the topic template's heading
    assert "最近一次与原文核对于 2026年1月2日" in route  # when the translation was checked
    assert 'href="/topics/why/">原因</a>' in route  # not translated yet: the English page
    assert '<a rel="prev"' not in route and 'rel="next" href="/topics/why/"' in route


def test_chinese_listings_fall_back_to_english_pages_and_summarise_articles_in_chinese(bilingual):
    topics = bilingual.read("zh/topics/index.html")
    assert '<li><a href="/zh/topics/route/">路线</a>' in topics
    assert '<li lang="en"><a href="/topics/why/">Why</a>' in topics
    articles = bilingual.read("zh/articles/index.html")
    assert "<p>一篇转载的报道，讲述了边境的情况。</p>" in articles
    assert "2023年3月29日" in articles  # the date, written the Chinese way
    assert '<h1>新闻报道</h1>' in articles
    article = bilingual.read("articles/a-reposted-story/index.html")
    assert '<aside class="summary-translated" lang="zh-Hans"' in article and "一篇转载的报道" in article


def test_charts_are_drawn_with_each_languages_words_and_the_same_data(bilingual):
    zh, en = bilingual.read("zh/topics/route/index.html"), bilingual.read("topics/route/index.html")
    assert '<strong class="chart-title">每年穿越人数</strong>' in zh and "2023 年有 25,565 人。" in zh
    svg = lambda html: html[html.index("<svg"):html.index("</svg>")]
    assert ">穿越人数</text>" in svg(zh) and "Crossings" not in svg(zh)
    assert ">Crossings</text>" in svg(en) and "穿越人数" not in en
    assert '<th scope="col">穿越人数</th>' in zh  # the data table too
    numbers = lambda html: re.findall(r"<td>([\d,]+)</td>", html)
    assert numbers(zh) == numbers(en) == ["2021", "77", "2022", "2,005", "2023", "25,565"]
    assert 'href="/charts/crossings-bar.csv"' in zh  # one set of downloads


def test_each_language_has_its_own_feed(bilingual):
    zh, en = bilingual.read("zh/feed.xml"), bilingual.read("feed.xml")
    assert 'xml:lang="zh-Hans"' in zh and "<title>测试网站: 新闻报道</title>" in zh
    assert '<link rel="self" type="application/atom+xml" href="https://example.org/zh/feed.xml" />' in zh
    assert "<summary>一篇转载的报道，讲述了边境的情况。</summary>" in zh
    assert 'xml:lang="en"' in en and "一篇" not in en
    assert 'href="/zh/feed.xml"' in bilingual.read("zh/index.html")


def test_the_sitemap_lists_both_editions(bilingual):
    sitemap = bilingual.read("sitemap.xml")
    for url in ["https://example.org/zh/", "https://example.org/zh/topics/route/", "https://example.org/topics/route/"]:
        assert f"<loc>{url}</loc>" in sitemap
    entry = re.search(r"<url>\s*<loc>https://example.org/zh/topics/route/</loc>.*?</url>", sitemap, re.S).group(0)
    assert re.findall(r'<xhtml:link rel="alternate" hreflang="([^"]+)" href="([^"]+)" />', entry) == [
        ("en", "https://example.org/topics/route/"), ("zh-Hans", "https://example.org/zh/topics/route/")]
    about = re.search(r"<url>\s*<loc>https://example.org/about/</loc>.*?</url>", sitemap, re.S).group(0)
    assert "xhtml:link" not in about  # one edition: nothing to name


def test_search_has_an_index_per_language(bilingual):
    entry = json.loads(bilingual.read("pagefind/pagefind-entry.json"))
    assert sorted(entry["languages"]) == ["en", "zh-hans"]
    status = bilingual.read("zh/search/index.html")
    assert 'action="/zh/search/"' in status and 'data-none="没有找到与“{query}”相关的内容。' in status


def test_a_translation_that_drifted_from_its_source_is_warned_about(site):
    files = bilingual_site()
    files["content/pages/topics/route.md"] = files["content/pages/topics/route.md"].replace("updated: 2026-01-01", "updated: 2026-02-01")
    files["content/pages/zh/topics/route.md"] = files["content/pages/zh/topics/route.md"].replace("{fig:crossings-2023}", "{fig:crossings-total}")
    built = site(files)
    assert [str(w) for w in built.report.warnings] == [
        "content/pages/zh/topics/route.md:1: warning: translation last checked 2026-01-02, but content/pages/topics/route.md "
        "was updated 2026-02-01 (compare the two, bring the translation up to date and set its 'updated')",
        "content/pages/zh/topics/route.md:8: warning: uses other figure keys than content/pages/topics/route.md "
        "(missing crossings-2023; not in the source: crossings-total) (a translation shows the same figures, charts and links as its source)"]


def test_relabel_translates_what_a_chart_shows_and_keeps_what_it_computes_with():
    from site_builder.chart_text import relabel

    labels = {"Full year": "全年", "Chinese nationals": "中国公民", "China reopens": "中国重新开放"}
    spec = {"mark": {"type": "text"}, "data": {"values": [{"Period": "Full year", "Chinese nationals": 3}]},
            "encoding": {"y": {"field": "Chinese nationals", "type": "quantitative"},
                         "x": {"field": "Year", "type": "ordinal", "title": None},
                         "text": {"value": "China reopens\n(Jan 2023)"},
                         "opacity": {"condition": {"test": "datum.Period !== 'Full year'", "value": 0.35}}}}
    assert relabel(spec, labels) == {
        "mark": {"type": "text"}, "data": {"values": [{"Period": "全年", "Chinese nationals": 3}]},
        "encoding": {"y": {"field": "Chinese nationals", "type": "quantitative", "title": "中国公民"},
                     "x": {"field": "Year", "type": "ordinal", "title": None},
                     "text": {"value": "中国重新开放\n(Jan 2023)"},
                     "opacity": {"condition": {"test": "datum.Period !== '全年'", "value": 0.35}}}}
    assert relabel(spec, {}) is spec


def test_a_number_typed_in_a_translation_is_reported(site):
    files = bilingual_site()
    files["content/site.toml"] = CONFIG.replace('base_url = "https://example.org"', 'base_url = "https://example.org"\ncheck_numbers = true')
    files["content/charts/zh.yaml"] = "charts:\n  crossings-bar:\n    takeaway: 2023 年 12 月有 25,565 人。\n"
    files["content/pages/zh/about.md"] = page("关于", "2024 年 7 月 1 日起，共有 77 人。", updated="2026-01-02")
    built = site(files)
    assert [str(w) for w in built.report.warnings] == [  # the Chinese dates are not numbers to compute
        "content/pages/zh/about.md:6: warning: number '77' is typed by hand "
        "(compute it as a figure in content/figures.yaml, or mark it {n:77|why it is typed})",
        "content/charts/zh.yaml:3: warning: number '25,565' is typed by hand "
        "(the figure 'crossings-2023' holds this value: write {fig:crossings-2023})"]


def test_the_preview_reports_a_translations_typed_number_again_without_scanning_it_again(tmp_path):
    from site_builder.build import build
    from site_builder.memo import InputMemo

    files = bilingual_site()
    files["content/site.toml"] = CONFIG.replace('base_url = "https://example.org"', 'base_url = "https://example.org"\ncheck_numbers = true')
    files["content/charts/zh.yaml"] = "charts:\n  crossings-bar:\n    takeaway: 2023 年 12 月有 25,565 人。\n"
    root = make_site(tmp_path / "site", files)
    memo = InputMemo()
    typed = []
    for _ in range(2):
        report = build(root, out=tmp_path / "out", cache_dir=tmp_path / "cache", drafts=True, memo=memo)
        typed.append([str(w) for w in report.warnings if "typed by hand" in w.message])
    assert typed[0] == typed[1] == ["content/charts/zh.yaml:3: warning: number '25,565' is typed by hand "
                                    "(the figure 'crossings-2023' holds this value: write {fig:crossings-2023})"]
    kept = memo.recent("numerals").get(("2023 年 12 月有 25,565 人。", False), lambda: pytest.fail("not kept"))
    assert [numeral for _, numeral in kept] == ["25,565"]


def test_the_preview_keeps_a_compiled_catalogue_until_it_changes_and_reports_a_broken_one_each_time(tmp_path):
    from site_builder.memo import Recent

    root = make_site(tmp_path / "site", {})
    zh = Language("zh", "zh-Hans", "zh_Hans_CN", "简体中文", "/zh", "T", "D")
    kept, problems = Recent(), Problems(tmp_path)
    first = catalogue(root / "templates", zh, problems, kept)
    kept.end_round()  # the next build
    assert catalogue(root / "templates", zh, problems, kept) is first and kept.hits == 1
    po = root / "templates/locales/zh/LC_MESSAGES/messages.po"
    po.write_text(po.read_text("utf-8").replace('msgstr "来源：', 'msgstr "资料来源：', 1), "utf-8")
    edited = catalogue(root / "templates", zh, problems, kept)
    assert edited is not first and edited.gettext("Source:") == "资料来源："
    po.write_text(po.read_text("utf-8") + '\nmsgid "broken"\n', "utf-8")
    for _ in range(2):
        before = len(problems.items)
        catalogue(root / "templates", zh, problems, kept)
        assert len(problems.items) == before + 1
    assert problems.items and problems.items[-1].message.startswith("message catalogue:")


def chart_text_sites(zh_takeaway: str) -> dict[str, str]:
    """The bilingual site with an English chart citing crossings-2023 and a full Chinese
    text for it (every key, so that it replaces the English) with ``zh_takeaway``."""
    files = bilingual_site()
    files["content/charts/crossings.py"] = files["content/charts/crossings.py"].replace(
        'takeaway="They rose fast."', 'takeaway="{fig:crossings-2023} crossed in 2023."')
    files["content/charts/zh.yaml"] = ("charts:\n  crossings-bar:\n    title: 每年穿越人数\n"
                                       f"    takeaway: {zh_takeaway}\n"
                                       "    description: 2021 至 2023 年每年穿越人数的柱状图。\n"
                                       "    notes:\n      - 2023 年的数字是初步的。\n")
    return files


def test_a_chart_translation_citing_other_figures_is_warned_about(site, failing_site):
    files = chart_text_sites("共有 {fig:crossings-total} 人穿越。")
    built = site(files)
    assert [str(w) for w in built.report.warnings] == [
        "content/charts/zh.yaml:2: warning: chart 'crossings-bar' cites other figures than its source "
        "(missing crossings-2023; not in the source: crossings-total) "
        "(a translation shows the same figures as its source: bring its text up to date)"]
    assert [m for m in failing_site(files, strict=True) if "zh.yaml" in m] == [str(built.report.warnings[0])]


def test_a_chart_translation_citing_the_same_figures_is_not_warned_about(site):
    built = site(chart_text_sites("2023 年有 {fig:crossings-2023} 人穿越。"))
    assert built.report.warnings == []
    assert "2023 年有 25,565 人穿越。" in built.read("zh/topics/route/index.html")


def test_labels_built_from_data_are_drawn_in_the_charts_language():
    from site_builder.chart_text import drawn_in, label, month, number

    peak = lambda: label("{count} ({month})", count=number(5950), month=month("2023-12"))
    assert peak() == "5,950 (Dec 2023)" and label("China reopens") == "China reopens"  # the default: English, as written
    with drawn_in("zh_Hans_CN", {"{count} ({month})": "{count}（{month}）", "China reopens": "中国重新开放"}):
        assert peak() == "5,950（2023年12月）" and label("China reopens") == "中国重新开放"
        assert label("Title 42 ends") == "Title 42 ends"  # untranslated text stays as written
    with drawn_in("de_DE", {}):
        assert peak() == "5.950 (Dez. 2023)"
    assert peak() == "5,950 (Dec 2023)"  # the language ends with the drawing


def test_a_title_broken_into_lines_is_translated_whole():
    from site_builder.chart_text import relabel

    labels = {"China's share of all encounters (%)": "中国公民所占比例\n（%）"}
    spec = {"title": {"text": ["China's share of all", "encounters (%)"], "fontSize": 12}, "tooltip": ["Year:O", "Share:Q"]}
    assert relabel(spec, labels) == {"title": {"text": ["中国公民所占比例", "（%）"], "fontSize": 12}, "tooltip": ["Year:O", "Share:Q"]}


def test_a_layer_without_a_title_does_not_add_its_field_name_to_a_shared_axis():
    from site_builder.chart_text import relabel

    y = {"field": "Chinese share (%)", "type": "quantitative"}
    spec = {"layer": [{"mark": "bar", "encoding": {"y": {**y, "title": "% of all"}}}, {"mark": "text", "encoding": {"y": y}}]}
    assert relabel(spec, {"Chinese share (%)": "中国人占比（%）", "% of all": "占全部比例"}) == {
        "layer": [{"mark": "bar", "encoding": {"y": {**y, "title": "占全部比例"}}}, {"mark": "text", "encoding": {"y": y}}]}
    alone = {"layer": [{"mark": "text", "encoding": {"y": y}}]}
    assert relabel(alone, {"Chinese share (%)": "中国人占比（%）"})["layer"][0]["encoding"]["y"]["title"] == "中国人占比（%）"
