"""Claims: figures stated in seed articles, set beside the official number with a
verdict computed from the claim, the official value, its interval and its definition.

The verdict and its explanation are computed; a claim's hand-written ``note`` can only
add context after them, never replace them. The thresholds and the verdict counts are
published as figures (``{claims:match-threshold}``, ``{claims:summary}``), so no page
restates them by hand.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .errors import Problems, did_you_mean
from .figures import load_yaml_file
from .model import Claim, Dataset, Figure, Measured
from .numbers import PERCENT, format_amount, format_interval, format_measured, format_points, format_relative
from .queries import parse_query, run_query
from .sourcefile import Field, check_fields

CLAIM_FIELDS = {"quote": Field(str, required=True), "claimed": Field(float, required=True),
                "period": Field(str, required=True), "query": Field(dict), "note": Field(str, default=""),
                "reason": Field(str, default=""), "definition": Field(str, default="")}
MATCH, CLOSE = 0.02, 0.10  # relative difference for 'matches' and 'close'
MATCHES, CONSISTENT, CLOSE_TO = "matches", "consistent within rounding", "close"
DIFFERS, UNCHECKABLE, OTHER_MEASURE = "differs", "cannot be checked", "different measure"
VERDICTS = (MATCHES, CONSISTENT, CLOSE_TO, DIFFERS, OTHER_MEASURE, UNCHECKABLE)
# how the summary sentence counts each verdict: (one, several)
_PHRASES = {MATCHES: ("matches", "match"), CONSISTENT: ("is consistent within rounding", "are consistent within rounding"),
            CLOSE_TO: ("is close", "are close"), DIFFERS: ("differs", "differ"),
            OTHER_MEASURE: ("measures something else", "measure something else"),
            UNCHECKABLE: ("cannot be checked", "cannot be checked")}


_VERDICT_WORDS = {MATCHES: re.compile(r"\bmatch(?:es)?\b", re.I), CONSISTENT: re.compile(r"\bconsistent with\b", re.I),
                  DIFFERS: re.compile(r"\bdiffers?\b", re.I)}


def load_claims(claims_dir: Path, article_slugs: set[str], datasets: dict[str, Dataset],
                problems: Problems) -> dict[str, list[Claim]]:
    """Claims per article slug (``content/claims/<slug>.yaml``), each with a computed verdict."""
    claims: dict[str, list[Claim]] = {}
    for path in sorted(claims_dir.glob("*.yaml")) if claims_dir.is_dir() else []:
        slug = path.stem
        if slug not in article_slugs:
            problems.add(path, 1, f"no article with slug '{slug}'", did_you_mean(slug, article_slugs))
            continue
        entries = load_yaml_file(path, problems, list) or []
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
                  query, values["note"], values["reason"], values["definition"])
    if query is None:
        claim.verdict, claim.explanation = UNCHECKABLE, values["reason"]
        return claim
    try:
        claim.measured = run_query(query, datasets)
    except ValueError as exc:
        problems.add(path, line, f"claim query: {exc}")
        return None
    dataset = datasets[query.dataset]
    claim.official = claim.measured.value
    claim.official_text = format_measured(claim.measured)
    claim.dataset_title, claim.dataset_url = dataset.title, dataset.url
    claim.verdict, claim.explanation = verdict(claim.claimed, claim.measured, values["definition"], dataset.measure)
    _check_note(claim, path, entry.line("note", line), problems)
    return claim


def _check_note(claim: Claim, path: Path, line: int, problems: Problems) -> None:
    """A note explains; it may not pronounce a verdict other than the computed one."""
    for name, pattern in _VERDICT_WORDS.items():
        said = pattern.search(claim.note)
        if said and name != claim.verdict:
            problems.warn(path, line, f"the note says '{said.group()}', but the computed verdict is '{claim.verdict}'",
                          "a note only adds context after the computed explanation; leave the verdict to the build")


def verdict(claimed: float, official: Measured, definition: str = "", measure: str = "") -> tuple[str, str]:
    """Compare a stated figure with the official one: (verdict, one or two plain sentences).

    ``definition`` is what the article's figure counts when it says so, ``measure`` what
    the series counts; when both are given and differ, the numbers are not compared."""
    if definition and measure and definition != measure:
        return OTHER_MEASURE, (f"The article's figure counts {definition}; the official series counts {measure}, "
                               "so the two numbers are not compared.")
    gap = _gap(claimed, official)
    relative = (claimed - official.value) / abs(official.value) if official.value else (0.0 if claimed == 0 else float("inf"))
    inside = None not in (official.low, official.high) and official.low <= claimed <= official.high
    if abs(relative) <= MATCH:
        return MATCHES, ("Same as the official figure." if claimed == official.value
                         else f"Within {MATCH:.0%} of the official figure: {gap}.")
    if inside:
        return CONSISTENT, (f"The article's figure is {gap} than the official one, but {_why_interval(official)} "
                            f"the true value lies {format_interval(official)}: the article's figure is inside "
                            "that range, so it fits the series but cannot be confirmed exactly.")
    if official.partial:
        return UNCHECKABLE, (f"The official figure covers only part of the period ({'; '.join(official.partial)}), "
                             f"so the article's figure ({gap}) cannot be compared with it.")
    outside = (f" That is outside the range rounding allows ({format_interval(official)})."
               if None not in (official.low, official.high) and official.rounded_to else "")
    if abs(relative) <= CLOSE:
        return CLOSE_TO, f"The article's figure is {gap} than the official one.{outside}"
    return DIFFERS, f"The article's figure is {gap} than the official one for the same period.{outside}"


def _gap(claimed: float, official: Measured) -> str:
    """How far apart, in the unit that fits: percentage points for shares, else relative."""
    direction = "higher" if claimed > official.value else "lower"
    if official.unit == PERCENT:
        return f"{format_points(claimed - official.value)} {direction}"
    if not official.value:
        return direction
    relative = format_relative((claimed - official.value) / official.value)
    return f"{relative} ({format_amount(abs(claimed - official.value), official.unit)}) {direction}"


def _why_interval(official: Measured) -> str:
    if official.estimated:
        return "the official figure is an estimate, and"
    step = f"{official.rounded_to:g}"
    if official.terms > 1:
        return f"the official figure adds up {official.terms} values each rounded to the nearest {step}, so"
    return f"the official figure is rounded to the nearest {step}, so"


# ---- the verdicts as figures -------------------------------------------------------

def claim_figures(claims: dict[str, list[Claim]], source: str) -> dict[str, Figure]:
    """``claims:summary``, ``claims:<verdict>`` counts, ``claims:total``, ``claims:articles``
    and the thresholds, computed from the claims (keys as ``{claims:…}`` spans use them)."""
    every = [c for slug in sorted(claims) for c in claims[slug]]
    counts = {name: sum(1 for c in every if c.verdict == name) for name in VERDICTS}
    texts = {"summary": summary(counts, len(claims)), "total": str(len(every)), "articles": str(len(claims)),
             "match-threshold": f"{MATCH:.0%}", "close-threshold": f"{CLOSE:.0%}"}
    texts.update({name.replace(" ", "-"): str(count) for name, count in counts.items()})
    labels = {"match-threshold": "The largest relative difference for which a claim matches the official figure",
              "close-threshold": "The largest relative difference for which a claim is close to the official figure",
              "summary": "The verdicts of every checked figure, counted"}
    return {f"claims:{key}": Figure(f"claims:{key}", source, 0, labels.get(key, f"Checked figures: {key.replace('-', ' ')}"),
                                    None, "", "", None, text, "") for key, text in texts.items()}


def summary(counts: dict[str, int], articles: int) -> str:
    """``Of 14 figures checked in 3 articles, 6 match, 1 differs and 7 cannot be checked.``"""
    total = sum(counts.values())
    parts = [f"{n} {_PHRASES[name][n != 1]}" for name, n in counts.items() if n]
    listed = ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else "".join(parts)
    where = f"in {articles} article{'s' if articles != 1 else ''}"
    return f"Of {total} figure{'s' if total != 1 else ''} checked {where}, {listed or 'none is checked'}."
