"""Each seed reader against its fixtures: ``tests/readers/<reader>/<case>.<ext>`` is a
small realistic seed, ``<case>.expected.json`` the article it must become (and the
problems it must report, with no sidecar). ``settings.json`` in a reader's folder is
what ``[readers.<reader>]`` in site.toml would give. Adding a case adds files, not code.

``REGENERATE=1`` writes the expected files from what the readers do now (then read
the diff before committing it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from pathlib import Path

import pytest

from conftest import MINIMAL_CONFIG
from site_builder.errors import Problems
from site_builder.readers import READERS, load_settings
from site_builder.seeds import load_article

FIXTURES = Path(__file__).parent / "readers"
CASES = sorted(p for p in FIXTURES.glob("*/*") if p.is_file() and p.name != "settings.json"
               and not p.name.endswith(".expected.json"))


def as_json(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(type(value))


def article_model(article) -> dict:
    """The article as its expected file holds it: every field but the rendered HTML."""
    fields = dataclasses.asdict(article)
    del fields["html"], fields["source"]
    return json.loads(json.dumps(fields, default=as_json, ensure_ascii=False))


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_reader_fixture(case: Path, tmp_path):
    reader = case.parent.name
    settings_file = case.parent / "settings.json"
    raw = json.loads(settings_file.read_text("utf-8")) if settings_file.is_file() else {}
    problems = Problems(case.parent)
    settings = load_settings({reader: raw}, settings_file, problems)
    article = load_article(case, tmp_path / f"{case.stem}.yaml", case.parent, problems, settings)
    found = {"problems": [str(p).replace(str(tmp_path), "<sidecars>") for p in problems.items],
             "article": article_model(article) if article else None}
    expected_file = case.with_name(f"{case.stem}.expected.json")
    if os.environ.get("REGENERATE"):
        expected_file.write_text(json.dumps(found, indent=2, ensure_ascii=False) + "\n", "utf-8")
    assert found == json.loads(expected_file.read_text("utf-8"))
    assert article is None or article.shape == reader


def test_every_reader_has_fixtures():
    assert {p.parent.name for p in CASES} == set(READERS)


def test_excerpt_rights_shorten_the_body_and_link_the_original(site):
    """``rights: excerpt`` (site default or a seed's sidecar) shows the opening up to
    ``excerpt_words`` words, with a prominent link to the original."""
    seed = (FIXTURES / "plaintext" / "wire-story.txt").read_text("utf-8")
    built = site({"seeds/wire.txt": seed, "seeds/full.txt": seed.replace("Farmers", "Growers"),
                  "content/seeds/wire.yaml": "rights: excerpt\nurl: https://news.example.org/hail\n",
                  "content/seeds/full.yaml": "rights: full\n",
                  "content/site.toml": MINIMAL_CONFIG + "\n[seeds]\nrights = 'excerpt'\nexcerpt_words = 20\n"})
    html = built.read("articles/farmers-in-the-valley-count-losses-after-hailstorm/index.html")
    assert "This is an excerpt." in html and '<a href="https://news.example.org/hail">read the full article' in html
    assert "Hail the size of golf balls" in html and "We lost almost everything" not in html
    assert "Quoted in part" in html
    full = built.read("articles/growers-in-the-valley-count-losses-after-hailstorm/index.html")
    assert "We lost almost everything" in full and "This is an excerpt." not in full
