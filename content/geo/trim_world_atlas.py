"""How americas-50m.topo.json was made (run by hand; the site build does not use this).

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python3 content/geo/trim_world_atlas.py package/countries-50m.json content/geo/americas-50m.topo.json 0.05

Keeps the countries the route map can show, drops polygons wholly outside the frame
(Alaska, Hawaii), removes unused arcs, and simplifies each arc (Douglas-Peucker, tolerance
in degrees; every kept point is an original point and arc end points stay, so shared
borders stay shared). Standard library only.
"""

import json
import sys

BBOX = (-135, -25, -50, 45)  # lon0, lat0, lon1, lat1
KEEP = {  # ISO 3166-1 numeric
    "840", "484", "320", "084", "222", "340", "558", "188", "591", "170", "862", "218", "604",
    "076", "192", "332", "214", "388", "044", "630", "328", "740", "068", "780",
}


def decode(arc):
    x = y = 0
    out = []
    for dx, dy in arc:
        x += dx
        y += dy
        out.append((x, y))
    return out


def simplify(pts, tol):
    if len(pts) < 3:
        return pts
    (x0, y0), (x1, y1) = pts[0], pts[-1]
    dx, dy = x1 - x0, y1 - y0
    n = (dx * dx + dy * dy) ** 0.5
    best, idx = -1.0, 0
    for i in range(1, len(pts) - 1):
        px, py = pts[i]
        d = abs(dy * (px - x0) - dx * (py - y0)) / n if n else ((px - x0) ** 2 + (py - y0) ** 2) ** 0.5
        if d > best:
            best, idx = d, i
    if best <= tol:
        return [pts[0], pts[-1]]
    return simplify(pts[: idx + 1], tol)[:-1] + simplify(pts[idx:], tol)


def main(src, dst, tol=None):
    t = json.load(open(src, encoding="utf-8"))
    sx, sy = t["transform"]["scale"]
    tx, ty = t["transform"]["translate"]
    quantized = [decode(a) for a in t["arcs"]]

    def ring_bbox(ring):
        pts = [p for a in ring for p in quantized[a if a >= 0 else ~a]]
        xs = [p[0] * sx + tx for p in pts]
        ys = [p[1] * sy + ty for p in pts]
        return min(xs), min(ys), max(xs), max(ys)

    def in_frame(b):
        return not (b[2] < BBOX[0] or b[0] > BBOX[2] or b[3] < BBOX[1] or b[1] > BBOX[3])

    geoms = []
    for g in t["objects"]["countries"]["geometries"]:
        if g.get("id") not in KEEP:
            continue
        polys = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        polys = [p for p in polys if in_frame(ring_bbox(p[0]))]
        if polys:
            multi = len(polys) > 1
            geoms.append({"type": "MultiPolygon" if multi else "Polygon",
                          "arcs": polys if multi else polys[0], "id": g["id"],
                          "properties": {"name": g["properties"]["name"]}})

    def polygons(g):
        return g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]

    used = sorted({a if a >= 0 else ~a for g in geoms for p in polygons(g) for r in p for a in r})
    remap = {old: new for new, old in enumerate(used)}

    def rm(a):
        return remap[a] if a >= 0 else ~remap[~a]

    for g in geoms:
        new = [[[rm(a) for a in r] for r in p] for p in polygons(g)]
        g["arcs"] = new if g["type"] == "MultiPolygon" else new[0]

    arcs = []
    for i in used:
        q = quantized[i]
        if tol:
            kept = simplify([(a * sx, b * sy) for a, b in q], tol)
            k = [(round(a / sx), round(b / sy)) for a, b in kept]
            if q[0] == q[-1] and len(k) < 4:  # a closed ring needs four points
                k = q if len(q) < 4 else [q[0], q[len(q) // 3], q[2 * len(q) // 3], q[-1]]
        else:
            k = q
        arcs.append([list(k[0])] + [[k[j][0] - k[j - 1][0], k[j][1] - k[j - 1][1]] for j in range(1, len(k))])

    out = {"type": "Topology", "transform": t["transform"],
           "objects": {"countries": {"type": "GeometryCollection", "geometries": geoms}}, "arcs": arcs}
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(out, f, separators=(",", ":"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else None)
