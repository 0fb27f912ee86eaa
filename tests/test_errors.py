"""One root cause, one message: the 'did you mean' helper, consequences folded into
their roots, and the suggestions a build makes for misspelt names (unit tests first)."""

from __future__ import annotations

from pathlib import Path

from conftest import page
from fixtures_site import REPOST, chart_files, data_files
from site_builder.errors import BuildError, Problems, did_you_mean
from site_builder.sourcefile import KEY_ALIASES


def test_a_close_spelling_is_suggested():
    assert did_you_mean("darien-china-shares", ["darien-china-share", "darien-annual"]) == "did you mean 'darien-china-share'?"
    assert did_you_mean("/topics/asylm/", ["/", "/topics/asylum/", "/topics/route/"]) == "did you mean '/topics/asylum/'?"


def test_a_far_name_lists_the_known_ones_not_a_wrong_guess():
    fields = ["articles", "draft", "order", "summary", "tags", "template", "title"]
    assert did_you_mean("date", fields, KEY_ALIASES, label="known keys") == f"known keys: {', '.join(fields)}"
    assert did_you_mean("x", []) == "known: none"
    assert did_you_mean("zzz", [f"n{i}" for i in range(12)], listed=2) == "known: n0, n1, … (12 in all)"


def test_a_documented_alias_wins_over_spelling():
    assert did_you_mean("layout", ["template", "title"], KEY_ALIASES) == "did you mean 'template'?"
    assert did_you_mean("published", ["date", "draft"], KEY_ALIASES) == "did you mean 'date'?"
    # an alias whose target the mapping lacks is no hint
    assert did_you_mean("weight", ["title"], KEY_ALIASES) == "known: title"


def test_consequences_are_folded_into_their_root(tmp_path):
    problems = Problems(tmp_path)
    since = len(problems.items)
    problems.add(tmp_path / "d.csv", 3, "bad cell")
    problems.failed("dataset:d", since)
    assert problems.blocked(["dataset:d"], "figure:f1")
    assert problems.blocked(["figure:f1"], "page:a.md")  # through the figure to the dataset
    assert problems.blocked(["dataset:e", "dataset:d"], "chart:c")
    assert not problems.blocked(["dataset:e"], "figure:f2")
    assert [str(p) for p in BuildError(problems.items).problems] == [
        "d.csv:3: bad cell; used by 1 chart (c), 1 figure (f1) and 1 page (a.md)"]


def test_the_same_problem_met_by_many_pages_is_printed_once(tmp_path):
    problems = Problems(tmp_path)
    for name in "abcde":
        problems.add_for(f"page:{name}.md", tmp_path / "t.html", 2, "template error")
    problems.add(tmp_path / "other.md", 1, "unrelated")
    assert [str(p) for p in BuildError(problems.items).problems] == [
        "other.md:1: unrelated", "t.html:2: template error; used by 5 pages (a.md, b.md, c.md, …)"]


def test_a_child_list_sees_what_failed_in_the_build(tmp_path):
    problems = Problems(tmp_path)
    problems.add(tmp_path / "x.py", 1, "chart module failed to load")
    problems.failed("file:x.py", 0)
    child = problems.child()
    assert child.blocked(["file:x.py"], "page:a.md") and child.items[0].cause == "file:x.py"


def test_misspelt_chart_and_figure_get_a_suggestion(failing_site):
    body = "{fig:crossings-2032} here.\n\n```chart crossings-bars\n```\n"
    assert failing_site({**chart_files(), "content/pages/x.md": page("X", body)}) == [
        "content/pages/x.md:5: unknown figure key 'crossings-2032' (did you mean 'crossings-2023'?)",
        "content/pages/x.md:7: unknown chart 'crossings-bars' (did you mean 'crossings-bar'?)"]


def test_misspelt_links_and_anchors_get_a_suggestion(site):
    body = "[a](/topics/asylm/) and [b](/topics/route/#step-one-a-flight-to-ecuadr)\n"
    built = site({"content/pages/topics/asylum.md": page("Asylum"),
                  "content/pages/topics/route.md": page("Route", "## Step one: a flight to Ecuador\n\nText."),
                  "content/pages/x.md": page("X", body)})
    hints = sorted(w.hint.split(";")[0] for w in built.report.warnings if w.source == "content/pages/x.md")
    assert hints == ["did you mean '#step-one-a-flight-to-ecuador'?", "did you mean '/topics/asylum/'?"]


def test_an_unknown_page_key_names_the_documented_one(failing_site):
    assert failing_site({"content/pages/x.md": page("X", layout="page", pubdate="2024-01-02")}, strict=True) == [
        "content/pages/x.md:4: warning: unknown key 'layout' in front matter (did you mean 'template'?)",
        "content/pages/x.md:5: warning: unknown key 'pubdate' in front matter (did you mean 'date'?)"]


def test_no_guess_between_equally_close_names():
    assert did_you_mean("/topics/p30/", ["/topics/p10/", "/topics/p20/"]) == "known: /topics/p10/, /topics/p20/"


def test_a_misspelt_article_slug_gets_a_suggestion(failing_site):
    messages = failing_site({"seeds/003_repost.txt": REPOST,
                             "content/pages/x.md": page("X", articles="[a-reposted-stroy]")})
    assert messages == ["content/pages/x.md:1: unknown article 'a-reposted-stroy' in 'articles' (did you mean 'a-reposted-story'?)"]


def test_a_misspelt_column_or_dataset_in_a_figure_gets_a_suggestion(failing_site):
    figures = ("a:\n  label: A\n  query: {dataset: crossings, column: cuont, where: {year: 2023}, agg: value}\n"
               "b:\n  label: B\n  query: {dataset: crosings, column: count, where: {year: 2023}, agg: value}\n")
    assert failing_site({**data_files(), "content/figures.yaml": figures}) == [
        "content/figures.yaml:3: dataset 'crossings' has no column 'cuont' (did you mean 'count'?)",
        "content/figures.yaml:6: unknown dataset 'crosings' (did you mean 'crossings'?)"]
