"""Map of the route: fly to Ecuador, north overland through the Darién Gap to the US border."""

import json
from pathlib import Path

from site_builder.charts import chart

ROUTE = "route_points"

# Natural Earth 1:50m country boundaries (via the world-atlas npm package),
# trimmed to the countries of the Americas the map shows; see content/geo/LICENSE.md.
GEO_FILE = Path(__file__).parent.parent / "geo" / "americas-50m.topo.json"

ROUTE_COLOUR = "#d95f02"
LAND_COLOUR = "#888888"

# Countries the route passes through, shaded a little darker.
ROUTE_COUNTRIES = [
    "Ecuador",
    "Colombia",
    "Panama",
    "Costa Rica",
    "Nicaragua",
    "Honduras",
    "Guatemala",
    "Mexico",
    "United States of America",
]

# Which points get a text label on the map, and where the label sits
# (text alignment, x offset, y offset in pixels). Other points are drawn unlabelled.
LABELS = {
    "Quito": ("left", 8, 4),
    "Necoclí": ("left", 8, 0),
    "Darién Gap": ("left", 6, 14),
    "Panama City": ("right", -7, 12),
    "Tapachula": ("right", -8, 4),
    "Mexico City": ("left", 8, 4),
    "Jacumba Hot Springs": ("left", 6, -8),
}

# The map frame: fit the projection to this box (lon/lat corners).
FRAME = [[-119.0, -3.0], [-73.0, 34.5]]
WIDTH, HEIGHT = 278, 278


def _route_rows(ds):
    rows = [
        {
            "Order": r["order"],
            "Place": r["place"],
            "Country": r["country"],
            "Latitude": r["latitude"],
            "Longitude": r["longitude"],
            "Stage": r["stage"],
        }
        for r in sorted(ds.rows, key=lambda r: r["order"])
    ]
    missing = set(LABELS) - {r["Place"] for r in rows}
    if missing:
        raise ValueError(f"labelled places not in {ROUTE}: {sorted(missing)}")
    return rows


@chart(
    "route-map",
    files=[GEO_FILE],
    title="The route: fly to Ecuador, then north overland through the Darién Gap to the US border",
    takeaway=(
        "After flying to Ecuador, migrants travel overland, through the roadless Darién jungle and "
        "seven more countries, to the US border east of San Diego: at least {fig:route-length-km} km "
        "in straight lines between the waypoints drawn here, and further by road and trail."
    ),
    description=(
        "Map of the Americas from Ecuador to the southern United States. An orange line joins "
        "approximate waypoints in travel order: Quito in Ecuador, where migrants arrive by air "
        "from China; Necoclí on Colombia's Caribbean coast; the Darién Gap jungle on the "
        "Colombia–Panama border; Panama City; San José, Managua, Tegucigalpa and Guatemala City; "
        "Tapachula in southern Mexico; Mexico City; Tijuana; and Jacumba Hot Springs in California, "
        "just north of the border."
    ),
    datasets=[ROUTE],
    notes=[
        "An illustration, not a survey: waypoints are approximate town centres entered by hand and not checked against a gazetteer; individual journeys differ; straight lines join the points, not the roads or trails used.",
        "Only some points are named in the three articles (Ecuador, the Darién Gap, Panama, Guatemala, San Diego, Jacumba Hot Springs); the others are usual waypoints added to draw the route. The data table's source file says which.",
        "Flights from China to Ecuador usually change planes on the way; one migrant quoted by Axios passed through Thailand and Turkey.",
        "Boundaries: Natural Earth (public domain), 1:50m, via the world-atlas package, trimmed and simplified.",
    ],
)
def route_map(data):
    import altair as alt

    rows = _route_rows(data[ROUTE])
    topo = json.loads(GEO_FILE.read_text(encoding="utf-8"))

    projection = alt.Projection(
        type="mercator",
        fit={"type": "Feature", "geometry": {"type": "MultiPoint", "coordinates": FRAME}, "properties": {}},
        clipExtent=[[0, 0], [WIDTH, HEIGHT]],
    )

    on_route = "indexof(" + json.dumps(ROUTE_COUNTRIES) + ", datum.properties.name) >= 0"
    land = (
        alt.Chart(alt.InlineData(values=topo, format=alt.DataFormat(type="topojson", feature="countries")))
        .mark_geoshape(stroke=LAND_COLOUR, strokeWidth=0.5)
        .encode(
            fill=alt.value(LAND_COLOUR),
            fillOpacity=alt.condition(on_route, alt.value(0.4), alt.value(0.18)),
        )
    )

    base = alt.Chart(alt.Data(values=rows))
    lon = alt.Longitude("Longitude:Q")
    lat = alt.Latitude("Latitude:Q")
    line = base.mark_line(color=ROUTE_COLOUR, strokeWidth=2.5, strokeJoin="round").encode(
        longitude=lon, latitude=lat, order=alt.Order("Order:Q")
    )
    dots = base.mark_circle(color=ROUTE_COLOUR, size=40, opacity=1).encode(
        longitude=lon,
        latitude=lat,
        tooltip=["Order:Q", "Place:N", "Country:N", "Stage:N"],
    )
    ends = (
        base.transform_filter(alt.FieldOneOfPredicate(field="Order", oneOf=[rows[0]["Order"], rows[-1]["Order"]]))
        .mark_circle(color=ROUTE_COLOUR, size=110, opacity=1)
        .encode(longitude=lon, latitude=lat)
    )

    label_layers = []
    for place, (align, dx, dy) in LABELS.items():
        label_layers.append(
            base.transform_filter(alt.datum.Place == place)
            .mark_text(align=align, dx=dx, dy=dy, fontSize=12)
            .encode(longitude=lon, latitude=lat, text="Place:N")
        )
    flight = (
        base.transform_filter(alt.datum.Order == rows[0]["Order"])
        .mark_text(align="right", baseline="bottom", dx=-10, dy=-6, fontSize=12, fontStyle="italic", lineBreak="\n")
        .encode(
            longitude=lon,
            latitude=lat,
            text=alt.value("Arrive by air from China\n(e.g. Shenzhen), usually\nvia a third country  →"),
        )
    )

    spec = alt.layer(land, line, dots, ends, *label_layers, flight).properties(
        width=WIDTH,
        height=HEIGHT,
        projection=projection,
    )
    return spec, rows
