"""The truth engine in tiny real sites: numbers typed by hand are reported where they
were typed, and figures fill chart text and claim notes from the data."""

from __future__ import annotations

import re

from conftest import MINIMAL_CONFIG, REPO, page
from fixtures_site import CHART_MODULE, REPOST, chart_files, data_files

from site_builder.build import Paths, gather
from site_builder.errors import Problems

CHECKED = {"content/site.toml": MINIMAL_CONFIG.replace('base_url = "https://example.org"\n',
                                                       'base_url = "https://example.org"\ncheck_numbers = true\n')}

CHART_WITH_FIGURES = CHART_MODULE.replace(
    'takeaway="They rose fast."',
    'takeaway="They rose to {fig:crossings-2023} in 2023, {fig:change crossings-2022 crossings-2023}."').replace(
    '"A bar chart of crossings per year, 2021 to 2023."', '"A bar chart of crossings, {fig:crossings-total} in all."').replace(
    'notes=["2023 is provisional."]', 'notes=["2023 is provisional: {fig:one-in crossings-2022 crossings-total} crossed in 2022."]')
FIGURE_2022 = """
crossings-2022:
  label: "Crossings in 2022"
  query: {dataset: crossings, column: count, where: {year: 2022}, agg: value}
"""
CLAIMS = """\
- quote: "Fewer than 80 crossed in 2021"
  claimed: 80
  period: "2021"
  query: {dataset: crossings, column: count, where: {year: 2021}, agg: value}
  note: "The count rose to {fig:crossings-2023} two years later."
"""


def test_a_hand_typed_number_fails_a_strict_build_at_its_line(failing_site):
    body = "Intro in 2023.\n\nThen 12,345 people crossed, against {fig:crossings-2023} counted.\n"
    messages = failing_site({**CHECKED, **data_files(), "content/pages/x.md": page("X", body)}, strict=True)
    assert messages == ["content/pages/x.md:7: warning: number '12,345' is typed by hand (compute it as a "
                        "figure in content/figures.yaml, or mark it {n:12,345|why it is typed})"]


def test_the_hint_names_the_figure_that_holds_the_value(site):
    built = site({**CHECKED, **data_files(), "content/pages/x.md": page("X", "All 25,565 of them.")})
    [warning] = [str(w) for w in built.report.warnings if w.source == "content/pages/x.md"]
    assert warning.startswith("content/pages/x.md:5: warning: number '25,565'")
    assert "the figure 'crossings-2023' holds this value: write {fig:crossings-2023}" in warning


def test_an_exemption_needs_its_reason(failing_site):
    files = {**CHECKED, **data_files(), "content/pages/x.md": page("X", "A town {n:75 miles} away.")}
    assert any("exempts a number without a reason" in m for m in failing_site(files))


def test_without_the_setting_numbers_are_not_checked(site):
    built = site({**data_files(), "content/pages/x.md": page("X", "Then 12,345 people crossed.")})
    assert not [w for w in built.report.warnings if "typed by hand" in w.message]


def test_figures_fill_chart_text_from_the_data(site):
    files = {**chart_files(), "content/charts/crossings.py": CHART_WITH_FIGURES,
             "content/figures.yaml": data_files()["content/figures.yaml"] + FIGURE_2022,
             "content/pages/x.md": page("X", "```chart crossings-bar\n```")}
    html = site(files).read("x/index.html")
    assert "They rose to 25,565 in 2023, +1,175%." in html  # 2,005 → 25,565
    assert "A bar chart of crossings, 27,647 in all." in html  # in the SVG's description
    assert "2023 is provisional: 1 in 14 crossed in 2022." in html
    assert "{fig:" not in html


def test_figures_fill_claim_notes_and_the_verdict_is_computed(site):
    files = {**data_files(), "seeds/one.txt": REPOST, "content/claims/a-reposted-story.yaml": CLAIMS,
             "content/pages/x.md": page("X", "{claims:summary}")}
    built = site(files)
    article = built.read("articles/a-reposted-story/index.html")
    row = re.search(r"<tr>(?:(?!</tr>).)*Fewer than 80(?:(?!</tr>).)*</tr>", article, re.S).group(0)
    assert ">77 people</a>" in row and "verdict-close" in row and "The count rose to 25,565 two years later." in row
    assert "Of 1 figure checked in 1 article, 1 is close." in built.read("x/index.html")


def test_the_real_site_has_no_number_typed_by_hand():
    problems = Problems(REPO)
    gather(Paths(REPO), problems)
    assert [str(p) for p in problems.items] == []


def test_a_note_cannot_pronounce_another_verdict(site):
    claims = CLAIMS.replace("The count rose to {fig:crossings-2023} two years later.", "This matches the official count.")
    built = site({**data_files(), "seeds/one.txt": REPOST, "content/claims/a-reposted-story.yaml": claims})
    assert ["content/claims/a-reposted-story.yaml:5: warning: the note says 'matches', but the computed verdict is "
            "'close' (a note only adds context after the computed explanation; leave the verdict to the build)"] == \
        [str(w) for w in built.report.warnings if w.source.startswith("content/claims")]


def test_the_preview_scans_only_the_texts_that_changed_and_reports_the_same(tmp_path):
    from conftest import make_site
    from site_builder.build import build
    from site_builder.memo import InputMemo

    files = {**CHECKED, **data_files(), "content/pages/x.md": page("X in 12 steps", "Then 12,345 crossed."),
             "content/pages/y.md": page("Y", "No numbers here.")}
    root = make_site(tmp_path / "site", files)
    memo = InputMemo()

    def typed() -> list[str]:
        report = build(root, out=tmp_path / "out", cache_dir=tmp_path / "cache", drafts=True, memo=memo)
        return [str(w) for w in report.warnings if "typed by hand" in w.message]

    first = typed()
    assert first == ["content/pages/x.md:2: warning: number '12' is typed by hand (compute it as a figure in "
                     "content/figures.yaml, or mark it {n:12|why it is typed})",
                     "content/pages/x.md:5: warning: number '12,345' is typed by hand (compute it as a figure in "
                     "content/figures.yaml, or mark it {n:12,345|why it is typed})"]
    scans = memo.recent("numerals")
    assert scans.hits == 0
    assert typed() == first and scans.hits > 0  # nothing scanned again, the same warnings
    hits = scans.hits
    (root / "content/pages/y.md").write_text(page("Y", "Now 77 of them."), "utf-8")
    assert typed() == first + ["content/pages/y.md:5: warning: number '77' is typed by hand (compute it as a "
                               "figure in content/figures.yaml, or mark it {n:77|why it is typed})"]
    assert scans.hits > hits
    (root / "content/pages/y.md").write_text(page("Y", "No numbers here."), "utf-8")
    assert typed() == first
