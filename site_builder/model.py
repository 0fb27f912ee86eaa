"""The one data model: plain dataclasses, no I/O.

``source`` is a path for people (relative to the project root), ``url`` is what
links point at, ``output`` is the file written under the output folder. They are
never mixed in one field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

# Field metadata read by site_builder.context: BODY is what listings leave out (a list
# shows front matter); RENDERED is filled in while the page renders, so neither
# listings nor reuse keys may read it (it is derived from the body).
BODY = {"listed": False}
BODY_READER = "_read_body"  # what reads a page's body from its file (see Page.__getattr__)
RENDERED = {"listed": False, "keyed": False}
# DERIVED is made from what another field digests (a dataset's rows from the files its
# ``digest`` covers; a chart's drawing from its files' cache key): reuse keys skip it.
DERIVED = {"keyed": False}


def fill(item: Any, **rendered: Any) -> None:
    """Set what rendering makes of ``item`` (its RENDERED fields, e.g. ``html``): the one
    change a page gets once read, so that the digest of what it was read as holds."""
    fields = item.__dataclass_fields__
    for name, value in rendered.items():
        if fields[name].metadata != RENDERED:
            raise AttributeError(f"{name} is part of what the item was read as, not filled in by rendering")
        object.__setattr__(item, name, value)


@dataclass
class Image:
    """A picture that belongs to an article. Remote images are never hotlinked:
    ``remote_url`` is kept as a record only; pages show caption, credit and alt."""

    caption: str = ""
    credit: str = ""
    alt: str = ""
    remote_url: str = ""


@dataclass
class Block:
    """A piece of an article body.

    kinds: ``markdown`` (``text`` is Markdown source), ``paragraph`` and ``heading``
    (``text`` is plain text; ``lead`` is an optional bold lead-in), ``list``
    (``items`` of paragraph blocks), ``figure`` (``image``), ``elision``.
    """

    kind: str
    line: int
    text: str = ""
    lead: str = ""
    items: list["Block"] = field(default_factory=list)
    image: Image | None = None


@dataclass(frozen=True)
class Accepted:
    """What a seed's sidecar accepts about how its text is shown (``accept: [raw-html]``).

    A seed is never edited, so what we cannot publish as written (raw HTML, remote
    images, links that could run code…) is escaped or left out either way, and each such
    finding is a warning. Accepting a kind only says "shown so, on purpose": it silences
    the warning and changes nothing in the output. ``sidecar`` is named in every warning
    that is not accepted, so each one says how it is settled.
    """

    kinds: frozenset[str] = frozenset()
    sidecar: str = ""
    original: str = ""  # the original article's address: the seed's relative links point there

    def report(self, problems, kind: str, path, line: int, message: str,
               lead: str = "if it may be shown so, ", column: int = 0) -> None:
        """Warn about a ``kind`` of finding in a seed unless the sidecar accepts it."""
        if kind not in self.kinds:
            problems.warn(path, line, message, f"{lead}add '{kind}' to 'accept' in {self.sidecar}", column)


@dataclass
class Article:
    """A seed news article, whatever shape it arrived in."""

    source: str
    slug: str
    url: str
    output: str
    title: str
    dek: str
    authors: list[str]
    author_titles: list[str]
    outlet: str
    published: dt.datetime | dt.date | None
    original_published: dt.date | None
    source_url: str
    category: str
    images: list[Image]
    body: list[Block] = field(metadata=BODY)
    credit_line: str
    related: list[str]
    tags: list[str]
    shape: str
    summary: str = ""
    word_count: int = 0
    reading_minutes: int = 0
    html: str = field(default="", metadata=RENDERED)
    related_urls: dict[str, str] = field(default_factory=dict)  # related title → its address, where known
    updated: dt.datetime | dt.date | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # the seed's own metadata that no field holds
    rights: str = "full"  # 'full', or 'excerpt': the opening of the body and a link to the original
    excerpted: bool = False  # the body shown is shorter than the seed's
    accepted: Accepted = field(default_factory=Accepted)  # findings in the body its sidecar accepts
    summaries: dict[str, str] = field(default_factory=dict)  # language code → a short summary in that language


@dataclass(frozen=True)
class Page:
    """A hand-written page from ``content/pages``: as read, then never changed but by
    :func:`fill` (so the digest of what it was read as may be kept, see :mod:`.memo`)."""

    source: str
    slug: str
    section: str
    url: str
    output: str
    title: str
    summary: str
    order: int
    template: str
    tags: list[str]
    articles: list[str]
    draft: bool
    body: str = field(metadata=BODY)
    body_line: int
    html: str = field(default="", metadata=RENDERED)
    toc: list[tuple[int, str, str]] = field(default_factory=list, metadata=RENDERED)
    charts: list[str] = field(default_factory=list, metadata=RENDERED)
    figures: list[str] = field(default_factory=list, metadata=RENDERED)
    word_count: int = field(default=0, metadata=RENDERED)
    description: str = ""  # the meta description; the summary when the page gives none
    date: str = ""  # ISO dates (pages are remembered between builds as JSON)
    updated: str = ""
    authors: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)  # old addresses that redirect here
    extra: dict[str, Any] = field(default_factory=dict)  # free front matter for templates
    lang: str = ""  # the code of the page's language (see Language); its ``updated``, on a translation,
                   # is the day it was last checked against its source

    @property
    def modified(self) -> str:
        """The date readers, the sitemap and JSON-LD give as this page's last change."""
        return self.updated or self.date

    def __getattr__(self, name: str) -> Any:
        # Reached only for an attribute the instance lacks: the body of a page remembered
        # between builds (see pages.py), which most builds never use. Such a page holds
        # the function that reads it instead, called on first use.
        reader = self.__dict__.get(BODY_READER) if name == "body" else None
        if reader is None:
            raise AttributeError(name)
        object.__setattr__(self, "body", reader())
        return self.body


