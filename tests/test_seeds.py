"""Seed readers: every field of each shape, on the real seeds and on variants we wrote."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from site_builder.config import load_config
from site_builder.errors import Problems
from site_builder.readers import choose
from site_builder.seeds import load_article, seed_options

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SIDECARS = REPO / "content" / "seeds"


def repo_settings():
    """The readers' settings of this repository's content/site.toml (the outlets' habits)."""
    problems = Problems(REPO)
    settings, _ = seed_options(load_config(REPO / "content/site.toml", problems), REPO / "content/site.toml", problems)
    assert problems.items == []
    return settings


def read(name: str, sidecars: Path = SIDECARS, seeds: Path = SEEDS, allow: tuple[str, ...] = ()):
    problems = Problems(REPO)
    path = seeds / name
    article = load_article(path, sidecars / f"{path.stem}.yaml", REPO, problems, repo_settings())
    assert [str(p) for p in problems.items if not any(a in str(p) for a in allow)] == []
    return article


def kinds(article):
    return [block.kind for block in article.body]


def test_seeds_are_byte_identical_to_the_received_files():
    """Seeds are never edited: each file listed in tests/seeds.sha256 (``sha256sum``
    format, the files as received) still has its digest. A seed added later may be
    listed too (``cd seeds && sha256sum NEW >> ../tests/seeds.sha256``); the check
    reads nothing outside the repository."""
    listed = [line.split(maxsplit=1) for line in (REPO / "tests" / "seeds.sha256").read_text("utf-8").splitlines() if line.strip()]
    assert len(listed) >= 3
    for digest, name in listed:
        assert hashlib.sha256((SEEDS / name.strip()).read_bytes()).hexdigest() == digest, name


def test_front_matter_seed():
    article = read("000_1e58f4097661cb66.txt")
    assert article.shape == "frontmatter"
    assert article.title == "Chinese Migrants Seeking Asylum at US Border"
    assert article.dek.startswith("Amidst Economic Downturn and Political Repression")
    assert article.authors == ["Donna Teetree"]
    assert article.author_titles == ["Staff Writer"]
    assert article.outlet == "Newsmax"  # from the sidecar
    assert article.category == "News"
    assert article.published == dt.datetime(2023, 10, 30, 17, 42)
    assert article.original_published is None
    [image] = article.images
    assert image.caption.startswith("A group of migrants on their journey")
    assert image.credit == "Isaac Guzman/Getty Images"
    assert image.alt == "Migrants in a caravan moving towards the U.S. border"
    assert image.remote_url.startswith("https://www.newsmax.com/")
    assert kinds(article) == ["markdown"]
    assert article.body[0].line == 16
    assert "layout:" not in article.body[0].text and "---" not in article.body[0].text
    assert article.slug == "chinese-migrants-seeking-asylum-at-us-border"
    assert article.url == "/articles/chinese-migrants-seeking-asylum-at-us-border/"
    assert 380 < article.word_count < 440
    assert article.reading_minutes == 2


def test_scraped_page_seed():
    article = read("001_305bd766b2d23b6a.txt")
    assert article.shape == "scraped"
    assert article.title == "More people from China seeking asylum at US border"
    assert article.authors == ["Franziska Wüst"]
    assert article.outlet == "DW"
    assert article.published == dt.date(2024, 2, 29)
    assert article.dek.startswith("A weakening economy and increasing political repression")
    assert len(article.images) == 4
    first = article.images[0]
    assert first.caption == "US Customs and Border Patrol agents pick up migrants and transport them to transit centers for registration"
    assert first.credit == "Franziska Wüst/DW"
    assert first.alt.startswith("A group of migrants, some with their hands over their heads")
    assert all(image.credit == "Franziska Wüst/DW" and image.remote_url == "" for image in article.images)
    headings = [b.text for b in article.body if b.kind == "heading"]
    assert headings == ["For Chinese nationals, asylum chances are high", "'Take the risk'"]
    assert article.related == ["Thousands risk brutal crossing of Darien Gap into Panama",
                               "Mexico and US to tighten migration controls"]
    assert article.credit_line == "This article was originally written in German and translated by Jon Shelton."
    texts = " ".join(b.text for b in article.body)
    assert "Skip to" not in texts and "Image:" not in texts and "translated by" not in texts
    assert article.body[1].kind == "paragraph" and article.body[1].text.startswith("The skin beneath Guo's pant leg")
    assert 850 < article.word_count < 1000


def test_repost_seed():
    article = read("002_4c6f47375f493ccf.txt")
    assert article.shape == "repost"
    assert article.title == "Inside the Boom in Chinese Migrants at the Southern Border"
    assert article.authors == ["Han Chen", "Stef W. Knight"]
    assert article.outlet == "Axios"
    assert article.published == dt.date(2023, 3, 30)
    assert article.original_published == dt.date(2023, 3, 29)
    leads = [b.lead for b in article.body if b.lead]
    assert leads == ["Why it matters", "Zoom in", "By the numbers", "The big picture"]
    lists = [b for b in article.body if b.kind == "list"]
    assert len(lists) == 4
    assert [item.kind for item in lists[1].items] == ["paragraph", "elision", "paragraph"]
    every_text = " ".join(b.text for b in article.body) + " ".join(i.text for l in lists for i in l.items)
    assert "•" not in every_text and "{snip}" not in every_text
    assert article.summary.startswith("Thousands of Chinese migrants")


# ---- variants we wrote: the readers generalise beyond the three files ------------------

SCRAPED_VARIANT = """\
  1. Skip to content
  2. Skip to main menu

Floods leave thousands homeless in river delta

Maria Gonzalez and Li Wei
June 3, 2025

Heavy rain has swollen rivers across the region. Aid groups say the worst is yet to come.

Rescuers in a boat pull a family from a flooded street
Rescue teams worked through the nightImage: Maria Gonzalez/DW

Water rose by two metres in a single night, residents said.

What comes next

Officials promised new levees by next spring.

Translated by Sam Okafor.
"""

REPOST_VARIANT = """\
Posted on January 5, 2024

Ports brace for a busy winter

Jordan Smith, Reuters, January 4, 2024

Shipping companies expect record volumes this winter.

Why it matters: Delays ripple through every supply chain.

  • Container rates rose 12% in December.
  • {snip}
"""

FRONTMATTER_VARIANT = """\
---
title: "A short report"
date: 2022-05-01
---

Only a body, no optional fields.
"""


@pytest.fixture
def variants(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name, text in [("a.txt", SCRAPED_VARIANT), ("b.txt", REPOST_VARIANT), ("c.md", FRONTMATTER_VARIANT)]:
        (seeds / name).write_text(text, "utf-8")
    return seeds


def test_scraped_variant(variants, tmp_path):
    article = read("a.txt", tmp_path / "none", variants, allow=("read as 'scraped' by a guess",))
    assert article.shape == "scraped"
    assert article.title == "Floods leave thousands homeless in river delta"
    assert article.authors == ["Maria Gonzalez", "Li Wei"]
    assert article.published == dt.date(2025, 6, 3)
    assert article.dek.startswith("Heavy rain has swollen rivers")
    [image] = article.images
    assert (image.caption, image.credit) == ("Rescue teams worked through the night", "Maria Gonzalez/DW")
    assert image.alt == "Rescuers in a boat pull a family from a flooded street"
    assert [b.text for b in article.body if b.kind == "heading"] == ["What comes next"]
    assert article.credit_line == "Translated by Sam Okafor."


def test_repost_variant_with_single_author(variants, tmp_path):
    article = read("b.txt", tmp_path / "none", variants)
    assert article.shape == "repost"
    assert article.authors == ["Jordan Smith"]
    assert article.outlet == "Reuters"
    assert article.original_published == dt.date(2024, 1, 4)
    assert article.published == dt.date(2024, 1, 5)
    assert [b.kind for b in article.body] == ["paragraph", "paragraph", "list"]
    assert article.body[1].lead == "Why it matters"
    assert [i.kind for i in article.body[2].items] == ["paragraph", "elision"]


def test_front_matter_variant_without_optional_fields(variants, tmp_path):
    article = read("c.md", tmp_path / "none", variants)
    assert article.shape == "frontmatter"
    assert article.title == "A short report"
    assert (article.dek, article.authors, article.images, article.outlet) == ("", [], [], "")
    assert article.published == dt.date(2022, 5, 1)
    assert article.summary == "A short report"


@pytest.mark.parametrize("text, shape", [
    ("---\ntitle: x\n---\nbody", "frontmatter"),
    ("Posted on May 1, 2023\n\nTitle\n\nA B, Outlet, April 30, 2023\n\nText", "repost"),
    ("Title\n\nAuthor\nMay 1, 2023\n\nText", "scraped"),
    ("just some words\n\nand more", None),
])
def test_shape_is_chosen_from_content(text, shape):
    assert choose(text, Path("x.txt"), repo_settings())[0] == shape
