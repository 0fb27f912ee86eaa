"""Small building blocks for test sites: a dataset, a chart module, seeds."""

DATA_CSV = "year,count,label\n2021,77,small\n2022,2005,grew\n2023,25565,peak\n"
DATA_YAML = """\
title: "Crossings by year"
agency: "Test Agency"
url: "https://example.org/source"
definition: "People counted crossing."
unit: "people"
as_of: "2024-01-01"
caveats: ["2023 is provisional."]
columns:
  year: {type: int, label: "Year"}
  count: {type: int, label: "Crossings"}
  label: {type: str, label: "Label"}
"""
FIGURES = """\
crossings-2023:
  label: "Crossings in 2023"
  query: {dataset: crossings, column: count, where: {year: 2023}, agg: value}
crossings-total:
  label: "Crossings 2021-2023"
  query: {dataset: crossings, column: count, where: {year: {min: 2021, max: 2023}}, agg: sum}
"""
CHART_MODULE = '''\
from site_builder.charts import chart


@chart("crossings-bar", title="Crossings per year", takeaway="They rose fast.",
       description="A bar chart of crossings per year, 2021 to 2023.", datasets=["crossings"],
       notes=["2023 is provisional."])
def crossings_bar(data):
    import altair as alt
    rows = [{"Year": str(r["year"]), "Crossings": r["count"]} for r in data["crossings"].rows]
    return alt.Chart(alt.Data(values=rows)).mark_bar().encode(x="Year:O", y="Crossings:Q").properties(width=300, height=200), rows
'''

REPOST = """\
Posted on March 30, 2023

A reposted story

Ann Author and Ben Writer, The Outlet, March 29, 2023

First paragraph of the story.

Why it matters: Because.

  • One point.
  • {snip}
"""


def data_files() -> dict[str, str]:
    return {"content/data/crossings.csv": DATA_CSV, "content/data/crossings.yaml": DATA_YAML,
            "content/figures.yaml": FIGURES}


def chart_files() -> dict[str, str]:
    return {**data_files(), "content/charts/crossings.py": CHART_MODULE}