@dataclass
class Section:
    """A generated index of the pages in one folder of ``content/pages``."""

    name: str
    title: str
    summary: str
    url: str
    output: str
    members: list[Page]

    @property
    def modified(self) -> str:
        """An index changes when its newest member does (its citation's date)."""
        return max((page.modified for page in self.members), default="")


@dataclass
class Column:
    """A CSV column and how its values were published: ``precision`` is ``exact``,
    ``rounded`` (to ``rounded_to``, e.g. 10) or ``estimated``; ``unit`` (``percent``
    for shares) defaults to the dataset's unit."""

    name: str
    type: str
    label: str
    nullable: bool = False
    unit: str = ""
    precision: str = "exact"
    rounded_to: float = 0.0


@dataclass
class Dataset:
    """A CSV file in ``content/data`` with its provenance."""

    name: str
    source: str
    url: str
    output: str
    title: str
    agency: str
    publication: str
    source_url: str
    definition: str
    unit: str
    as_of: str
    caveats: list[str]
    columns: list[Column]
    derived: dict[str, str]
    # what the data file says; ``digest`` (of the CSV and its YAML) stands for it in reuse keys
    rows: list[dict[str, Any]] = field(metadata=DERIVED)
    row_lines: list[int] = field(metadata=DERIVED)
    digest: str
    download: bytes = field(default=b"", metadata=DERIVED)  # the CSV exactly as read and checked, published as the download
    reported_by: str = ""  # for second-hand figures: the report source_url links, the agency named apart
    agency_lang: str = ""  # the language tag of the agency's name when it is not the site's (lang="…")
    measure: str = ""  # a short key for what one unit counts; a claim with another 'definition' is another measure
    partial: list[tuple[dict[str, Any], str, tuple[str, ...]]] = field(default_factory=list)  # (rows, what they cover, columns or all)


@dataclass
class Query:
    """Select rows of a dataset and reduce one column to one number."""

    dataset: str
    column: str
    where: dict[str, Any]
    agg: str
    of: str = ""  # agg 'share': the denominator column (sum over sum, in percent)


@dataclass(frozen=True)
class Measured:
    """A query's answer: the value as computed from the published numbers, and the
    interval the true value lies in given how they were published (``low``/``high``
    are None for an estimate). ``partial`` says which selected rows cover only part
    of their period."""

    value: float | int
    low: float | None
    high: float | None
    unit: str
    terms: int = 1  # how many published values were combined
    rounded_to: float = 0.0
    estimated: bool = False
    partial: tuple[str, ...] = ()


@dataclass
class Figure:
    """A number cited in prose by key (``{fig:key}``), computed from the data."""

    key: str
    source: str
    line: int
    label: str
    query: Query | None  # None for the verdict counts ({claims:…}), computed from the claims
    format: str
    suffix: str
    value: float | int | None = None
    text: str = ""
    source_url: str = ""  # the dataset page the number links to
    measured: Measured | None = None


@dataclass
class Claim:
    """A figure stated in a seed article, set beside the official number."""

    source: str
    line: int
    article: str
    quote: str
    claimed: float
    period: str
    query: Query | None
    note: str
    reason: str
    definition: str = ""  # what the article's figure counts, when it is not the series' measure
    official: float | int | None = None
    official_text: str = ""
    verdict: str = ""
    explanation: str = ""
    dataset_title: str = ""
    dataset_url: str = ""
    measured: Measured | None = None


