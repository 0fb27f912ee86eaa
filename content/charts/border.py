"""Charts on encounters of Chinese nationals at the US Southwest border."""

from site_builder.charts import chart

USBP_MONTHLY = "usbp_china_encounters_monthly_fy2000_fy2025"
CBP_FY2025 = "cbp_swb_china_encounters_monthly_fy2025"
USBP_ANNUAL = "usbp_china_encounters_annual_fy2000_fy2025"

BP_COLOUR = "#d95f02"
CBP_COLOUR = "#7570b3"
SHARE_COLOUR = "#888888"

BP_SERIES = "Border Patrol only (rounded to 10)"
CBP_SERIES = "All CBP, incl. ports of entry (exact)"

FIRST_MONTH = "2020-10"
REOPENING = "2023-01"  # China reopens its borders (8 January 2023)
ECUADOR_VISA = "2024-07"  # Ecuador requires visas of Chinese visitors from 1 July 2024


def _monthly_rows(bp_ds, cbp_ds):
    """Both series, one row per month and series; the two overlap in Oct–Nov 2024."""
    rows = []
    for r in bp_ds.rows:
        if r["year_month"] < FIRST_MONTH:
            continue
        if r["china_swb"] is None:
            raise ValueError(f"missing Border Patrol value for {r['year_month']}")
        rows.append({"Month": r["year_month"], "Series": BP_SERIES, "Encounters": r["china_swb"]})
    for r in cbp_ds.rows:
        rows.append(
            {"Month": r["year_month"], "Series": CBP_SERIES, "Encounters": r["china_swb_all_components"]}
        )
    return rows


def _at_month(base, month, series):
    """Filter a chart's rows to one month ("YYYY-MM") of one series.

    The Month field is parsed as a date for the temporal axis, so the month is
    matched by UTC year and month rather than as a string.
    """
    import altair as alt

    year, mon = (int(p) for p in month.split("-"))
    return base.transform_filter(alt.datum.Series == series).transform_filter(
        alt.FieldEqualPredicate(
            field="Month",
            timeUnit="utcyearmonth",
            equal=alt.DateTime(year=year, month=mon, utc=True),
        )
    )


@chart(
    "usbp-monthly",
    title="Chinese nationals encountered at the US Southwest border, by month, October 2020 – September 2025",
    takeaway=(
        "Encounters of Chinese nationals at the Southwest border climbed through 2023 to a peak "
        "of {fig:usbp-china-monthly-peak} in December 2023, then fell away after Ecuador required visas in July 2024."
    ),
    description=(
        "Line chart of monthly encounters of Chinese nationals at the US–Mexico border. The "
        "orange Border Patrol series (October 2020 to November 2024) stays at or under "
        "{fig:usbp-china-monthly-max-oct2020-dec2021} a month until the end of 2021, reaches "
        "{fig:usbp-china-jan-2023} in January 2023, when China reopened, "
        "and peaks at {fig:usbp-china-monthly-peak} in December 2023. It falls after Ecuador began requiring visas of "
        "Chinese visitors in July 2024, to {fig:usbp-china-nov-2024} in November 2024. A dashed purple series, all CBP "
        "encounters including ports of entry, starts in October 2024 at {fig:cbp-china-swb-oct-2024} and overlaps the "
        "Border Patrol series for October and November 2024, running {fig:difference cbp-china-swb-oct-2024 usbp-china-oct-2024} "
        "and {fig:difference cbp-china-swb-nov-2024 usbp-china-nov-2024} higher; from April to September 2025 it "
        "stays between {fig:cbp-china-swb-min-apr-sep-2025} and {fig:cbp-china-swb-max-apr-sep-2025} a month."
    ),
    datasets=[USBP_MONTHLY, CBP_FY2025],
    notes=[
        "Two series with different definitions. Orange: Border Patrol only, between ports of entry (Title 8 apprehensions and Title 42 expulsions), rounded to the nearest 10, from DHS's Office of Homeland Security Statistics. Dashed purple: all CBP encounters at the Southwest border, including officers at ports of entry, exact counts, from CBP's Nationwide Encounters data.",
        "The two overlap in October and November 2024: Border Patrol {fig:usbp-china-oct-2024} and {fig:usbp-china-nov-2024}, all CBP {fig:cbp-china-swb-oct-2024} and {fig:cbp-china-swb-nov-2024}. Both are drawn; the later months are not comparable with the earlier line.",
        "China reopened its borders in January 2023; Ecuador required visas of Chinese visitors from 1 July 2024.",
        "Months are calendar months; US fiscal years run October–September.",
    ],
)
def usbp_monthly(data):
    import altair as alt

    rows = _monthly_rows(data[USBP_MONTHLY], data[CBP_FY2025])
    peak = max((r for r in rows if r["Series"] == BP_SERIES), key=lambda r: r["Encounters"])

    base = alt.Chart(alt.Data(values=rows))
    x = alt.X(
        "Month:T",
        title=None,
        scale=alt.Scale(type="utc"),
        axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": 1}, grid=False),
    )
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
        legend=alt.Legend(orient="top", direction="vertical", symbolType="stroke", labelLimit=300),
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

    def event(month, series, text, align, dx, y_px):
        sel = _at_month(base, month, series)
        rule = sel.mark_rule(color="#888", strokeDash=[2, 2]).encode(x=x)
        label = sel.mark_text(align=align, baseline="top", dx=dx, fontSize=12, lineBreak="\n").encode(
            x=x, y=alt.value(y_px), text=alt.value(text)
        )
        return [rule, label]

    annotations = (
        event(REOPENING, BP_SERIES, "China reopens\n(Jan 2023)", "right", -4, 90)
        + event(ECUADOR_VISA, BP_SERIES, "Ecuador visa rule\n(Jul 2024)", "right", -4, 2)
        + event("2024-10", CBP_SERIES, "New series\nfrom Oct 2024", "left", 4, 2)
    )
    peak_label = (
        _at_month(base, peak["Month"], BP_SERIES)
        .mark_text(align="right", dx=-6, dy=4, baseline="top", fontSize=12)
        .encode(x=x, y=y, text=alt.value(f"{peak['Encounters']:,} (Dec 2023)"))
    )

    spec = alt.layer(*annotations, lines, points, peak_label).properties(
        width=228,
        height=320,
    )
    return spec, rows


