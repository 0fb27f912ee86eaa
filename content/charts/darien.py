"""Charts on the Darién Gap crossing (Panama's SNM counts)."""

from site_builder.charts import chart

ANNUAL = "panama_darien_irregular_transit_annual"
PERIODS = "panama_darien_china_sub_annual"  # says when a year's Chinese count was reported
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

CHINA_COLOUR = "#d95f02"
TOTAL_COLOUR = "#888888"


def _count_end(periods, year, count):
    """The reported end date of a year's Chinese count when it stops short of 31 December
    (the period-total row of the same year with the same count), else None."""
    for r in periods.rows:
        if r["kind"] == "period total" and r["china"] == count and r["period_start"] == f"{year}-01-01":
            if r["period_end"] != f"{year}-12-31":
                return r["period_end"]
    return None


def _annual_rows(ds, periods):
    """Calendar years 2020–2024 with the Chinese count, the total and the share.

    The share is computed here from the two counts and checked against the
    china_share_pct column of the source file.
    """
    rows = []
    for r in ds.rows:
        if not 2020 <= r["year"] <= 2024:
            continue
        china, total = r["china"], r["total_all_nationalities"]
        if china is None:
            raise ValueError(f"no Chinese count for {r['year']}")
        share = round(100 * china / total, 2)
        if r["china_share_pct"] is not None and abs(share - r["china_share_pct"]) > 0.005:
            raise ValueError(f"{r['year']}: computed share {share} != file {r['china_share_pct']}")
        end = _count_end(periods, r["year"], china)
        rows.append(
            {
                "Year": str(r["year"]),
                "Chinese nationals": china,
                "All nationalities": total,
                "Chinese share (%)": share,
                "Period": (f"1 Jan – about {int(end[8:])} {MONTH_NAMES[int(end[5:7]) - 1]} (Chinese count)"
                           if end else "Full year"),
            }
        )
    return rows


@chart(
    "darien-annual",
    title="Chinese nationals crossing the Darién Gap, 2020–2024",
    takeaway=(
        "Chinese crossings of the Darién went from a handful to tens of thousands: "
        "{fig:darien-china-2020} in 2020, {fig:darien-china-2022} in 2022 and {fig:darien-china-2023} in 2023, "
        "about {fig:one-in darien-china-2023 darien-total-2023} of everyone who crossed."
    ),
    description=(
        "Two bar charts sharing the years 2020 to 2024. The upper, orange bars count Chinese "
        "nationals who crossed the Darién Gap into Panama: {fig:darien-china-2020} in 2020, "
        "{fig:darien-china-2021} in 2021, {fig:darien-china-2022} in 2022, "
        "{fig:darien-china-2023} in 2023 and {fig:darien-china-2024} in 2024, the 2024 bar drawn lighter because that count runs "
        "only to about 17 December. The lower, grey bars count people of all nationalities: "
        "{fig:darien-total-2020}, {fig:darien-total-2021}, {fig:darien-total-2022}, {fig:darien-total-2023} "
        "and {fig:darien-total-2024}. Chinese nationals were {fig:darien-china-share-2020} of all "
        "crossers in 2020, {fig:darien-china-share-2022} in 2022, {fig:darien-china-share-2023} in 2023 "
        "and about {fig:darien-china-share-2024} in 2024."
    ),
    datasets=[ANNUAL, PERIODS],
    notes=[
        "Counts by Panama's National Migration Service (SNM) as quoted by news agencies; no SNM file was available.",
        "The 2024 Chinese count runs to about 17 December 2024 (reported 17–18 December); the 2024 total is the full year, so the 2024 share divides a slightly short count by a full-year total.",
        "Chinese counts for 2019 and 2025 were not found. SNM counted {n:296|SNM's count for 2010–2019 as reported, kept in the note of the 2019 row} Chinese nationals in all of 2010–2019.",
        "Outlets give slightly different totals for some years (2021: {fig:darien-total-2021} or {n:133,653|another outlet's figure, kept in the note column}; 2022: {fig:darien-total-2022} or {n:248,283|another outlet's figure, kept in the note column}).",
        "Shares are computed from the two counts on this page (Chinese ÷ all nationalities).",
    ],
)
def darien_annual(data):
    import altair as alt

    rows = _annual_rows(data[ANNUAL], data[PERIODS])
    base = alt.Chart(alt.Data(values=rows))
    x = alt.X("Year:O", title=None, axis=alt.Axis(labelAngle=0))
    partial = alt.datum.Period != "Full year"

    china_bars = base.mark_bar(color=CHINA_COLOUR, stroke=CHINA_COLOUR, strokeWidth=1.5).encode(
        x=x.axis(None),
        y=alt.Y(
            "Chinese nationals:Q",
            title="Chinese nationals",
            axis=alt.Axis(format=",d", tickCount=4),
            scale=alt.Scale(domain=[0, 30000]),
        ),
        fillOpacity=alt.condition(partial, alt.value(0.35), alt.value(1.0)),
        strokeDash=alt.condition(partial, alt.value([4, 3]), alt.value([1, 0])),
        tooltip=["Year:O", alt.Tooltip("Chinese nationals:Q", format=","), "Period:N"],
    )
    china_labels = base.mark_text(dy=-7, baseline="bottom", fontSize=12).encode(
        x=x,
        y="Chinese nationals:Q",
        text=alt.Text("Chinese nationals:Q", format=","),
    )
    partial_label = (
        base.transform_filter(partial)
        .mark_text(dy=-22, baseline="bottom", fontSize=12, fontStyle="italic")
        .encode(x=x, y="Chinese nationals:Q", text=alt.value("part year"))
    )
    top = alt.layer(china_bars, china_labels, partial_label).properties(width=250, height=190)

    share_text = base.mark_text(fontSize=12).encode(
        x=x.axis(None),
        text=alt.Text("Chinese share (%):Q", format=".2f"),
    )
    share_row = (
        alt.layer(share_text)
        .properties(
            width=250,
            height=18,
            view=alt.ViewBackground(stroke=None),
            title=alt.Title(
                "Chinese share of all crossers (%)",
                fontSize=12,
                fontWeight="normal",
                anchor="start",
                offset=2,
            ),
        )
    )

    total_bars = base.mark_bar(color=TOTAL_COLOUR).encode(
        x=x,
        y=alt.Y(
            "All nationalities:Q",
            title="All nationalities",
            axis=alt.Axis(format=",d", tickCount=3),
            scale=alt.Scale(domain=[0, 600000]),
        ),
        tooltip=["Year:O", alt.Tooltip("All nationalities:Q", format=",")],
    )
    total_labels = base.mark_text(dy=-4, baseline="bottom", fontSize=12).encode(
        x=x,
        y="All nationalities:Q",
        text=alt.Text("All nationalities:Q", format=","),
    )
    bottom = alt.layer(total_bars, total_labels).properties(width=250, height=90)

    spec = alt.vconcat(top, share_row, bottom, spacing=8).properties(
    )
    return spec, rows
