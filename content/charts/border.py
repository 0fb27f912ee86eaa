"""The fiscal-year chart of encounters of Chinese nationals at the US Southwest border
(the monthly charts are in monthly.py)."""

from site_builder.charts import chart

USBP_ANNUAL = "usbp_china_encounters_annual_fy2000_fy2025"

BP_COLOUR = "#d95f02"
SHARE_COLOUR = "#888888"


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
        "Border Patrol encounters of Chinese nationals at the Southwest border rose from {fig:usbp-china-swb-fy2019} in "
        "FY2019 (and {fig:usbp-china-swb-fy2021} in FY2021, the lowest year) to {fig:usbp-china-swb-fy2024} in FY2024, "
        "yet were still only {fig:usbp-china-share-fy2024} of all encounters there."
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
    # "FY2019" six times in 255 px ran together; "FY19" leaves room between labels
    # a translated label with a space ("2019 财年") goes on two lines
    x = alt.X("Fiscal year:O", title=None,
              axis=alt.Axis(labelAngle=0, labelExpr="split(replace(datum.label, 'FY20', 'FY'), ' ')"))

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
            # two lines: on one it ran past the chart's right edge and was cut off
            ["China's share of all", "Southwest-border encounters (%)"],
            fontSize=12,
            fontWeight="normal",
            anchor="start",
            offset=4,
        ),
    )
    spec = alt.vconcat(top, bottom, spacing=10).properties(
    )
    return spec, rows
