"""Monthly charts of encounters of Chinese nationals at the US Southwest border, with the
rule changes of the events dataset marked on them."""

from site_builder.chart_text import label, month, number
from site_builder.charts import chart

USBP_MONTHLY = "usbp_china_encounters_monthly_fy2000_fy2025"
CBP_FY2025 = "cbp_swb_china_encounters_monthly_fy2025"
EVENTS = "events"  # rule changes; every dated line on these charts comes from this dataset

BP_COLOUR = "#d95f02"
CBP_COLOUR = "#7570b3"

BP_SERIES = "Border Patrol only (rounded to 10)"
CBP_SERIES = "All CBP, incl. ports of entry (exact)"

FIRST_MONTH = "2020-10"
LABEL_ROW_PX = 15  # vertical step between stacked event labels


def _bp_months(ds):
    """The Border Patrol months the charts draw (from FIRST_MONTH); a missing Chinese count is an error."""
    for r in ds.rows:
        if r["year_month"] < FIRST_MONTH:
            continue
        if r["china_swb"] is None:
            raise ValueError(f"missing Border Patrol value for {r['year_month']}")
        yield r


def _monthly_rows(bp_ds, cbp_ds):
    """Both series, one row per month and series; the two overlap in Oct–Nov 2024."""
    rows = [{"Month": r["year_month"], "Series": BP_SERIES, "Encounters": r["china_swb"]} for r in _bp_months(bp_ds)]
    for r in cbp_ds.rows:
        rows.append(
            {"Month": r["year_month"], "Series": CBP_SERIES, "Encounters": r["china_swb_all_components"]}
        )
    return rows


def _event_rows(events_ds, first, last):
    """The charted events between two months ("YYYY-MM", inclusive), one numbered row per
    month in date order (events of the same month share a line, their labels joined).

    Labels and dates both come from the events dataset, so a chart never types a date of its own.
    """
    by_month = {}
    for r in sorted(events_ds.rows, key=lambda r: r["date"]):
        when = r["date"][:7]
        if first <= when <= last and r["chart_label"]:
            by_month.setdefault(when, []).append(r["chart_label"])
    rows = []
    for n, (when, labels) in enumerate(sorted(by_month.items()), start=1):
        rows.append({
            "Month": when,
            "Number": str(n),
            # drawn in the chart's language: each event's label and the template are translated
            "Event": label("{number}  {events} ({month})", number=n,
                           events=label("; ").join(label(text) for text in labels), month=month(when)),
            "Row": (n - 1) % 2,
        })
    return rows


def _event_marks(rows, x):
    """Dashed lines at each event's month, numbered at the top (alternating rows so
    that events a month apart stay legible)."""
    import altair as alt

    base = alt.Chart(alt.Data(values=rows))
    rule = base.mark_rule(color="#888", strokeDash=[2, 2]).encode(x=x)
    number = base.transform_calculate(top=f"2 + datum.Row * {LABEL_ROW_PX}").mark_text(
        baseline="top", dx=-4, align="right", fontSize=12, fontWeight="bold"
    ).encode(x=x, y=alt.Y("top:Q", scale=None, axis=None), text="Number:N")
    return [rule, number]


def _event_key(rows, width):
    """The numbered list of events under a chart, one line each."""
    import altair as alt

    return (
        alt.Chart(alt.Data(values=rows))
        .mark_text(align="left", baseline="middle", fontSize=12)
        .encode(
            y=alt.Y("Number:O", axis=None, sort=[r["Number"] for r in rows]),
            x=alt.value(0),
            text="Event:N",
        )
        .properties(width=width, height=LABEL_ROW_PX * len(rows), view=alt.ViewBackground(stroke=None))
    )


def _month_axis():
    import altair as alt

    return alt.X(
        "Month:T",
        title=None,
        scale=alt.Scale(type="utc"),
        axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": 1}, grid=False),
    )


