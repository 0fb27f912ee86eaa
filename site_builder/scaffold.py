"""``site-builder new page|chart|seed NAME``: the first file of each kind, written so
that the site builds with it as it stands, and the next step printed.

A newcomer learns a chart's signature or a sidecar's keys from a file that works,
not from the engine's code. Nothing is ever overwritten: an existing file is a
usage mistake (exit 2), as is a name that is not a clean slug.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .config import load_config
from .data import load_datasets
from .errors import BuildError, Problems
from .model import Column, Dataset
from .pages import page_address
from .seeds import load_article, seed_options
from .sidecar import FIELDS as SIDECAR_FIELDS

# One line each, shown beside a sidecar key the new file leaves commented out.
SIDECAR_NOTES = {
    "reader": "which reader to use: frontmatter, html, repost, plaintext or scraped",
    "title": "when the file has none, or a wrong one",
    "authors": "people only, e.g. [Ana Ruiz]; the outlet goes in 'outlet'",
    "date": "YYYY-MM-DD it was published (for a repost: reposted)",
    "original_published": "YYYY-MM-DD, a repost's original date",
    "outlet": "the publication's name, when the file does not say it",
    "url": "the original's canonical https:// address",
    "slug": "the address /articles/<slug>/ (default: from the title)",
    "related": "short lines of a scraped page that were links to other stories",
    "tags": "topic tags, e.g. [asylum, darien]",
    "rights": "full or excerpt (default: [seeds] in content/site.toml)",
    "encoding": "when the file is not UTF-8, e.g. windows-1252",
    "summary": "the standfirst, when the file has none or a wrong one",
    "updated": "YYYY-MM-DD it was last updated",
    "category": "the outlet's section, when the file has none",
    "accept": "findings in the text shown as the build shows them, e.g. [raw-html] (README)",
    "related_urls": "related story line: its https:// address",
}


class ScaffoldError(Exception):
    """A name that cannot be scaffolded (taken, not a slug, nothing to draw): a usage mistake."""


def new_page(root: Path, name: str) -> tuple[Path, list[str]]:
    """Write ``content/pages/<name>.md``. Returns the file and the next steps."""
    relative = Path(name.removesuffix(".md") + ".md")
    address = page_address(relative)
    if address is None or relative.is_absolute() or ".." in relative.parts:
        raise ScaffoldError(f"'{name}' is not a page path of clean slugs (a-z, 0-9 and '-'), like topics/the-route")
    path = _free(root / "content" / "pages" / relative)
    title = relative.stem.replace("-", " ").capitalize() if relative.stem != "index" else "Home"
    path.write_text(
        "---\n"
        f"title: {title}\n"
        "summary: One or two sentences for listings, search results and link previews.\n"
        "---\n\n"
        "Write the page here in Markdown.\n\n"
        "## A heading\n\n"
        "Every `##` heading gets an anchor, so other pages can link to it.\n", "utf-8")
    return path, [f"edit its title, summary and text; it is published at {address[2]}",
                  "place a chart on its own lines: ```chart <id>``` then ``` (ids: site-builder new chart)",
                  "print a number from the data with {fig:<key>} (keys: content/figures.yaml)"]


def new_chart(root: Path, name: str, dataset_name: str | None = None) -> tuple[Path, list[str]]:
    """Write ``content/charts/<name>.py``: one chart of one dataset, returning its data
    table. Returns the file and the next steps."""
    if not address_slug(name):
        raise ScaffoldError(f"'{name}' is not a chart id (a-z, 0-9 and '-'), like darien-yearly")
    path = _free(root / "content" / "charts" / f"{name.replace('-', '_')}.py")
    dataset = _dataset(root, dataset_name)
    x, y = _axes(dataset)
    function = name.replace("-", "_")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'''"""The chart '{name}'. Edit the title, takeaway and description; the build checks the rest."""

from site_builder.charts import chart


@chart("{name}", title={_literal(f"{y.label} by {x.label}")},
       takeaway="One sentence: what a reader should see in this chart.",
       description={_literal(f"A bar chart of {y.label} by {x.label}, from {dataset.title}.")},
       datasets=["{dataset.name}"])
def {function}(data):
    """``data`` maps each dataset named above to its Dataset; ``.rows`` are dicts by column.
    Returns the chart and the rows it plots (the table under "Show the data")."""
    import altair as alt  # imported here: registering a chart costs nothing

    rows = [{{"{x.name}": row["{x.name}"], "{y.name}": row["{y.name}"]}}
            for row in data["{dataset.name}"].rows if row["{y.name}"] is not None]
    bars = alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        x=alt.X("{x.name}", type="ordinal", title={_literal(x.label)}),
        y=alt.Y("{y.name}", type="quantitative", title={_literal(y.label)}))
    return bars.properties(width=300, height=200), rows
''', "utf-8")
    return path, [f"place it in a page on its own lines: ```chart {name}``` then ```",
                  f"preview it alone at /charts/{name}/ (make serve)",
                  "change the mark, columns or filter in the function; keep returning (chart, rows)"]


def _literal(text: str) -> str:
    """A Python string literal for generated code (JSON's double-quoted form is one)."""
    return json.dumps(text, ensure_ascii=False)


def address_slug(name: str) -> bool:
    """Whether ``name`` is one clean slug (chart ids become /charts/<id>/)."""
    return "/" not in name and page_address(Path(f"{name}.md")) is not None


def new_seed(root: Path, name: str) -> tuple[Path, list[str]]:
    """Write ``content/seeds/<stem>.yaml`` for a seed (copied into ``seeds/`` byte for byte
    when ``name`` is a file elsewhere). Returns the sidecar and the next steps."""
    seed = _seed_file(root, name)
    sidecar = _free(root / "content" / "seeds" / f"{seed.stem}.yaml")
    problems = Problems(root)
    config_path = root / "content" / "site.toml"
    config = load_config(config_path, problems)  # the site's reader settings decide what is found
    article = load_article(seed, sidecar, root, problems, *seed_options(config, config_path, problems)) if config else None
    found = [f"title {article.title!r}", f"outlet {article.outlet or '(none)'}",
             f"published {article.published or '(none)'}"] if article else []
    lines = [f"# What {seed.relative_to(root).as_posix()} cannot tell reliably (README: \"Adding a seed article\").",
             f"# The reader found: {', '.join(found)}." if found else "# The reader could not read it yet: see the build's messages.",
             "# Uncomment a key to set it."]
    for key in SIDECAR_FIELDS:
        if key != "tags":
            lines.append(f"# {key}:".ljust(26) + f"# {SIDECAR_NOTES.get(key, '')}".rstrip())
    lines.append("tags: []".ljust(26) + f"# {SIDECAR_NOTES['tags']}")
    sidecar.parent.mkdir(parents=True, exist_ok=True)
    sidecar.write_text("\n".join(lines) + "\n", "utf-8")
    steps = [f"check: {problem}" for problem in BuildError(problems.items).problems]  # each names its sidecar key
    steps += [f"set outlet, url and tags in {sidecar.relative_to(root).as_posix()}"]
    steps += [f"it is published at {article.url}" if article else "run site-builder build to see what the reader needs"]
    steps += [f"check its figures: content/claims/{article.slug}.yaml (README: Claims)"] if article else []
    return sidecar, steps


def _seed_file(root: Path, name: str) -> Path:
    seeds = root / "seeds"
    given = Path(name).expanduser()
    if given.is_file() and given.resolve().parent != seeds.resolve():
        if given.resolve().is_relative_to(root.resolve()):
            raise ScaffoldError(f"{name} is part of the site, not a received article: seeds come from elsewhere")
        target = seeds / given.name
        if target.exists():
            raise ScaffoldError(f"seeds/{given.name} already exists")
        seeds.mkdir(exist_ok=True)
        shutil.copyfile(given, target)  # byte for byte: seeds are never edited
        return target
    matches = sorted(p for p in seeds.glob("*") if p.is_file() and given.name in (p.name, p.stem))
    if not matches:
        raise ScaffoldError(f"no seed '{name}' in seeds/: give the file's path, or copy it into seeds/ first")
    return matches[0]


def _free(path: Path) -> Path:
    if path.exists():
        raise ScaffoldError(f"{path.as_posix()} already exists; nothing was written")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _dataset(root: Path, name: str | None) -> Dataset:
    datasets = load_datasets(root / "content" / "data", Problems(root))
    if not datasets:
        raise ScaffoldError("a chart draws a dataset: add content/data/<name>.csv and <name>.yaml first (README: Data)")
    if name is None:
        return datasets[sorted(datasets)[0]]
    if name not in datasets:
        raise ScaffoldError(f"no dataset '{name}' loads (datasets: {', '.join(sorted(datasets))})")
    return datasets[name]


def _axes(dataset: Dataset) -> tuple[Column, Column]:
    """The first column across, the first numeric column (another one) up."""
    numeric = [c for c in dataset.columns if c.type in ("int", "float")]
    across = dataset.columns[0]
    up = next((c for c in numeric if c is not across), None)
    if up is None:
        raise ScaffoldError(f"dataset '{dataset.name}' has no second, numeric column to draw (use --dataset)")
    return across, up
