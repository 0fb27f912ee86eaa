"""``site-builder new page|chart|seed NAME``: each file it writes builds as written
(strict), it prints what to edit next, and it never overwrites anything."""

from __future__ import annotations

import pytest

from conftest import make_site as make_bare_site, page
from fixtures_site import REPOST, data_files
from site_builder.build import build
from site_builder.cli import main


# the pages every page's header and footer link to: a strict build needs them
LINKED = {"content/pages/index.md": page("Home", template="home"), "content/pages/about.md": page("About"),
          "content/pages/sources.md": page("Sources")}


def make_site(root, files):
    return make_bare_site(root, {**LINKED, **files})


def new(root, *args, capsys) -> str:
    assert main(["--root", str(root), "new", *args]) == 0
    return capsys.readouterr().out


def strict_build(root, tmp_path):
    return build(root, out=tmp_path / "out", cache_dir=tmp_path / "cache", strict=True)


def test_new_page_builds_and_says_where_it_is_published(tmp_path, capsys):
    root = make_site(tmp_path / "site", {})
    out = new(root, "page", "topics/the-route", capsys=capsys)
    assert out.splitlines()[0] == "wrote content/pages/topics/the-route.md"
    assert "published at /topics/the-route/" in out
    strict_build(root, tmp_path)
    html = (tmp_path / "out" / "topics" / "the-route" / "index.html").read_text("utf-8")
    assert "The route</h1>" in html and 'id="a-heading"' in html


def test_new_chart_takes_the_datasets_and_renders_with_its_table(tmp_path, capsys):
    root = make_site(tmp_path / "site", data_files())
    out = new(root, "chart", "crossings-yearly", capsys=capsys)
    assert out.splitlines()[0] == "wrote content/charts/crossings_yearly.py"
    assert "```chart crossings-yearly```" in out
    module = (root / "content" / "charts" / "crossings_yearly.py").read_text("utf-8")
    assert "def crossings_yearly(data):" in module and 'datasets=["crossings"]' in module
    (root / "content" / "pages" / "x.md").write_text("---\ntitle: X\nsummary: S\n---\n```chart crossings-yearly\n```\n")
    strict_build(root, tmp_path)
    page = (tmp_path / "out" / "x" / "index.html").read_text("utf-8")
    assert "<svg" in page and "Crossings by Year" in page
    assert (tmp_path / "out" / "charts" / "crossings-yearly.csv").read_text() == "year,count\n2021,77\n2022,2005\n2023,25565\n"


def test_new_seed_copies_the_file_as_received_and_writes_a_sidecar_that_builds(tmp_path, capsys):
    root = make_site(tmp_path / "site", {})
    received = tmp_path / "003_repost.txt"
    received.write_bytes(REPOST.encode())
    out = new(root, "seed", str(received), capsys=capsys)
    assert out.splitlines()[0] == "wrote content/seeds/003_repost.yaml"
    assert "published at /articles/a-reposted-story/" in out
    assert (root / "seeds" / "003_repost.txt").read_bytes() == received.read_bytes()
    sidecar = (root / "content" / "seeds" / "003_repost.yaml").read_text("utf-8")
    assert "# The reader found: title 'A reposted story', outlet The Outlet" in sidecar
    assert "# outlet:" in sidecar and "\ntags: []" in sidecar
    strict_build(root, tmp_path)
    assert (tmp_path / "out" / "articles" / "a-reposted-story" / "index.html").is_file()


@pytest.mark.parametrize("args, message", [
    (["page", "Bad_Name"], "'Bad_Name' is not a page path of clean slugs"),
    (["page", "../escape"], "'../escape' is not a page path of clean slugs"),
    (["chart", "a/b"], "'a/b' is not a chart id"),
    (["chart", "no-data"], "a chart draws a dataset: add content/data/<name>.csv"),
    (["seed", "missing.txt"], "no seed 'missing.txt' in seeds/"),
    (["page", "about", "--dataset", "x"], "--dataset is for 'new chart' only"),
])
def test_new_refuses_a_bad_name_with_a_usage_error(tmp_path, capsys, args, message):
    root = make_site(tmp_path / "site", {})
    with pytest.raises(SystemExit) as exit_:
        main(["--root", str(root), "new", *args])
    assert exit_.value.code == 2 and message in capsys.readouterr().err


def test_new_never_overwrites(tmp_path, capsys):
    root = make_site(tmp_path / "site", {"content/pages/about.md": "---\ntitle: Mine\nsummary: S\n---\nText.\n"})
    with pytest.raises(SystemExit):
        main(["--root", str(root), "new", "page", "about"])
    assert "content/pages/about.md already exists; nothing was written" in capsys.readouterr().err
    assert (root / "content" / "pages" / "about.md").read_text().startswith("---\ntitle: Mine")


def test_new_seed_prints_what_the_reader_could_only_guess(tmp_path, capsys):
    root = make_site(tmp_path / "site", {})
    received = tmp_path / "004_scraped.txt"
    received.write_text("Skip to content\n\nA scraped headline here\n\nBy Somebody\n\nFebruary 29, 2024\n\nSome text of the article, long enough.\n")
    out = new(root, "seed", str(received), capsys=capsys)
    assert "  - check: seeds/004_scraped.txt:1: warning: read as 'scraped' by a guess" in out
    assert "'reader: scraped'" in out


def test_every_sidecar_key_has_a_note_for_new_seed():
    from site_builder.scaffold import SIDECAR_NOTES
    from site_builder.sidecar import FIELDS

    assert set(FIELDS) == set(SIDECAR_NOTES)