def _fiscal_rows(ds):
    rows = []
    for r in ds.rows:
        if not 2019 <= r["fiscal_year"] <= 2024:
            continue
        share = round(100 * r["china_swb"] / r["all_nationalities_swb"], 2)
        if abs(share - r["china_share_of_swb_pct"]) > 0.005:
            raise ValueError(
                f"FY{r['fiscal_year']}: computed share {share} != file {r['china_share_of_swb_pct']}"
            )
        rows.append(
            {
                "Fiscal year": f"FY{r['fiscal_year']}",
                "Chinese nationals": r["china_swb"],
                "All nationalities": r["all_nationalities_swb"],
                "Chinese share (%)": share,
            }
        )
    return rows


@chart(
    "usbp-fiscal-share",
    title="Chinese nationals encountered by the Border Patrol at the Southwest border, FY2019–FY2024",
    takeaway=(
        "Border Patrol encounters of Chinese nationals at the Southwest border rose from {fig:usbp-china-swb-fy2021} in "
        "FY2021 to {fig:usbp-china-swb-fy2024} in FY2024, yet were still only {fig:usbp-china-share-fy2024} of all encounters there."
    ),
    description=(
        "Two bar charts by US fiscal year, FY2019 to FY2024. The upper, orange bars count Border "
        "Patrol encounters of Chinese nationals at the Southwest border: {fig:usbp-china-swb-fy2019}, "
        "{fig:usbp-china-swb-fy2020}, {fig:usbp-china-swb-fy2021}, {fig:usbp-china-swb-fy2022}, "
        "{fig:usbp-china-swb-fy2023} and {fig:usbp-china-swb-fy2024}. The lower, grey bars give China's share of "
        "all Southwest-border encounters: {fig:usbp-china-share-fy2019}, {fig:usbp-china-share-fy2020}, "
        "{fig:usbp-china-share-fy2021}, {fig:usbp-china-share-fy2022}, {fig:usbp-china-share-fy2023} and "
        "{fig:usbp-china-share-fy2024}."
    ),
    datasets=[USBP_ANNUAL],
    notes=[
        "Border Patrol only (between ports of entry), Title 8 apprehensions plus Title 42 expulsions from March 2020; values rounded to the nearest 10 in the source (DHS Office of Homeland Security Statistics).",
        "US fiscal years run October–September: FY2024 is October 2023 – September 2024.",
        "The share is computed here: Chinese nationals ÷ encounters of all nationalities at the Southwest border (the totals are in the data table).",
    ],
)
def usbp_fiscal_share(data):
    import altair as alt

    rows = _fiscal_rows(data[USBP_ANNUAL])
    base = alt.Chart(alt.Data(values=rows))
    x = alt.X("Fiscal year:O", title=None, axis=alt.Axis(labelAngle=0))

    count_bars = base.mark_bar(color=BP_COLOUR).encode(
        x=x.axis(None),
        y=alt.Y(
            "Chinese nationals:Q",
            title="Chinese nationals",
            scale=alt.Scale(domain=[0, 45000]),
            axis=alt.Axis(format=",d", tickCount=3),
        ),
        tooltip=["Fiscal year:O", alt.Tooltip("Chinese nationals:Q", format=",")],
    )
    count_labels = base.mark_text(dy=-4, baseline="bottom", fontSize=12).encode(
        x=x, y="Chinese nationals:Q", text=alt.Text("Chinese nationals:Q", format=",")
    )
    top = alt.layer(count_bars, count_labels).properties(width=255, height=190)

    share_bars = base.mark_bar(color=SHARE_COLOUR).encode(
        x=x,
        y=alt.Y(
            "Chinese share (%):Q",
            title="% of all",
            scale=alt.Scale(domain=[0, 3.5]),
            axis=alt.Axis(tickCount=3),
        ),
        tooltip=["Fiscal year:O", alt.Tooltip("Chinese share (%):Q", format=".2f")],
    )
    share_labels = base.mark_text(dy=-4, baseline="bottom", fontSize=12).encode(
        x=x,
        y="Chinese share (%):Q",
        text=alt.Text("Chinese share (%):Q", format=".2f"),
    )
    bottom = alt.layer(share_bars, share_labels).properties(
        width=255,
        height=90,
        title=alt.Title(
            "China's share of all Southwest-border encounters (%)",
            fontSize=12,
            fontWeight="normal",
            anchor="start",
            offset=4,
        ),
    )
    spec = alt.vconcat(top, bottom, spacing=10).properties(
    )
    return spec, rows
