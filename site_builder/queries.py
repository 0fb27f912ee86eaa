"""Queries: select rows of a dataset and reduce one column to one number, carrying the
interval that number stands for given how its values were published.

A sum of n values each rounded to r lies within ± n·r/2 of the true sum (never below
zero); a pooled share (sum over sum) of rounded counts gets the interval of the worst
numerator over the best denominator and the reverse. Verdicts and figures both read
these intervals, so a rounded series can never be mistaken for an exact one.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from .errors import Problems, did_you_mean
from .model import Column, Dataset, Measured, Query
from .sourcefile import Field, check_fields

AGGREGATES = ("value", "sum", "max", "min", "mean", "count", "share", "great-circle-km")
PAIRED = ("share", "great-circle-km")  # the aggregates that read a second column, named by 'of'
EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)
QUERY_FIELDS = {"dataset": Field(str, required=True), "column": Field(str, required=True),
                "where": Field(dict, default=dict), "agg": Field(str, default="value"), "of": Field(str, default="")}
PERCENT = "percent"


def parse_query(meta: Any, path: Path, line: int, datasets: dict[str, Dataset], problems: Problems,
                user: str = "") -> Query | None:
    """Check a query mapping (dataset, column, where, agg, of) against the loaded datasets.
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
    for key in [values["column"], *values["where"], *([values["of"]] if values["of"] else [])]:
        if key not in names:
            problems.add(path, meta.line("column", line), f"dataset '{dataset.name}' has no column '{key}'",
                         did_you_mean(key, names, listed=len(names), label="columns"))
            return None
    if values["agg"] not in AGGREGATES:
        problems.add(path, meta.line("agg", line), f"unknown agg '{values['agg']}'", f"use one of {', '.join(AGGREGATES)}")
        return None
    if (values["agg"] in PAIRED) != bool(values["of"]):
        problems.add(path, meta.line("agg", line), f"agg '{values['agg']}' and 'of' go together" if values["of"] else
                     f"agg '{values['agg']}' needs 'of'", "a pooled share is {column: part, of: whole, agg: share}; "
                     "a path is {column: latitude, of: longitude, agg: great-circle-km}")
        return None
    return Query(values["dataset"], values["column"], dict(values["where"]), values["agg"], values["of"])


def selected(row: dict[str, Any], where: dict[str, Any]) -> bool:
    """Whether ``row`` matches ``where``: equality, a list (any of) or ``{min, max}``."""
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


def run_query(query: Query, datasets: dict[str, Dataset]) -> Measured:
    """Evaluate ``query``. Raises ValueError (reader-facing) when it selects no usable value."""
    dataset = datasets[query.dataset]
    try:
        rows = [row for row in dataset.rows if selected(row, query.where)]
        read = {query.column, query.of}
        partial = tuple(note for where, note, columns in dataset.partial
                        if (not columns or read & set(columns)) and any(selected(row, where) for row in rows))
    except TypeError:
        raise ValueError("a 'where' value has the wrong type for its column") from None
    if not rows:
        raise ValueError(f"no row of '{query.dataset}' matches {query.where}")
    if query.agg == "count":
        return Measured(len(rows), len(rows), len(rows), "rows", partial=partial)
    column = _column(dataset, query.column)
    values = _numbers(rows, query.column, query.dataset)
    if query.agg == "share":
        whole = _column(dataset, query.of)
        return pooled_share(values, column, _numbers(rows, query.of, query.dataset), whole, partial)
    if query.agg == "great-circle-km":
        return path_length(values, _numbers(rows, query.of, query.dataset), partial)
    if query.agg == "value" and len(values) != 1:
        raise ValueError(f"agg 'value' needs exactly one row, {len(values)} match (use sum, max, …)")
    return reduce(query.agg, values, column, unit_of(column, dataset), partial)


def _column(dataset: Dataset, name: str) -> Column:
    return next((c for c in dataset.columns if c.name == name), Column(name, "str", name))


def _numbers(rows: list[dict[str, Any]], column: str, dataset: str) -> list[int | float]:
    values = [row[column] for row in rows]
    if any(v is None for v in values):
        raise ValueError(f"'{column}' is blank (missing) in a selected row of '{dataset}'")
    if not all(isinstance(v, (int, float)) for v in values):
        raise ValueError(f"column '{column}' is not numeric")
    return values


def unit_of(column: Column, dataset: Dataset) -> str:
    """The unit a column's values are in: its own, else the dataset's."""
    return column.unit or dataset.unit


def reduce(agg: str, values: list[int | float], column: Column, unit: str, partial: tuple[str, ...] = ()) -> Measured:
    """One number from ``values`` with its interval. Only a sum widens the interval
    with every term; a mean, maximum or minimum is off by at most one rounding step."""
    if agg == "sum":
        value, terms = sum(values), len(values)
    elif agg == "mean":
        value, terms = sum(values) / len(values), 1
    elif agg in ("max", "min", "value"):
        value, terms = (max(values) if agg == "max" else min(values)), 1
    else:
        raise ValueError(f"unknown agg '{agg}'")
    low, high = interval(value, terms, column)
    return Measured(value, low, high, unit, terms=len(values), rounded_to=column.rounded_to,
                    estimated=column.precision == "estimated", partial=partial)


def interval(value: float, terms: int, column: Column) -> tuple[float | None, float | None]:
    """Where the true value of ``terms`` published values adding up to ``value`` lies."""
    if column.precision == "estimated":
        return None, None
    spread = terms * column.rounded_to / 2
    return max(0.0, value - spread) if value >= 0 else value - spread, value + spread


def pooled_share(part: list[int | float], part_column: Column, whole: list[int | float], whole_column: Column,
                 partial: tuple[str, ...] = ()) -> Measured:
    """Sum of ``part`` over sum of ``whole``, in percent, with the interval given by
    the rounding of both: the smallest part over the largest whole, and the reverse."""
    total = sum(whole)
    if total == 0:
        raise ValueError("the share's whole adds up to zero")
    part_low, part_high = interval(sum(part), len(part), part_column)
    whole_low, whole_high = interval(total, len(whole), whole_column)
    value = 100 * sum(part) / total
    if None in (part_low, whole_low) or whole_low == 0:
        low = high = None
    else:
        low, high = 100 * part_low / whole_high, min(100.0, 100 * part_high / whole_low)
    estimated = "estimated" in (part_column.precision, whole_column.precision)
    rounded = max(part_column.rounded_to, whole_column.rounded_to)
    return Measured(value, low, high, PERCENT, terms=len(part), rounded_to=rounded, estimated=estimated, partial=partial)


def path_length(latitudes: list[float], longitudes: list[float], partial: tuple[str, ...] = ()) -> Measured:
    """The length in km of the path through the points in file order, along great
    circles: a lower bound for any journey between them (``high`` is None)."""
    total = 0.0
    points = [(math.radians(lat), math.radians(lon)) for lat, lon in zip(latitudes, longitudes)]
    for (lat1, lon1), (lat2, lon2) in zip(points, points[1:]):
        h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
        total += 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
    return Measured(total, total, None, "km", terms=len(points), partial=partial)
