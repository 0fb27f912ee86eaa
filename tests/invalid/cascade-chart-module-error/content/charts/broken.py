from site_builder.charts import chart

SCALE = 1 / 0


@chart("crossings-bar", title="Crossings", takeaway="T.", description="D.", datasets=[])
def crossings_bar(data):
    return None, []