@chart(
    "usbp-monthly",
    title="Chinese nationals encountered at the US Southwest border, by month, October 2020 – September 2025",
    takeaway=(
        "Encounters of Chinese nationals at the Southwest border climbed through 2023 to a peak "
        "in December 2023 and fell from January 2024, months before Ecuador's visa rule; from "
        "April 2025 they were at most {fig:cbp-china-swb-max-apr-sep-2025} a month."
    ),
    description=(
        "Line chart of monthly encounters of Chinese nationals at the US–Mexico border. The "
        "orange Border Patrol series (October 2020 to November 2024) stays at or under "
        "{fig:usbp-china-monthly-max-oct2020-dec2021} a month until the end of 2021, reaches "
        "{fig:usbp-china-jan-2023} in January 2023, when China reopened, rises through 2023 and "
        "peaks at {fig:usbp-china-monthly-peak} in December 2023. It "
        "falls from January 2024, before the changes of June and July 2024, to "
        "{fig:usbp-china-nov-2024} in November 2024. A dashed purple series, all CBP encounters "
        "including ports of entry, starts in October 2024 at {fig:cbp-china-swb-oct-2024}, overlaps "
        "the Border Patrol series for two months, and from April to September 2025 stays between "
        "{fig:cbp-china-swb-min-apr-sep-2025} and {fig:cbp-china-swb-max-apr-sep-2025} a month. "
        "Numbered dashed lines mark the rule changes listed under the chart."
    ),
    datasets=[USBP_MONTHLY, CBP_FY2025, EVENTS],
    notes=[
        "Two series with different definitions. Orange: Border Patrol only, between ports of entry (Title 8 apprehensions and Title 42 expulsions), rounded to the nearest 10, from DHS's Office of Homeland Security Statistics. Dashed purple: all CBP encounters at the Southwest border, including officers at ports of entry, exact counts, from CBP's Nationwide Encounters data.",
        "The two overlap in October and November 2024: Border Patrol {fig:usbp-china-oct-2024} and {fig:usbp-china-nov-2024}, all CBP {fig:cbp-china-swb-oct-2024} and {fig:cbp-china-swb-nov-2024}. Both are drawn; the later months are not comparable with the earlier line.",
        "The numbered lines are dates from the events dataset (each with its source). A date is not a cause: the chart cannot show what any one change did.",
        "Months are calendar months; US fiscal years run October–September.",
    ],
)
def usbp_monthly(data):
    import altair as alt

    rows = _monthly_rows(data[USBP_MONTHLY], data[CBP_FY2025])
    events = _event_rows(data[EVENTS], rows[0]["Month"], max(r["Month"] for r in rows))
    bp_rows = [r for r in rows if r["Series"] == BP_SERIES]
    peak = max(bp_rows, key=lambda r: r["Encounters"])
    first_cbp = min(r["Month"] for r in rows if r["Series"] == CBP_SERIES)

    base = alt.Chart(alt.Data(values=rows))
    x = _month_axis()
    y = alt.Y(
        "Encounters:Q",
        title="Encounters per month",
        scale=alt.Scale(domain=[0, 7000]),
        axis=alt.Axis(format=",d", tickCount=4),
    )
    colour_scale = alt.Scale(domain=[BP_SERIES, CBP_SERIES], range=[BP_COLOUR, CBP_COLOUR])
    colour = alt.Color(
        "Series:N",
        title=None,
        scale=colour_scale,
        legend=alt.Legend(orient="top", direction="vertical", symbolType="stroke", labelLimit=300, rowPadding=6),
    )
    dash = alt.StrokeDash(
        "Series:N",
        scale=alt.Scale(domain=[BP_SERIES, CBP_SERIES], range=[[1, 0], [5, 3]]),
        legend=None,
    )
    lines = base.mark_line(strokeWidth=2).encode(x=x, y=y, color=colour, strokeDash=dash)
    points = base.mark_point(filled=True, size=16).encode(
        x=x,
        y=y,
        color=alt.Color("Series:N", scale=colour_scale, legend=None),
        tooltip=[
            alt.Tooltip("Month:N"),
            "Series:N",
            alt.Tooltip("Encounters:Q", format=","),
        ],
    )
    # The peak and the series break are labelled from the rows themselves.
    marker_rows = [
        {"Month": peak["Month"], "Encounters": peak["Encounters"],
         "Marker": label("{count} ({month})", count=number(peak["Encounters"]), month=month(peak["Month"]))},
    ]
    peak_label = (
        alt.Chart(alt.Data(values=marker_rows))
        .mark_text(align="right", dx=-6, dy=4, baseline="top", fontSize=12)
        .encode(x=x, y=y, text="Marker:N")
    )
    break_rows = [{"Month": first_cbp, "Marker": label("New series\nfrom {month}", month=month(first_cbp))}]
    series_break = alt.Chart(alt.Data(values=break_rows))
    break_marks = [
        series_break.mark_rule(color=CBP_COLOUR, strokeDash=[1, 2]).encode(x=x),
        series_break.mark_text(align="left", baseline="top", dx=4, fontSize=12, lineBreak="\n").encode(
            x=x, y=alt.value(120), text="Marker:N"
        ),
    ]

    plot = alt.layer(*_event_marks(events, x), *break_marks, lines, points, peak_label).properties(
        width=220, height=300
    )
    spec = alt.vconcat(plot, _event_key(events, 228), spacing=8)
    return spec, rows


