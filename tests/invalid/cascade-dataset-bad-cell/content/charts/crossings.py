from site_builder.charts import chart


@chart("crossings-bar", title="Crossings per year", takeaway="They rose fast.",
       description="A bar chart of crossings per year.", datasets=["crossings"])
def crossings_bar(data):
    import altair as alt
    rows = [{"Year": str(r["year"]), "Crossings": r["count"]} for r in data["crossings"].rows]
    return alt.Chart(alt.Data(values=rows)).mark_bar().encode(x="Year:O", y="Crossings:Q"), rows
