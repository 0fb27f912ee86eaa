"""A deterministic synthetic site of N articles, in this engine's formats.

Every article is a page under ``content/pages/topics/`` with front matter and a
600–900-word Markdown body (headings, lists, links, quotes); every tenth one embeds a
chart and cites a figure computed from one of three datasets. The same seed always
gives the same bytes, so runs are comparable. ``--peers`` also writes the corpus for
Hugo, MkDocs and Pelican (plain Markdown, their own front matter).
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORDS = ("border migrant route asylum jungle river village data official report crossing family "
         "journey ticket flight visa court hearing officer record month year number share rate "
         "policy country city road boat guide camp shelter food water night morning week").split()
CHART_EVERY = 10
DATASETS = ("alpha", "beta", "gamma")

CONFIG = """\
title = "Benchmark Site"
description = "A synthetic site for timing builds."
base_url = "https://bench.example.org"
search = {search}

[sections.topics]
title = "Topics"
template = "topic"

[[nav]]
title = "Topics"
url = "/topics/"
"""
DATASET_YAML = """\
title: "Series {name}"
agency: "Synthetic Agency"
url: "https://example.org/{name}"
definition: "Counts of a synthetic series."
unit: "people"
as_of: "2024-01-01"
caveats: []
columns:
  year: {{type: int, label: "Year"}}
  count: {{type: int, label: "Count"}}
"""
CHART_MODULE = '''\
from site_builder.charts import chart


def _bars(rows_in):
    import altair as alt
    rows = [{"Year": str(r["year"]), "Count": r["count"]} for r in rows_in]
    return alt.Chart(alt.Data(values=rows)).mark_bar().encode(x="Year:O", y="Count:Q").properties(width=300, height=200), rows
'''
CHART_DEF = '''

@chart("{name}-bars", title="Series {name} per year", takeaway="It varies.",
       description="A bar chart of series {name} per year.", datasets=["{name}"])
def {name}_bars(data):
    return _bars(data["{name}"].rows)
'''


def _sentence(rng: random.Random, low: int = 8, high: int = 18) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def article_body(rng: random.Random, index: int, total: int) -> tuple[str, int]:
    """Markdown of 600–900 words; returns (text, words)."""
    target, words, parts = rng.randint(600, 900), 0, []
    while words < target:
        kind = rng.random()
        if kind < 0.12:
            heading = _sentence(rng, 2, 5).rstrip(".")
            parts.append(f"## {heading}")
            words += len(heading.split())
        elif kind < 0.24:
            items = [_sentence(rng, 4, 9) for _ in range(rng.randint(3, 5))]
            parts.append("\n".join(f"- {item}" for item in items))
            words += sum(len(i.split()) for i in items)
        elif kind < 0.32:
            quote = _sentence(rng, 12, 24)
            parts.append(f"> {quote}")
            words += len(quote.split())
        else:
            sentences = [_sentence(rng) for _ in range(rng.randint(3, 6))]
            other = rng.randrange(total)
            sentences.insert(1, f"See [the related story](/topics/article-{other:05d}/) and *why it matters*.")
            paragraph = " ".join(sentences)
            parts.append(paragraph)
            words += len(paragraph.split())
    return "\n\n".join(parts) + "\n", words


def articles(n: int, seed: int = 1) -> list[dict]:
    """The corpus as data: slug, title, summary, body, chart id (or None)."""
    rng = random.Random(seed)
    items = []
    for index in range(n):
        body, _ = article_body(rng, index, n)
        chart = DATASETS[index // CHART_EVERY % len(DATASETS)] if index % CHART_EVERY == 0 else None
        items.append({"slug": f"article-{index:05d}", "title": _sentence(rng, 3, 7).rstrip("."),
                      "summary": _sentence(rng, 10, 16), "order": index, "body": body, "chart": chart})
    return items


def write_site(root: Path, n: int, seed: int = 1, search: bool = False) -> Path:
    """Write an engine site with ``n`` articles into ``root`` (replaced). Without
    ``search`` it has no search page or index, like the peers' sites."""
    shutil.rmtree(root, ignore_errors=True)
    (root / "content" / "pages" / "topics").mkdir(parents=True)
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "static", root / "static")
    (root / "content" / "site.toml").write_text(CONFIG.format(search=str(search).lower()), "utf-8")
    data = root / "content" / "data"
    data.mkdir()
    figures, module = [], CHART_MODULE
    for k, name in enumerate(DATASETS):
        rows = "".join(f"{2015 + y},{(y + 1) * (k + 3) * 137}\n" for y in range(9))
        (data / f"{name}.csv").write_text("year,count\n" + rows, "utf-8")
        (data / f"{name}.yaml").write_text(DATASET_YAML.format(name=name), "utf-8")
        figures.append(f"{name}-2023:\n  label: \"Series {name} in 2023\"\n"
                       f"  query: {{dataset: {name}, column: count, where: {{year: 2023}}, agg: value}}\n")
        module += CHART_DEF.format(name=name)
    (root / "content" / "figures.yaml").write_text("".join(figures), "utf-8")
    (root / "content" / "charts").mkdir()
    (root / "content" / "charts" / "bench.py").write_text(module, "utf-8")
    pages = root / "content" / "pages"
    (pages / "index.md").write_text(
        "---\ntitle: Benchmark\nsummary: A synthetic site.\ntemplate: page\n---\n\nThe articles are under [topics](/topics/).\n", "utf-8")
    for slug in ("about", "sources"):  # the templates' footer links to both
        (pages / f"{slug}.md").write_text(f"---\ntitle: {slug.title()}\nsummary: The {slug} page.\n---\n\nA page.\n", "utf-8")
    for item in articles(n, seed):
        (root / "content" / "pages" / "topics" / f"{item['slug']}.md").write_text(engine_page(item), "utf-8")
    return root


def engine_page(item: dict) -> str:
    """One article in this engine's page format."""
    extra = ""
    if item["chart"]:
        extra = f"\n```chart {item['chart']}-bars\n```\n\nIn 2023 the series counted {{fig:{item['chart']}-2023}}.\n"
    return (f"---\ntitle: \"{item['title']}\"\nsummary: \"{item['summary']}\"\norder: {item['order']}\n"
            f"tags: [bench]\n---\n\n{item['body']}{extra}")


def touch_article(root: Path, index: int = 0) -> Path:
    """Change one article's body (a sentence appended), as an author would; returns its path."""
    path = root / "content" / "pages" / "topics" / f"article-{index:05d}.md"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\nOne more sentence, added to measure a rebuild.\n")
    return path
