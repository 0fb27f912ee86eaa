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

from .addresses import NAME
from .errors import Problems
from .model import Column, Dataset
from .inputs import decode_text, list_files, read_bytes
from .sourcefile import Field, LineDict, check_fields, check_text, parse_date, parse_yaml, read_text

COLUMN_TYPES = ("int", "float", "str", "date")
PROVENANCE_FIELDS = {
    "title": Field(str, required=True), "agency": Field(str, required=True),
    "publication": Field(str, default=""), "url": Field(str, required=True),
    "definition": Field(str, required=True), "unit": Field(str, required=True),
    "as_of": Field(str, required=True), "caveats": Field(list, default=list),
    # Set when the figures are second-hand: who reported them (the url then links that report).
    "reported_by": Field(str, default=""),
    # The language the agency's name is written in (a BCP 47 tag such as es), when not the site's.
    "agency_lang": Field(str, default=""),
    "columns": Field(dict, required=True), "derived": Field(dict, default=dict),
    "measure": Field(str, default=""), "partial": Field(dict, default=dict),
}
COLUMN_FIELDS = {"type": Field(str, required=True), "label": Field(str, required=True),
                 "nullable": Field(bool, default=False), "unit": Field(str, default=""),
                 "precision": Field((str, int, float), default="exact")}
_PRECISION = re.compile(r"^(exact|estimated|rounded to (\d+(?:\.\d+)?))$")
_INT = re.compile(r"^-?\d+$")
_FLOAT = re.compile(r"^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")
_SAFE_URL = re.compile(r"^https://[^\s<>\"']+$")

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
    if not NAME.fullmatch(csv_path.stem):
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
    if values["agency_lang"] and not _known_language(values["agency_lang"]):
        problems.add(yaml_path, meta.line("agency_lang"), f"agency_lang '{values['agency_lang']}' is not a known language tag",
                     "a BCP 47 tag such as es or pt-BR")
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
    partial = _partial(meta.get("partial") or LineDict(), {c.name for c in columns} | set(derived), yaml_path, problems)
    if partial is None:
        return None
    name = csv_path.stem
    return Dataset(
        name=name, source=problems.where(csv_path), url=f"/data/{name}/", output=f"data/{name}/index.html",
        title=values["title"], agency=values["agency"], publication=values["publication"],
        source_url=values["url"], definition=values["definition"], unit=values["unit"],
        as_of=values["as_of"], caveats=values["caveats"], columns=columns, derived=derived,
        rows=rows, row_lines=lines, digest=hashlib.sha256(raw + text.encode()).hexdigest(), download=raw,
        measure=values["measure"], partial=partial, reported_by=values["reported_by"],
        agency_lang=values["agency_lang"])


def _known_language(tag: str) -> bool:
    """A tag screen readers can pronounce by: one CLDR knows (babel parses it)."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(tag, sep="-")
    except (ValueError, UnknownLocaleError):
        return False
    return True


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
            precision = _PRECISION.match(str(values["precision"]))
            if precision is None:
                problems.add(path, spec.line("precision", line), f"column '{name}': unknown precision '{values['precision']}'",
                             "write exact, estimated or 'rounded to 10' with the step the source rounded to")
                ok = False
                continue
            step = float(precision.group(2) or 0)
            columns.append(Column(name, values["type"], label, values["nullable"], values["unit"],
                                  "rounded" if step else precision.group(1), step))
    return columns if ok else None


def _partial(meta: LineDict, names: set[str], path: Path, problems: Problems) -> list | None:
    """Rows that cover only part of their period: ``{what they cover: {column: value}}``;
    a ``columns: [...]`` entry limits it to those columns (the others cover the whole period)."""
    partial, ok = [], True
    for covers, where in meta.items():
        line = meta.line(covers, 1)
        where = dict(where) if isinstance(where, dict) else {}
        columns = where.pop("columns", None)
        columns = [columns] if isinstance(columns, str) else list(columns or [])
        unknown = [k for k in [*where, *columns] if k not in names]
        if not where or unknown:
            problems.add(path, line, f"partial '{covers}': select rows with {{column: value}}"
                         + (f" (no column '{unknown[0]}')" if unknown else ""), f"columns: {', '.join(sorted(names))}")
            ok = False
            continue
        partial.append((where, str(covers), tuple(columns)))
    return partial if ok else None


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
