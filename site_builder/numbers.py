"""How numbers are written, in one place: thousands separators, decimals of shares,
units, intervals, and the derived forms a text may ask for.

Figures, claims, chart text and summaries all print through these functions, so one
number never appears in two spellings.
"""

from __future__ import annotations

from .model import Measured

PERCENT = "percent"


def format_number(value: int | float, fmt: str = "") -> str:
    """A number as prose prints it: ``fmt`` (a ``str.format`` pattern) when given, else
    a whole number with thousands separators, or one decimal."""
    if fmt:
        return fmt.format(value)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def format_share(percent: float) -> str:
    """A share in percent: two decimals below 10 % (2.48%), one above (53.4%)."""
    text = f"{percent:.2f}" if abs(percent) < 10 else f"{percent:.1f}"
    return f"{text}%"


def format_points(points: float) -> str:
    """A difference between two shares, in percentage points."""
    text = f"{abs(points):.2f}".rstrip("0").rstrip(".") if abs(points) < 10 else f"{abs(points):.1f}"
    return f"{text} percentage point{'' if text == '1' else 's'}"


def format_amount(value: float, unit: str) -> str:
    """A value with its unit: ``2.48%`` for a share, ``40 encounters`` for a count."""
    if unit == PERCENT:
        return format_share(value)
    return f"{format_number(value)} {unit}".rstrip()


def format_measured(measured: Measured) -> str:
    """A query's answer as the claims table prints it, with its unit."""
    return format_amount(round(measured.value, 4) if isinstance(measured.value, float) else measured.value,
                         measured.unit)


def format_interval(measured: Measured) -> str:
    """``between 20 and 60 encounters``; the ends are whole when the values were."""
    if measured.low is None or measured.high is None:
        return ""
    if measured.unit == PERCENT:
        return f"between {format_share(measured.low)} and {format_share(measured.high)}"
    low, high = round(measured.low, 1), round(measured.high, 1)
    return f"between {format_number(low)} and {format_amount(high, measured.unit)}"


def format_relative(fraction: float) -> str:
    """A relative difference: ``38%``, or ``less than 1%``."""
    return f"{abs(fraction):.0%}" if abs(fraction) >= 0.005 else "less than 1%"


# ---- derived forms: {fig:<form> <key a> <key b>} -----------------------------------

def _difference(a: float, b: float) -> tuple[float, str]:
    return abs(a - b), format_number(abs(a - b))


def _ratio(a: float, b: float) -> tuple[float, str]:
    ratio = a / b
    return ratio, (f"{ratio:.0f}" if ratio >= 10 else f"{ratio:.1f}".rstrip("0").rstrip("."))


def _share(a: float, b: float) -> tuple[float, str]:
    return 100 * a / b, format_share(100 * a / b)


def _one_in(a: float, b: float) -> tuple[float, str]:
    n = round(b / a)
    return n, f"1 in {format_number(n)}"


def _change(a: float, b: float) -> tuple[float, str]:
    change = 100 * (b - a) / a
    sign = "+" if change > 0 else "−" if change < 0 else ""
    return change, f"{sign}{abs(change):,.0f}%"


# form → (function of the two values, how the figure's label reads)
FORMS = {
    "difference": (_difference, "difference between {a} and {b}"),
    "ratio": (_ratio, "{a} divided by {b}"),
    "share": (_share, "{a} as a share of {b}"),
    "one-in": (_one_in, "{a} as one in so many of {b}"),
    "change": (_change, "change from {a} to {b}, in percent"),
}


def derive(form: str, a: float, b: float) -> tuple[float, str]:
    """The value and text of ``form`` over figures ``a`` and ``b``. Raises ValueError
    (reader-facing) for an unknown form or a division by zero."""
    if form not in FORMS:
        raise ValueError(f"unknown form '{form}' (use one of {', '.join(FORMS)})")
    divisor = b if form in ("ratio", "share") else a
    if divisor == 0:
        raise ValueError(f"'{form}' divides by a figure that is zero")
    return FORMS[form][0](a, b)
