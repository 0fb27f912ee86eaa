"""Pure functions of the truth engine: query intervals, verdicts, number formats and the
hand-typed-number scan. No site is built: each case runs in microseconds."""

from __future__ import annotations

import pytest

from site_builder.claims import (CLOSE_TO, CONSISTENT, DIFFERS, MATCHES, OTHER_MEASURE, UNCHECKABLE, summary,
                                 verdict)
from site_builder.model import Column, Measured
from site_builder.numbers import derive, format_measured, format_points, format_share
from site_builder.numerals import hand_typed
from site_builder.queries import path_length, pooled_share, reduce

EXACT = Column("n", "int", "N")
ROUNDED = Column("n", "int", "N", precision="rounded", rounded_to=10)
ESTIMATED = Column("n", "int", "N", precision="estimated")


def counts(values, column=ROUNDED, agg="sum", partial=()):
    return reduce(agg, values, column, "encounters", partial)


# ---- intervals ------------------------------------------------------------------------

def test_a_sum_of_rounded_values_widens_by_half_a_step_per_value():
    total = counts([10, 10, 10, 10])  # the DW case: four months published as 10 each
    assert (total.value, total.low, total.high) == (40, 20, 60)


def test_an_interval_never_goes_below_zero():
    total = counts([0, 0, 10])
    assert (total.low, total.high) == (0, 25)


def test_exact_values_have_no_spread_and_estimates_no_interval():
    assert (counts([3, 4], EXACT).low, counts([3, 4], EXACT).high) == (7, 7)
    assert counts([3, 4], ESTIMATED).low is None


def test_a_mean_or_a_maximum_is_off_by_at_most_one_step():
    assert (counts([10, 20, 30], agg="mean").low, counts([10, 20, 30], agg="mean").high) == (15, 25)
    assert (counts([10, 20, 30], agg="max").low, counts([10, 20, 30], agg="max").high) == (25, 35)


def test_a_pooled_share_is_sum_over_sum_not_the_mean_of_shares():
    part, whole = [1, 99], [100, 100]
    share = pooled_share(part, EXACT, whole, EXACT)
    assert share.value == 50 and share.unit == "percent"
    assert sum(100 * p / w for p, w in zip([1, 9], [10, 990])) / 2 != pooled_share([1, 9], EXACT, [10, 990], EXACT).value
    assert pooled_share([1, 9], EXACT, [10, 990], EXACT).value == 1.0  # 10 of 1,000, though the monthly shares average 5.45


def test_a_share_of_rounded_counts_gets_its_own_interval():
    share = pooled_share([10], ROUNDED, [100], ROUNDED)
    assert share.low == pytest.approx(100 * 5 / 105) and share.high == pytest.approx(100 * 15 / 95)


def test_the_great_circle_path_is_a_lower_bound():
    # a quarter of the equator: 90 degrees of longitude
    path = path_length([0.0, 0.0], [0.0, 90.0])
    assert path.value == pytest.approx(10007.5, abs=1) and path.low == path.value and path.high is None


# ---- verdicts ---------------------------------------------------------------------------

def measured(value, low=None, high=None, unit="encounters", partial=(), rounded_to=0.0, terms=1):
    low = value if low is None else low
    high = value if high is None else high
    return Measured(value, low, high, unit, terms=terms, rounded_to=rounded_to, partial=partial)


@pytest.mark.parametrize("claimed, official, expected", [
    (77, measured(77), MATCHES),                                             # exact
    (2200, measured(2198), MATCHES),                                         # 'nearly 2,200'
    (19000, measured(18660, 18640, 18680, rounded_to=10, terms=4), MATCHES),  # within 2 % of a rounded sum
    (55, measured(40, 20, 60, rounded_to=10, terms=4), CONSISTENT),          # DW: inside the rounding interval
    (65, measured(40, 20, 60, rounded_to=10, terms=4), DIFFERS),             # outside it
    (105, measured(100), CLOSE_TO),                                          # 5 %
    (150, measured(100), DIFFERS),
    (150, measured(100, partial=("October–June only",)), UNCHECKABLE),       # partial period
    (101, measured(100, partial=("October–June only",)), MATCHES),           # partial, yet the same
    (0, measured(0), MATCHES),
    (5, measured(0), DIFFERS),
])
def test_verdict_table(claimed, official, expected):
    assert verdict(claimed, official)[0] == expected


def test_a_different_definition_is_a_different_measure_whatever_the_numbers():
    name, why = verdict(2.5, measured(2.48, unit="percent"), "all CBP encounters", "Border Patrol encounters only")
    assert name == OTHER_MEASURE and "all CBP encounters" in why and "Border Patrol encounters only" in why
    assert verdict(2.5, measured(2.48, unit="percent"), "Border Patrol", "Border Patrol")[0] == MATCHES


