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
    bbox: tuple[float, float, float, float]

    def contains(self, lat: float, lon: float) -> bool:
        """Return whether the point lies inside the district (holes excluded)."""
        min_lon, min_lat, max_lon, max_lat = self.bbox
        if not (min_lon <= lon <= max_lon and min_lat <= lat <= max_lat):
            return False
        for rings in self.polygons:
            if _in_ring(lon, lat, rings[0]) and not any(_in_ring(lon, lat, h) for h in rings[1:]):
                return True
        return False


_EDGES: dict[int, tuple[np.ndarray, ...]] = {}


def _edges(ring: np.ndarray) -> tuple[np.ndarray, ...]:
    """Return the ring's edge arrays (xi, yi, yj, slope), computed once per ring."""
    found = _EDGES.get(id(ring))
    if found is None or found[0] is not ring:
        xi, yi = ring[:, 0], ring[:, 1]
        xj, yj = np.roll(xi, 1), np.roll(yi, 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = (xj - xi) / (yj - yi)
        found = _EDGES[id(ring)] = (ring, xi, yi, yj, slope)
    return found[1:]


def _in_ring(x: float, y: float, ring: np.ndarray) -> bool:
    """Return whether (x, y) lies inside ``ring`` (even-odd rule, vectorised over the edges)."""
    xi, yi, yj, slope = _edges(ring)
    crosses = (yi > y) != (yj > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_at = slope * (y - yi) + xi
    return bool(np.count_nonzero(crosses & (x < x_at)) % 2)


@lru_cache(maxsize=1)
def district_shapes() -> tuple[DistrictShape, ...]:
    """Return the 10 district shapes from the bundled GeoJSON."""
    data = json.loads((GEO_DIR / "kk_bydele_2023.geojson").read_text(encoding="utf-8"))
    shapes = []
    for feature in data["features"]:
        geom = feature["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        polygons = tuple(tuple(np.asarray(ring, dtype=float) for ring in poly) for poly in polys)
        xs = [x for poly in polygons for x in poly[0][:, 0]]
        ys = [y for poly in polygons for y in poly[0][:, 1]]
        shapes.append(DistrictShape(feature["properties"]["navn"], polygons, (min(xs), min(ys), max(xs), max(ys))))
    return tuple(shapes)


def district_at(lat: float, lon: float) -> str | None:
    """Return the name of the district containing the point, or None outside Copenhagen."""
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
