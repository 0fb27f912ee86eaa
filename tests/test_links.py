"""Link integrity: every internal link, anchor and image of the built site resolves,
external links are https, and a broken one names the input line that made it."""

from __future__ import annotations

import pytest
from conftest import MINIMAL_CONFIG, page
from fixtures_site import chart_files

# the pages every page's header and footer link to
LINKED = {"content/pages/index.md": page("Home", template="home"), "content/pages/about.md": page("About"),
          "content/pages/sources.md": page("Sources")}


def test_sound_links_give_no_warning(site):
    built = site({
        **LINKED,
        **chart_files(),
        "content/pages/index.md": page("Home", "See [the route](/topics/route/#leg-one), [why](../topics/why/) and "
                                       "[the data](/data/crossings/crossings.csv).\n\n```chart crossings-bar\n```",
                                       template="home"),
        "content/pages/topics/route.md": page("The route", "## Leg one\n\n[Back up](#leg-one), [elsewhere](https://example.org/a)."),
        "content/pages/topics/why.md": page("Why", "[mail](mailto:a@example.org)"),
    })
    assert built.report.warnings == []


def test_broken_links_name_the_source_line(site):
    body = "Intro.\n\nA [dead link](/topics/nowhere/) here.\n\nA [bad anchor](/topics/route/#no-such-heading).\n\n" \
           "An [old link](http://example.org/x).\n\n![a picture](/images/missing.png)\n"
    built = site({
        **LINKED,
        "content/pages/topics/route.md": page("The route", "## Leg one\n\nText."),
        "content/pages/x.md": page("X", body),
    })
    messages = [str(w) for w in built.report.warnings if w.source == "content/pages/x.md"]
    # front matter is 4 lines, so body line n is file line n + 4
    assert messages == [
        "content/pages/x.md:7: warning: broken link '/topics/nowhere/': nothing is published at /topics/nowhere/"
        " (check the address or build with --drafts; seen in x/index.html)",
        "content/pages/x.md:9: warning: broken anchor '/topics/route/#no-such-heading': /topics/route/ has no id"
        " 'no-such-heading' (link to a heading's id; seen in x/index.html)",
        "content/pages/x.md:11: warning: insecure link 'http://example.org/x' (use https://; seen in x/index.html)",
        "content/pages/x.md:13: warning: broken image '/images/missing.png': nothing is published at"
        " /images/missing.png (check the address or build with --drafts; seen in x/index.html)",
    ]


def test_strict_build_fails_on_a_broken_link_and_publishes_nothing(failing_site, tmp_path):
    messages = failing_site({**LINKED, "content/pages/x.md": page("X", "[gone](/gone/)")}, strict=True)
    assert messages == ["content/pages/x.md:5: warning: broken link '/gone/': nothing is published at /gone/"
                        " (check the address or build with --drafts; seen in x/index.html)"]
    assert not (tmp_path / "site" / "public").exists()


def test_a_link_to_a_draft_is_broken_unless_drafts_are_built(site):
    files = {**LINKED, "content/pages/x.md": page("X", "[soon](/y/)"), "content/pages/y.md": page("Y", draft="true")}
    assert [w.message for w in site(files).report.warnings] == ["broken link '/y/': nothing is published at /y/"]
    assert site(files, drafts=True).report.warnings == []


def test_a_broken_shared_link_is_reported_once_at_its_configuration_line(site):
    config = MINIMAL_CONFIG + '\n[[nav]]\ntitle = "Lost"\nurl = "/lost/"\n'
    built = site({"content/site.toml": config, **LINKED, "content/pages/a.md": page("A"), "content/pages/b.md": page("B")})
    lost = sorted({(w.source, w.line) for w in built.report.warnings if "'/lost/'" in w.message})
    line = config.splitlines().index('url = "/lost/"') + 1
    assert lost == [("content/site.toml", line)]


