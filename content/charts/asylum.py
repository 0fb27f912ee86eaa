"""Chart on US immigration-court asylum grant rates by nationality (EOIR)."""

from site_builder.charts import chart

ASYLUM = "asylum_grant_rates_by_nationality"

NORTHERN_TRIANGLE = ("El Salvador", "Guatemala", "Honduras")
GROUPS = ["China", "Northern Triangle", "Mexico"]
COLOURS = ["#d95f02", "#1b9e77", "#7570b3"]
YEARS = (2018, 2019, 2020, 2021)
PARTIAL_YEAR = 2020  # EOIR's FY2020 figures run October 2019 – June 2020 only


def _eoir_rows(ds):
    """EOIR rows only (never TRAC, which uses a different method), FY2018–FY2021."""
    out = []
    for r in ds.rows:
        if r["source"].startswith("TRAC") or r["fiscal_year"] not in YEARS:
            continue
        if r["grants"] is None or r["total_decisions"] is None:
            raise ValueError(f"EOIR row without counts: {r}")
        # EOIR's rate is grants ÷ all decisions; check the file's published rate
        # agrees with the counts to the precision it was published at.
        rate = 100 * r["grants"] / r["total_decisions"]
        published = r["grant_rate_pct"]
        tolerance = 0.005 if published != round(published) else 0.5
        if abs(rate - published) > tolerance + 1e-9:
            raise ValueError(
                f"{r['nationality']} FY{r['fiscal_year']}: grants/decisions = {rate:.2f}, "
                f"file says {published}"
            )
        out.append(r)
    return out


def _fy_label(year):
    return f"FY{year} (Oct–Jun)" if year == PARTIAL_YEAR else f"FY{year}"


def _rate_rows(ds):
    eoir = _eoir_rows(ds)
    rows = []
    for year in YEARS:
        for group in GROUPS:
            members = NORTHERN_TRIANGLE if group == "Northern Triangle" else (group,)
            picked = [r for r in eoir if r["fiscal_year"] == year and r["nationality"] in members]
            if len(picked) != len(members):
                raise ValueError(f"FY{year} {group}: expected {len(members)} EOIR rows, got {len(picked)}")
            grants = sum(r["grants"] for r in picked)
            decisions = sum(r["total_decisions"] for r in picked)
            rows.append(
                {
                    "Fiscal year": _fy_label(year),
                    "Nationality": group,
                    "Grants": grants,
                    "Decisions": decisions,
                    "Grant rate (%)": round(100 * grants / decisions, 1),
                }
            )
    return rows


@chart(
    "asylum-grant-rates",
    title="Asylum grant rates in US immigration courts, China, the Northern Triangle and Mexico, FY2018–FY2021",
    takeaway=(
        "Over FY2018–FY2021, immigration judges granted asylum in {fig:asylum-rate-china-fy2018-fy2021} "
        "of decisions for Chinese nationals, against about {fig:one-in asylum-nt-grants-fy2018-fy2021 asylum-nt-decisions-fy2018-fy2021} "
        "for the Northern Triangle and {fig:one-in asylum-mexico-grants-fy2018-fy2021 asylum-mexico-decisions-fy2018-fy2021} for Mexicans."
    ),
    description=(
        "Grouped bar chart of immigration-court asylum grant rates by fiscal year, computed as "
        "grants divided by all decisions. China: {fig:asylum-rate-china-fy2018} in FY2018, "
        "{fig:asylum-rate-china-fy2019} in FY2019, {fig:asylum-rate-china-fy2020} in FY2020 and "
        "{fig:asylum-rate-china-fy2021} in FY2021. Northern Triangle (El Salvador, Guatemala and Honduras "
        "combined): {fig:asylum-rate-nt-fy2018}, {fig:asylum-rate-nt-fy2019}, {fig:asylum-rate-nt-fy2020} "
        "and {fig:asylum-rate-nt-fy2021}. Mexico: {fig:asylum-rate-mexico-fy2018}, {fig:asylum-rate-mexico-fy2019}, "
        "{fig:asylum-rate-mexico-fy2020} and {fig:asylum-rate-mexico-fy2021}. FY2020 "
        "covers October 2019 to June 2020 only."
    ),
    datasets=[ASYLUM],
    notes=[
        "Source: Justice Department immigration courts (EOIR), Asylum Decision Rates by Nationality. The grant rate is grants ÷ all decisions (grants, denials and other outcomes), computed here from the counts; it agrees with EOIR's published rates.",
        "Northern Triangle = El Salvador, Guatemala and Honduras combined: their grants added up and divided by their decisions added up (not an average of three rates).",
        "FY2020 covers October 2019 – June 2020 only, not the full fiscal year.",
        "US fiscal years run October–September. EOIR rates by nationality for full years from FY2022 onward were not found; what exists for later years is on the asylum page.",
        "Figures from TRAC (Syracuse University), which divides grants by grants plus denials only, are higher and not comparable; they are not shown.",
    ],
)
def asylum_grant_rates(data):
    import altair as alt

    rows = _rate_rows(data[ASYLUM])
    base = alt.Chart(alt.Data(values=rows))
    years = [_fy_label(y) for y in YEARS]
    x = alt.X("Fiscal year:N", title=None, sort=years,
              axis=alt.Axis(labelAngle=0, labelExpr="split(datum.label, ' ')"))
    offset = alt.XOffset("Nationality:N", sort=GROUPS)
    y = alt.Y(
        "Grant rate (%):Q",
        title="Asylum grant rate (%)",
        scale=alt.Scale(domain=[0, 70]),
        axis=alt.Axis(tickCount=4),
    )
    partial = alt.datum["Fiscal year"] == _fy_label(PARTIAL_YEAR)

    bars = base.mark_bar(strokeWidth=1.5).encode(
        x=x,
        xOffset=offset,
        y=y,
        color=alt.Color(
            "Nationality:N",
            title=None,
            sort=GROUPS,
            scale=alt.Scale(domain=GROUPS, range=COLOURS),
            legend=alt.Legend(orient="top", direction="horizontal"),
        ),
        stroke=alt.Color("Nationality:N", sort=GROUPS, scale=alt.Scale(domain=GROUPS, range=COLOURS), legend=None),
        fillOpacity=alt.condition(partial, alt.value(0.4), alt.value(1.0)),
        strokeDash=alt.condition(partial, alt.value([4, 3]), alt.value([1, 0])),
        tooltip=[
            "Fiscal year:N",
            "Nationality:N",
            alt.Tooltip("Grants:Q", format=","),
            alt.Tooltip("Decisions:Q", format=","),
            alt.Tooltip("Grant rate (%):Q", format=".1f"),
        ],
    )
    labels = base.mark_text(dy=-4, baseline="bottom", fontSize=12).encode(
        x=x,
        xOffset=offset,
        y=y,
        text=alt.Text("Grant rate (%):Q", format=".1f"),
    )
    spec = alt.layer(bars, labels).properties(
        width=278,
        height=340,  # at 300 px the FY2021 labels 10.6 and 7.5 touched
    )
    return spec, rows
