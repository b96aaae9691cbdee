"""Copenhagen's districts: reference data, postcode membership and point-in-polygon."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.catalogue.models import District, DistrictPostcode

GEO_DIR = Path(__file__).resolve().parent.parent / "data" / "geo"


def slugify(name: str) -> str:
    """Return a URL slug for a Danish name (Østerbro -> oesterbro)."""
    folded = name.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


@dataclass(frozen=True)
class DistrictShape:
    """A district's name and polygons as plain data, for point-in-polygon look-ups."""

    name: str
    polygons: tuple[tuple[np.ndarray, ...], ...]  # polygons of rings of (lon, lat) rows
    bbox: tuple[float, float, float, float]  # Python floats: compared once per shape and point

    def contains(self, lat: float, lon: float) -> bool:
        """Return whether the point lies inside the district (holes excluded)."""
        min_lon, min_lat, max_lon, max_lat = self.bbox
        if not (min_lon <= lon <= max_lon and min_lat <= lat <= max_lat):
            return False
        for rings in self.polygons:
            if _in_ring(lon, lat, rings[0]) and not any(_in_ring(lon, lat, h) for h in rings[1:]):
                return True
        return False


class _Ring:
    """A ring's edges as floats, listed by the horizontal bands of the ring's height that they reach.

    An edge crosses the horizontal line through a point only if its y range holds the point's y,
    and then it reaches that y's band (``_band`` never decreases with y), so the edges of one band
    are all a point needs: a few instead of the ring's hundreds.
    """

    def __init__(self, ring: np.ndarray):
        xi, yi = ring[:, 0], ring[:, 1]
        xj, yj = np.roll(xi, 1), np.roll(yi, 1)
        dy = yj - yi
        # A horizontal edge never crosses (see ``contains``): its slope, never used, is 0, not infinite.
        slope = np.divide(xj - xi, dy, out=np.zeros_like(dy), where=dy != 0)
        self.low, self.high = float(yi.min()), float(yi.max())
        self.last = max(1, len(ring) // 4) - 1
        self.scale = (self.last + 1) / (self.high - self.low) if self.high > self.low else 0.0
        self.bands: list[list[tuple[float, float, float, float]]] = [[] for _ in range(self.last + 1)]
        for edge in zip(xi.tolist(), yi.tolist(), yj.tolist(), slope.tolist()):
            for band in range(self._band(min(edge[1], edge[2])), self._band(max(edge[1], edge[2])) + 1):
                self.bands[band].append(edge)

    def _band(self, y: float) -> int:
        return min(int((y - self.low) * self.scale), self.last)

    def contains(self, x: float, y: float) -> bool:
        """Return whether (x, y) lies inside (even-odd rule; the same arithmetic as over every edge)."""
        if not self.low <= y <= self.high:  # every edge above or every edge below: none crosses
            return False
        inside = False
        for xi, yi, yj, slope in self.bands[self._band(y)]:
            if (yi > y) != (yj > y) and x < slope * (y - yi) + xi:
                inside = not inside
        return inside


_RINGS: dict[int, tuple[np.ndarray, _Ring]] = {}


def _in_ring(x: float, y: float, ring: np.ndarray) -> bool:
    """Return whether (x, y) lies inside ``ring`` (even-odd rule); the ring's edges are indexed once."""
    found = _RINGS.get(id(ring))
    if found is None or found[0] is not ring:
        found = _RINGS[id(ring)] = (ring, _Ring(ring))
    return found[1].contains(x, y)


@lru_cache(maxsize=1)
def district_shapes() -> tuple[DistrictShape, ...]:
    """Return the 10 district shapes from the bundled GeoJSON."""
    data = json.loads((GEO_DIR / "kk_bydele_2023.geojson").read_text(encoding="utf-8"))
    shapes = []
    for feature in data["features"]:
        geom = feature["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        polygons = tuple(tuple(np.asarray(ring, dtype=float) for ring in poly) for poly in polys)
        xs = [float(x) for poly in polygons for x in poly[0][:, 0]]
        ys = [float(y) for poly in polygons for y in poly[0][:, 1]]
        shapes.append(DistrictShape(feature["properties"]["navn"], polygons, (min(xs), min(ys), max(xs), max(ys))))
    return tuple(shapes)


@lru_cache(maxsize=1)
def _all_districts_bbox() -> tuple[float, float, float, float]:
    """Return the box around every district: a point outside it is in none (most of Denmark)."""
    boxes = [shape.bbox for shape in district_shapes()]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def district_at(lat: float, lon: float) -> str | None:
    """Return the name of the district containing the point, or None outside Copenhagen."""
    min_lon, min_lat, max_lon, max_lat = _all_districts_bbox()
    if not (min_lon <= lon <= max_lon and min_lat <= lat <= max_lat):
        return None
    for shape in district_shapes():
        if shape.contains(lat, lon):
            return shape.name
    return None


def load_districts(session: Session) -> int:
    """Create or update the 10 districts with polygons, centroids and postcodes; return how many."""
    geo = json.loads((GEO_DIR / "kk_bydele_2023.geojson").read_text(encoding="utf-8"))
    geometry = {f["properties"]["navn"]: f["geometry"] for f in geo["features"]}
    existing = {d.name: d for d in session.scalars(select(District))}
    with (GEO_DIR / "kk_bydele_centroids.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        district = existing.get(row["navn"]) or District(name=row["navn"])
        district.number = int(row["bydel_nr"])
        district.slug = slugify(row["navn"])
        district.centroid_lat = float(row["centroid_lat"])
        district.centroid_lon = float(row["centroid_lon"])
        district.geometry = geometry[row["navn"]]
        session.add(district)
        existing[district.name] = district
    session.flush()
    _load_postcodes(session, existing)
    return len(rows)


def _load_postcodes(session: Session, districts: dict[str, District]) -> None:
    wanted: dict[tuple[int, str], tuple[float, bool]] = {}
    with (GEO_DIR / "postnr_to_bydel.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for part in filter(None, (p.strip() for p in row["all_shares_ge_2pct"].split(";"))):
                if "=" not in part:
                    continue
                name, share = part.rsplit("=", 1)
                if name in districts:
                    key = (districts[name].id, row["postnr"])
                    wanted[key] = (float(share), name == row["main_bydel"])
    have = {(p.district_id, p.postcode): p for p in session.scalars(select(DistrictPostcode))}
    for key, (share, main) in wanted.items():
        row = have.get(key) or DistrictPostcode(district_id=key[0], postcode=key[1])
        row.share, row.is_main = share, main
        session.add(row)
    for key, row in have.items():
        if key not in wanted:
            session.delete(row)
    session.flush()


def district_for_postcode(session: Session, postcode: str) -> District | None:
    """Return the district covering most of ``postcode``, or None outside Copenhagen."""
    return session.scalars(
        select(District).join(DistrictPostcode)
        .where(DistrictPostcode.postcode == postcode)
        .order_by(DistrictPostcode.share.desc())
    ).first()