def test_incremental_link_check_equals_a_full_check_after_anchor_edits(tmp_path):
    """Reused pages are not parsed again, yet the warnings are exactly those of a build
    with an empty cache (which parses every page) after each edit."""
    from conftest import make_site, write_files

    from site_builder.build import build

    def route(heading: str) -> str:
        return page("The route", f"## {heading}\n\nText.")
    root = make_site(tmp_path / "site", {
        **LINKED,
        "content/pages/topics/route.md": route("Leg one"),
        "content/pages/x.md": page("X", "See [leg one](/topics/route/#leg-one) and [leg two](/topics/route/#leg-two)."),
    })
    first = build(root, cache_dir=tmp_path / "warm")
    assert first.link_scans == first.pages  # every HTML page
    edits = [route("Leg two"), route("Leg one\n\n## Leg two"), route("Leg three")]
    for number, edit in enumerate(edits):
        write_files(root, {"content/pages/topics/route.md": edit})
        incremental = build(root, cache_dir=tmp_path / "warm")
        full = build(root, out=tmp_path / f"full-{number}", cache_dir=tmp_path / f"cold-{number}")
        assert incremental.link_scans == 1  # the route page alone; the page linking to it is reused
        assert full.link_scans == full.pages
        assert [str(w) for w in incremental.warnings] == [str(w) for w in full.warnings]
    assert [w.message for w in incremental.warnings] == [
        "broken anchor '/topics/route/#leg-one': /topics/route/ has no id 'leg-one'",
        "broken anchor '/topics/route/#leg-two': /topics/route/ has no id 'leg-two'"]


def test_a_broken_link_in_a_template_is_one_warning_naming_its_pages(site):
    built = site({"content/pages/a.md": page("A"), "content/pages/b.md": page("B")})
    about = [str(w) for w in built.report.warnings if "'/about/'" in w.message]
    assert len(about) == 1
    assert about[0].endswith("(check the address or build with --drafts; seen in 8 pages: 404.html, a/index.html, articles/index.html, …)")


@pytest.mark.parametrize("html", [
    '<!doctype html><html><head><link rel="canonical" href="https://x.org/a/"><link rel="stylesheet" href="/s.css">'
    '</head><body><a href="/a/?x=1&amp;y=2" id="top">A &amp; <b>bold</b> link</a><A HREF=/b/ NAME=n>B</A>'
    '<img src="/i.png" srcset="/i.png 1x, /i2.png 2x" alt=""><p id="">empty id</p><a href="/c/"/>after</body></html>',
    '<p>1 < 2 and <a href="/x/">x<br/>y</a></p><!-- <a href="/hidden/"> --><script>var a = "<a href=\'/no/\'>";</script>'
    '<style>a[href="/no/"] {}</style><a href=\'/single/\' disabled>single</a><a href="/open/">never closed',
    '<a href="/a/">one<a href="/b/">two</a> <span id=x-1 data-v="a>b">t</span> <![CDATA[x]]> <a href="/after-cdata/">z</a>',
])
def test_the_fast_scan_reads_pages_as_html_parser_does(html):
    from site_builder.links import scan, scan_with_parser
    fast, parsed = scan(html), scan_with_parser(html)
    assert (fast.ids, [(l.url, l.tag, l.text) for l in fast.links]) == \
        (parsed.ids, [(l.url, l.tag, l.text) for l in parsed.links])


def test_the_fast_scan_reads_every_page_of_a_built_site_as_html_parser_does(site):
    from site_builder.links import _fast_scan, scan_with_parser
    built = site({**chart_files(), "content/pages/index.md": page("Home", "Hi [you](/x/?a=1&b=2 \"t\").", template="home"),
                  "content/pages/topics/a.md": page("A <&>", "## Part\n\n```chart crossings-bar\n```\n\n{fig:crossings-2023}")})
    pages = built.pages()
    assert len(pages) > 8
    for path in pages:
        html = path.read_text("utf-8")
        fast, parsed = _fast_scan(html), scan_with_parser(html)
        assert fast is not None, path
        assert (fast.ids, [(l.url, l.tag, l.text) for l in fast.links]) == \
            (parsed.ids, [(l.url, l.tag, l.text) for l in parsed.links]), path