def _share_rows(ds):
    """China's share of all Border Patrol encounters at the Southwest border, by month,
    computed from the two counts and checked against the file's own share column."""
    rows = []
    for r in _bp_months(ds):
        share = round(100 * r["china_swb"] / r["all_nationalities_swb"], 2)
        if r["china_share_of_swb_pct"] is not None and abs(share - r["china_share_of_swb_pct"]) > 0.01:
            raise ValueError(f"{r['year_month']}: computed share {share} != file {r['china_share_of_swb_pct']}")
        rows.append({
            "Month": r["year_month"],
            "Chinese nationals": r["china_swb"],
            "All nationalities": r["all_nationalities_swb"],
            "Chinese share (%)": share,
        })
    return rows


@chart(
    "usbp-china-share-monthly",
    title="China's share of all Border Patrol encounters at the Southwest border, by month, October 2020 – November 2024",
    takeaway=(
        "When encounters fell in 2024, China's share of all encounters stayed where it had been "
        "({fig:usbp-china-share-jan-jun-2024} in January–June, {fig:usbp-china-share-jul-nov-2024} "
        "in July–November): Chinese nationals' encounters fell about as fast as everyone else's."
    ),
    description=(
        "Line chart of Chinese nationals' monthly share of all Border Patrol encounters at the "
        "Southwest border, October 2020 to November 2024. The share is near zero until mid-2022, "
        "rises through 2023, and moves up and down within the same band through 2024, before and "
        "after the rule changes of June and July 2024. Numbered dashed lines mark the rule changes "
        "listed under the chart."
    ),
    datasets=[USBP_MONTHLY, EVENTS],
    notes=[
        "Border Patrol only (between ports of entry), rounded to the nearest 10 in the source (DHS Office of Homeland Security Statistics). The share is computed here: Chinese nationals ÷ encounters of all nationalities at the Southwest border, both in the data table.",
        "The Border Patrol-only series we hold ends in November 2024, so the chart stops there.",
        "The numbered lines are dates from the events dataset (each with its source). A date is not a cause: the chart cannot show what any one change did.",
    ],
)
def usbp_china_share_monthly(data):
    import altair as alt

    rows = _share_rows(data[USBP_MONTHLY])
    events = _event_rows(data[EVENTS], rows[0]["Month"], rows[-1]["Month"])
    x = _month_axis()
    line = (
        alt.Chart(alt.Data(values=rows))
        .mark_line(color=BP_COLOUR, strokeWidth=2, point=alt.OverlayMarkDef(size=14, color=BP_COLOUR))
        .encode(
            x=x,
            y=alt.Y(
                "Chinese share (%):Q",
                title="% of all encounters",
                scale=alt.Scale(domain=[0, 4]),
                axis=alt.Axis(tickCount=4),
            ),
            tooltip=[
                alt.Tooltip("Month:N"),
                alt.Tooltip("Chinese nationals:Q", format=","),
                alt.Tooltip("All nationalities:Q", format=","),
                alt.Tooltip("Chinese share (%):Q", format=".2f"),
            ],
        )
    )
    plot = alt.layer(*_event_marks(events, x), line).properties(width=220, height=220)
    spec = alt.vconcat(plot, _event_key(events, 228), spacing=8)
    return spec, rows