@dataclass
class ChartSpec:
    """A chart definition as registered by a content module (no rendering yet)."""

    id: str
    title: str
    takeaway: str
    description: str
    datasets: list[str]
    notes: list[str]
    source: str
    line: int
    function: Any = field(default=None, metadata={"keyed": False})  # module_digest stands for it
    module_digest: str = ""
    lang: str = ""  # another language's text for the same chart (see site_builder.chart_text)
    locale: str = "en"  # the Babel locale its function draws dates and numbers in
    labels: dict[str, str] = field(default_factory=dict)  # words drawn in the chart → that language's


@dataclass
class Chart:
    """A rendered chart: inline SVG plus the files readers can download."""

    spec: ChartSpec
    svg: str = field(metadata=DERIVED)  # these three are the files' (``files.key`` stands for them)
    table_columns: list[str] = field(metadata=DERIVED)
    table_rows: list[list[Any]] = field(metadata=DERIVED)
    csv_url: str
    json_url: str
    png_url: str
    sources: list[Dataset]
    files: Any = None  # the rendered files (SVG, PNG, CSV, spec) to publish

    @property
    def url(self) -> str:
        """The chart's own page (interactive version, citation, embed code)."""
        return f"/charts/{self.spec.id}/"

    @property
    def svg_url(self) -> str:
        """The SVG download (with title, source and the site's address)."""
        return f"/charts/{self.spec.id}.svg"

    @property
    def thumbnail_url(self) -> str:
        """The chart alone, as the page shows it, for the chart catalogue."""
        return f"/charts/{self.spec.id}.thumb.svg"

    @property
    def width(self) -> int:
        """The inline SVG's drawn width in px (for layout before it loads)."""
        return _svg_size(self.svg, "width")

    @property
    def height(self) -> int:
        return _svg_size(self.svg, "height")

    @property
    def embed_url(self) -> str:
        """The chart alone, the one page other sites may frame."""
        return f"/charts/{self.spec.id}/embed/"

    @property
    def data_dates(self) -> list[str]:
        """The distinct "figures as of" dates of the chart's datasets, oldest first."""
        return sorted({d.as_of for d in self.sources if d.as_of})

    @property
    def modified(self) -> str:
        """The chart changes when its newest data do (sitemap, JSON-LD, citation)."""
        return self.data_dates[-1] if self.data_dates else ""


def _svg_size(svg: str, name: str) -> int:
    match = re.search(rf'<svg[^>]*?\s{name}="([\d.]+)', svg)
    return round(float(match.group(1))) if match else 0


@dataclass
class License:
    """The terms of what the site itself made (``[license]`` in ``site.toml``)."""

    name: str            # "CC BY 4.0"
    url: str             # the licence's own page
    covers: str = ""     # what it applies to: "Our text, charts and derived data"
    others: str = ""     # what it does not: "Official data keep their publishers' terms."


@dataclass(frozen=True)
class Language:
    """One edition of the site: its pages live in ``content/pages/<code>/`` (the default
    language's at the top) and are published under ``prefix``."""

    code: str  # folder and URL prefix: "zh"
    tag: str  # BCP 47, for lang= and hreflang: "zh-Hans"
    locale: str  # Babel locale for catalogues, dates and numbers: "zh_Hans_CN"
    name: str  # the language's own name, for the switcher: "简体中文"
    prefix: str  # "" for the default language, else "/zh"
    title: str
    description: str
    date_format: str = "long"  # a CLDR format name or pattern


@dataclass
class Config:
    title: str
    description: str
    language: str
    base_url: str
    author: str
    output_dir: str
    sections: dict[str, dict[str, Any]]
    nav: list[dict[str, str]]
    terms: dict[str, tuple[str, str]] = field(default_factory=dict)
    search: bool = True  # a search page and its Pagefind index
    languages: list[Language] = field(default_factory=list)  # the default language first
    license: License | None = None
    glossary: str = ""  # the address of the page whose ### headings are terms linked site-wide
    check_numbers: bool = False  # report every number typed by hand in content text (see numerals.py)
    readers: dict[str, Any] = field(default_factory=dict)  # [readers.<name>]: each seed reader's settings
    seeds: dict[str, Any] = field(default_factory=dict)  # [seeds]: rights and excerpt_words for every seed


@dataclass
class Site:
    """Everything a build knows, gathered and checked before anything is written."""

    root: str
    config: Config
    articles: list[Article]
    pages: list[Page]
    datasets: dict[str, Dataset]
    figures: dict[str, Figure]
    claims: dict[str, list[Claim]]
    charts: dict[str, ChartSpec]
    rendered_charts: dict[str, Chart] = field(default_factory=dict)
    chart_texts: dict[str, dict[str, ChartSpec]] = field(default_factory=dict)  # language code → id → its text
    translated_charts: dict[str, dict[str, Chart]] = field(default_factory=dict)  # language code → id → drawn so
    glossary: dict[str, str] = field(default_factory=dict)  # term → address of its definition
    editions: Any = field(default=None, repr=False, compare=False)  # its pages paired by language (.editions)
