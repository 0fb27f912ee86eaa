"""The data stage: datasets (CSV + provenance YAML), figures cited in prose, and
claims from seed articles checked against the official numbers.

Every number the site prints from data is computed here, from the rows, at build time.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import string
from pathlib import Path
from typing import Any

from .errors import Problems, did_you_mean
from .model import Claim, Column, Dataset, Figure, Query
from .inputs import decode_text, list_files, read_bytes
from .sourcefile import Field, LineDict, check_fields, check_text, parse_date, parse_yaml, read_text

COLUMN_TYPES = ("int", "float", "str", "date")
AGGREGATES = ("value", "sum", "max", "min", "mean", "count")
PROVENANCE_FIELDS = {
    "title": Field(str, required=True), "agency": Field(str, required=True),
    "publication": Field(str, default=""), "url": Field(str, required=True),
    "definition": Field(str, required=True), "unit": Field(str, required=True),
    "as_of": Field(str, required=True), "caveats": Field(list, default=list),
    "columns": Field(dict, required=True), "derived": Field(dict, default=dict),
}
COLUMN_FIELDS = {"type": Field(str, required=True), "label": Field(str, required=True),
                 "nullable": Field(bool, default=False)}
QUERY_FIELDS = {"dataset": Field(str, required=True), "column": Field(str, required=True),
                "where": Field(dict, default=dict), "agg": Field(str, default="value")}
FIGURE_FIELDS = {"label": Field(str, required=True), "query": Field(dict, required=True),
                 "format": Field(str, default=""), "suffix": Field(str, default="")}
CLAIM_FIELDS = {"quote": Field(str, required=True), "claimed": Field(float, required=True),
                "period": Field(str, required=True), "query": Field(dict), "note": Field(str, default=""),
                "reason": Field(str, default="")}
MATCH, CLOSE = 0.02, 0.10  # relative difference for 'matches' and 'close'
_INT = re.compile(r"^-?\d+$")
_FLOAT = re.compile(r"^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")
_SAFE_URL = re.compile(r"^https://[^\s<>\"']+$")
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
# A spreadsheet opening the CSV download would run these as formulas (CSV injection).
_FORMULA = re.compile(r"^[=+\-@\t\r]")


def load_datasets(data_dir: Path, problems: Problems) -> dict[str, Dataset]:
    """Every ``<name>.csv`` in ``data_dir`` with its ``<name>.yaml`` provenance, validated cell by cell."""
    datasets = {}
    if not data_dir.is_dir():
        return datasets
    files = list_files(data_dir, problems, (".csv", ".yaml"), recursive=False)
    stems = {p.stem for p in files if p.suffix == ".csv"} | {p.stem for p in _unlisted(data_dir, files)}
    for csv_path in (p for p in files if p.suffix == ".csv"):
        since = len(problems.items)
        dataset = _load_named_dataset(csv_path, problems)
        if dataset:
            datasets[dataset.name] = dataset
        else:  # what uses it is not reported again, but named with this problem
            problems.failed(f"dataset:{csv_path.stem}", since)
    for yaml_path in (p for p in files if p.suffix == ".yaml"):
        if yaml_path.stem not in stems:
            problems.add(yaml_path, 1, "provenance file has no CSV beside it")
    return datasets


def _load_named_dataset(csv_path: Path, problems: Problems) -> Dataset | None:
    if not _SLUG.match(csv_path.stem):
        problems.add(csv_path, 0, "dataset file name is not a clean URL slug (a-z, 0-9, '-' and '_')",
                     f"rename it to {re.sub(r'[^a-z0-9_]+', '-', csv_path.stem.lower()).strip('-') or 'data'}.csv")
        return None
    yaml_path = csv_path.with_suffix(".yaml")
    if not yaml_path.is_file():
        problems.add(csv_path, 1, "dataset has no provenance file",
                     f"add {yaml_path.name} with title, agency, url, definition, unit, as_of and columns")
        return None
    return _load_dataset(csv_path, yaml_path, problems)


def _unlisted(folder: Path, listed: list[Path]) -> list[Path]:
    """CSV names present but refused by the listing (already reported, e.g. broken links)."""
    return [p for p in folder.iterdir() if p.suffix == ".csv" and p not in listed]


def _load_dataset(csv_path: Path, yaml_path: Path, problems: Problems) -> Dataset | None:
    text = read_text(yaml_path, problems)
    meta = parse_yaml(text, yaml_path, problems) if text is not None else None
    if not isinstance(meta, dict):
        if meta is not None or (text is not None and not text.strip()):
            problems.add(yaml_path, 1, "provenance must be a mapping of 'key: value' lines")
        return None
    values = check_fields(meta, PROVENANCE_FIELDS, yaml_path, problems, 1, "dataset provenance")
    if values is None:
        return None
    if not _SAFE_URL.match(values["url"]):
        problems.add(yaml_path, meta.line("url"), "url must start with https://")
    columns = _columns(meta["columns"], yaml_path, problems)
    derived = _derived(meta.get("derived") or LineDict(), columns, yaml_path, problems)
    raw = read_bytes(csv_path, problems)  # read once: the download is exactly what was checked
    body = decode_text(raw, csv_path, problems) if raw is not None else None
    if columns is None or derived is None or body is None:
        return None
    rows, lines = _rows(body, columns, csv_path, problems)
    if rows is None:
        return None
    for row in rows:
        for name, template in derived.items():
            row[name] = template.format(**row) if all(row[k] is not None for k in _fields(template)) else None
    name = csv_path.stem
    return Dataset(
        name=name, source=problems.where(csv_path), url=f"/data/{name}/", output=f"data/{name}/index.html",
        title=values["title"], agency=values["agency"], publication=values["publication"],
        source_url=values["url"], definition=values["definition"], unit=values["unit"],
        as_of=values["as_of"], caveats=values["caveats"], columns=columns, derived=derived,
        rows=rows, row_lines=lines, digest=hashlib.sha256(raw + text.encode()).hexdigest(), download=raw)


def _columns(meta: Any, path: Path, problems: Problems) -> list[Column] | None:
    columns, ok = [], True
    for name, spec in (meta or {}).items():
        line = meta.line(name, 1)
        if not isinstance(spec, dict):
            problems.add(path, line, f"column '{name}' must be a mapping with type and label")
            ok = False
            continue
        values = check_fields(spec, COLUMN_FIELDS, path, problems, line, f"column '{name}'")
        if values is None:
            ok = False
        elif values["type"] not in COLUMN_TYPES:
            problems.add(path, spec.line("type", line), f"unknown column type '{values['type']}'",
                         f"use one of {', '.join(COLUMN_TYPES)}")
            ok = False
        else:
            label = check_text(values["label"], f"columns.{name}.label", path, problems, spec.line("label", line), 80)
            columns.append(Column(name, values["type"], label, values["nullable"]))
    return columns if ok else None


def _fields(template: str) -> list[str]:
    return [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]


def _derived(meta: LineDict, columns: list[Column] | None, path: Path, problems: Problems) -> dict[str, str] | None:
    names = {c.name for c in columns or []}
    derived, ok = {}, True
    for name, template in meta.items():
        try:
            fields = _fields(str(template))
        except ValueError as exc:
            fields, ok = [], False
            problems.add(path, meta.line(name, 1), f"derived column '{name}': {exc}")
        if name in names:
            problems.add(path, meta.line(name, 1), f"derived column '{name}' has the name of a CSV column",
                         "give it another name")
            ok = False
        bad = [f for f in fields if f not in names]
        if bad:
            problems.add(path, meta.line(name, 1), f"derived column '{name}' uses unknown column '{bad[0]}'",
                         "name plain columns only, like {calendar_year:04d}")
            ok = False
        derived[name] = str(template)
    return derived if ok else None


def _rows(body: str, columns: list[Column], path: Path, problems: Problems):
    lines = body.split("\n")
    header_line = lines[0] if lines else ""
    if ";" in header_line and "," not in header_line:
        problems.add(path, 1, "the file is separated by semicolons", "save it as comma-separated CSV")
        return None, None
    reader = csv.reader(io.StringIO(body))
    try:
        return _records(reader, lines, columns, path, problems)
    except csv.Error as exc:
        problems.add(path, reader.line_num, f"not readable as CSV: {exc}")
        return None, None


def _records(reader, lines: list[str], columns: list[Column], path: Path, problems: Problems):
    header = next(reader, None)
    expected = [c.name for c in columns]
    if header is None:
        problems.add(path, 1, "the file is empty")
        return None, None
    if any(not h.strip() for h in header):
        problems.add(path, 1, f"column {[h.strip() for h in header].index('') + 1} has no header",
                     "the first line names every column")
        return None, None
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        problems.add(path, 1, f"duplicate column header '{duplicates[0]}'")
        return None, None
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [h for h in header if h not in expected]
        detail = (f"missing {', '.join(missing)}" if missing else "") + ("; " if missing and extra else "") + \
                 (f"not described: {', '.join(extra)}" if extra else "")
        problems.add(path, 1, f"header does not match the provenance columns ({detail or 'different order'})",
                     "list every column in the .yaml, in file order")
        return None, None
    rows, row_lines, ok, start = [], [], True, reader.line_num + 1
    for record in reader:
        line = start
        start = reader.line_num + 1
        if not record or all(not cell.strip() for cell in record):
            if line < len(lines) and any(l.strip() for l in lines[line:]):
                problems.warn(path, line, "blank row", "remove it")
            continue
        if len(record) != len(columns):
            problems.add(path, line, f"row has {len(record)} cells, the header has {len(columns)}")
            ok = False
            continue
        row, column_at = {}, 1
        for column, cell in zip(columns, record):
            try:
                row[column.name] = _cell(cell, column)
            except ValueError as exc:
                problems.add(path, line, f"column '{column.name}': {exc}", column=column_at)
                ok = False
            column_at += len(cell) + 1 + (2 if "," in cell or '"' in cell else 0)
        rows.append(row)
        row_lines.append(line)
    return (rows, row_lines) if ok else (None, None)


def _cell(cell: str, column: Column) -> Any:
    control = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", cell)
    if control:
        raise ValueError(f"contains the control character U+{ord(control.group()):04X}")
    text = cell.strip()
    if not text:
        if column.nullable:
            return None
        raise ValueError("empty cell", ) if column.type != "str" else ValueError("empty cell (mark the column nullable: true)")
    if column.type == "int":
        if not _INT.match(text):
            raise ValueError(f"{text[:40]!r} is not a whole number" + (" (no thousands separators)" if re.match(r"^-?\d{1,3}(,\d{3})+$", text) else ""))
        return int(text)
    if column.type == "float":
        if re.match(r"^-?\d+,\d+$", text):
            raise ValueError(f"'{text}' uses a decimal comma; write {text.replace(',', '.')}")
        if not _FLOAT.match(text):
            raise ValueError(f"{text[:40]!r} is not a number")
        return float(text)
    if column.type == "date":
        return parse_date(text).isoformat()[:10]
    if _FORMULA.match(cell) and not _FLOAT.match(text):
        raise ValueError(f"{text[:40]!r} starts with '{cell[0]}': a spreadsheet opening the download would run "
                         "it as a formula (start it with another character)")
    return text


# ---- queries -----------------------------------------------------------------------

def parse_query(meta: Any, path: Path, line: int, datasets: dict[str, Dataset], problems: Problems,
                user: str = "") -> Query | None:
    """Check a query mapping (dataset, column, where, agg) against the loaded datasets.
    ``user`` ("figure:key") is what the query is for: when its dataset failed to load,
    it is named with that problem instead of reported again."""
    if not isinstance(meta, dict):
        problems.add(path, line, "query must be a mapping with dataset, column, where and agg")
        return None
    values = check_fields(meta, QUERY_FIELDS, path, problems, line, "query")
    if values is None:
        return None
    dataset = datasets.get(values["dataset"])
    if dataset is None:
        if not problems.blocked([f"dataset:{values['dataset']}"], user or f"query:{problems.where(path)}"):
            problems.add(path, meta.line("dataset", line), f"unknown dataset '{values['dataset']}'",
                         did_you_mean(values["dataset"], datasets))
        return None
    names = {c.name for c in dataset.columns} | set(dataset.derived)
    for key in [values["column"], *values["where"]]:
        if key not in names:
            problems.add(path, meta.line("column", line), f"dataset '{dataset.name}' has no column '{key}'",
                         f"columns: {', '.join(sorted(names))}")
            return None
    if values["agg"] not in AGGREGATES:
        problems.add(path, meta.line("agg", line), f"unknown agg '{values['agg']}'", f"use one of {', '.join(AGGREGATES)}")
        return None
    return Query(values["dataset"], values["column"], dict(values["where"]), values["agg"])


def _selected(row: dict[str, Any], where: dict[str, Any]) -> bool:
    for key, wanted in where.items():
        value = row.get(key)
        if isinstance(wanted, dict):
            if value is None or ("min" in wanted and value < wanted["min"]) or ("max" in wanted and value > wanted["max"]):
                return False
        elif isinstance(wanted, list):
            if value not in wanted:
                return False
        elif value != wanted:
            return False
    return True


def run_query(query: Query, datasets: dict[str, Dataset]) -> int | float:
    """Evaluate ``query``. Raises ValueError (reader-facing) when it selects no usable value."""
    dataset = datasets[query.dataset]
    try:
        rows = [row for row in dataset.rows if _selected(row, query.where)]
    except TypeError:
        raise ValueError("a 'where' value has the wrong type for its column") from None
    if not rows:
        raise ValueError(f"no row of '{query.dataset}' matches {query.where}")
    values = [row[query.column] for row in rows]
    if query.agg == "count":
        return len(rows)
    if any(v is None for v in values):
        raise ValueError(f"'{query.column}' is blank (missing) in a selected row of '{query.dataset}'")
    if not all(isinstance(v, (int, float)) for v in values):
        raise ValueError(f"column '{query.column}' is not numeric")
    if query.agg == "value":
        if len(values) != 1:
            raise ValueError(f"agg 'value' needs exactly one row, {len(values)} match (use sum, max, …)")
        return values[0]
    if query.agg == "sum":
        return sum(values)
    if query.agg == "mean":
        return sum(values) / len(values)
    return max(values) if query.agg == "max" else min(values)


def format_number(value: int | float, fmt: str = "") -> str:
    if fmt:
        return fmt.format(value)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def _load_yaml_file(path: Path, problems: Problems, kind: type) -> Any:
    text = read_text(path, problems)
    data = parse_yaml(text, path, problems) if text is not None and text.strip() else None
    if text is not None and text.strip() and data is not None and not isinstance(data, kind):
        problems.add(path, 1, f"must be a {'mapping' if kind is dict else 'list'} at the top level")
        return None
    return data


def load_figures(path: Path, datasets: dict[str, Dataset], problems: Problems) -> dict[str, Figure]:
    """Figures cited in prose: ``key: {label, query, format, suffix}`` computed now.
    A figure (or the whole file) that fails is recorded as failed: the pages that cite
    it are named with its problem rather than reported again."""
    figures = {}
    since = len(problems.items)
    data = _load_yaml_file(path, problems, dict) if path.is_file() else None
    problems.failed("figures", since)  # the whole file: every page citing a figure depends on it
    for key, meta in (data or {}).items():
        since = len(problems.items)
        figure = _figure(key, meta, data.line(key, 1), path, datasets, problems)
        if figure is None:
            problems.failed(f"figure:{key}", since)
        else:
            figures[key] = figure
    return figures


def _figure(key: str, meta: Any, line: int, path: Path, datasets: dict[str, Dataset], problems: Problems) -> Figure | None:
    if not re.match(r"^[a-z0-9][a-z0-9._-]*$", key):
        problems.add(path, line, f"figure key '{key}' may only hold a-z, 0-9, '.', '_' and '-'")
        return None
    if not isinstance(meta, dict):
        problems.add(path, line, f"figure '{key}' must be a mapping with label and query")
        return None
    values = check_fields(meta, FIGURE_FIELDS, path, problems, line, f"figure '{key}'")
    query = parse_query(meta.get("query"), path, meta.line("query", line), datasets, problems,
                        f"figure:{key}") if values else None
    if query is None:
        return None
    try:
        value = run_query(query, datasets)
        text = format_number(value, values["format"]) + values["suffix"]
    except (ValueError, IndexError, KeyError) as exc:
        problems.add(path, line, f"figure '{key}': {exc}")
        return None
    return Figure(key, problems.where(path), line, values["label"], query, values["format"],
                  values["suffix"], value, text, datasets[query.dataset].url)


def load_claims(claims_dir: Path, article_slugs: set[str], datasets: dict[str, Dataset],
                problems: Problems) -> dict[str, list[Claim]]:
    """Claims per article slug (``content/claims/<slug>.yaml``), each with a computed verdict."""
    claims: dict[str, list[Claim]] = {}
    for path in sorted(claims_dir.glob("*.yaml")) if claims_dir.is_dir() else []:
        slug = path.stem
        if slug not in article_slugs:
            problems.add(path, 1, f"no article with slug '{slug}'", f"known: {', '.join(sorted(article_slugs))}")
            continue
        entries = _load_yaml_file(path, problems, list) or []
        claims[slug] = [c for c in (_claim(entry, path, slug, datasets, problems) for entry in entries) if c]
    return claims


def _claim(entry: Any, path: Path, slug: str, datasets: dict[str, Dataset], problems: Problems) -> Claim | None:
    if not isinstance(entry, dict):
        problems.add(path, 1, "each claim must be a mapping with quote, claimed and period")
        return None
    line = min(entry.lines.values(), default=1)
    values = check_fields(entry, CLAIM_FIELDS, path, problems, line, "claim")
    if values is None:
        return None
    query = None
    if entry.get("query") is not None:
        query = parse_query(entry["query"], path, entry.line("query", line), datasets, problems,
                            f"claim:{problems.where(path)}:{line}")
        if query is None:
            return None
    elif not values["reason"]:
        problems.add(path, line, "a claim without a query needs a 'reason' saying why it cannot be checked")
        return None
    claim = Claim(problems.where(path), line, slug, values["quote"], values["claimed"], values["period"],
                  query, values["note"], values["reason"])
    if query is None:
        claim.verdict, claim.explanation = "cannot be checked", values["reason"]
        return claim
    try:
        claim.official = run_query(query, datasets)
    except ValueError as exc:
        problems.add(path, line, f"claim query: {exc}")
        return None
    dataset = datasets[query.dataset]
    claim.official_text = format_number(claim.official)
    claim.dataset_title, claim.dataset_url = dataset.title, dataset.url
    claim.verdict, claim.explanation = verdict(claim.claimed, claim.official)
    return claim


def verdict(claimed: float, official: float) -> tuple[str, str]:
    """Compare a stated figure with the official one: (verdict, one plain sentence)."""
    if official == 0:
        return ("matches", "Both are zero.") if claimed == 0 else ("differs", "The official figure is zero.")
    difference = (claimed - official) / abs(official)
    size = f"{abs(difference):.0%}" if abs(difference) >= 0.005 else "less than 1%"
    direction = "higher" if difference > 0 else "lower"
    if abs(difference) <= MATCH:
        return "matches", f"Within {MATCH:.0%} of the official figure ({size} {direction})." if difference else "Same as the official figure."
    if abs(difference) <= CLOSE:
        return "close", f"The article's figure is {size} {direction} than the official one."
    return "differs", f"The article's figure is {size} {direction} than the official one for the same period."