def test_shares_are_compared_in_percentage_points():
    name, why = verdict(3.0, measured(2.5, unit="percent"))
    assert name == DIFFERS and "0.5 percentage points higher" in why and "%" not in why.split("percentage")[0]


def test_counts_carry_their_unit_and_the_interval_is_explained():
    name, why = verdict(55, measured(40, 20, 60, rounded_to=10, terms=4))
    assert "38% (15 encounters) higher" in why and "4 values each rounded to the nearest 10" in why
    assert "between 20 and 60 encounters" in why


def test_the_summary_counts_every_verdict():
    text = summary({MATCHES: 6, CONSISTENT: 1, DIFFERS: 1, UNCHECKABLE: 6, CLOSE_TO: 0}, 3)
    assert text == ("Of 14 figures checked in 3 articles, 6 match, 1 is consistent within rounding, "
                    "1 differs and 6 cannot be checked.")


# ---- formats ----------------------------------------------------------------------------

def test_numbers_are_written_one_way():
    assert format_share(2.4753) == "2.48%" and format_share(53.436) == "53.4%"
    assert format_points(0.02) == "0.02 percentage points" and format_points(1) == "1 percentage point"
    assert format_measured(measured(18660)) == "18,660 encounters"
    assert derive("one-in", 25565, 520085) == (20, "1 in 20")
    assert derive("change", 100, 157)[1] == "+57%" and derive("change", 100, 88)[1] == "−12%"
    assert derive("difference", 1290, 1330)[1] == "40" and derive("share", 1, 4)[1] == "25.0%"
    with pytest.raises(ValueError):
        derive("ratio", 1, 0)


# ---- the hand-typed-number scan ---------------------------------------------------------

@pytest.mark.parametrize("text, found", [
    ("In 2023, 12,345 people crossed.", ["12,345"]),
    ("{fig:crossings-2023} people crossed in 2010–2019.", []),
    ("On 29 February 2024 and February 29, 2024 (2024-02-29).", []),
    ("FY2024, COVID-19, Title 42 and a 1:50m map, rounded to the nearest 10.", []),
    ("A town {n:75 miles|quoted from DW} away.", []),
    ("About one in eight, 2.5% and 40 to 45 more.", ["one in eight", "2.5%", "40", "45"]),
])
def test_hand_typed_numbers(text, found):
    assert [numeral for _, numeral in hand_typed(text)] == found


def test_markdown_list_footnote_and_heading_numbers_are_structure():
    text = "## 2. Second part\n\n1. First item[^1]\n2. Second\n\n> Quoted: 300 people.\n\n[^1]: A note.\n\n```chart c-1\n```\n"
    assert hand_typed(text, markdown=True) == []


def test_partial_rows_flag_only_the_columns_that_fall_short():
    from site_builder.model import Dataset, Query
    from site_builder.queries import run_query

    columns = [Column("year", "int", "Year"), Column("china", "int", "China"), Column("total", "int", "Total")]
    rows = [{"year": 2024, "china": 12366, "total": 302203}]
    data = {"d": Dataset("d", "d.csv", "/data/d/", "data/d/index.html", "D", "A", "", "https://example.org", "x",
                         "people", "2025", [], columns, {}, rows, [2], "digest",
                         partial=[({"year": 2024}, "to about 17 December", ("china",))])}
    assert run_query(Query("d", "china", {"year": 2024}, "value"), data).partial == ("to about 17 December",)
    assert run_query(Query("d", "total", {"year": 2024}, "value"), data).partial == ()


def test_derived_spans_read_two_figures_and_refuse_what_they_cannot_compute():
    from site_builder.figures import lookup
    from site_builder.model import Figure

    a = Figure("a", "f.yaml", 1, "A", None, "", "", 1290, "1,290", "/data/x/", measured(1290))
    b = Figure("b", "f.yaml", 2, "B", None, "", "", 1330, "1,330", "/data/x/", measured(1330))
    total = Figure("claims:total", "claims", 0, "Total", None, "", "", None, "14", "")
    figures = {"a": a, "b": b, "claims:total": total}
    assert lookup("fig", "difference b a", figures).text == "40"
    assert lookup("fig", " a ", figures) is a and lookup("claims", "total", figures) is total
    for bad in ("ratio a", "ratio a b c", "difference a claims:total"):
        with pytest.raises(ValueError):
            lookup("fig", bad, figures)
    with pytest.raises(KeyError):
        lookup("fig", "ratio a nope", figures)
