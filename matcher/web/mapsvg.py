"""A server-rendered SVG map: the districts as polygons and offers as points (no tiles, no JavaScript)."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matcher.catalogue.models import District

WIDTH = 600.0
PAD = 6.0
# Frederiksberg is a municipality of its own inside Copenhagen: the hole in the map gets a label.
FREDERIKSBERG = (55.6795, 12.5240)


@dataclass(frozen=True)
class Projection:
    """Equirectangular projection of the districts' bounding box, x scaled by cos(latitude)."""

    min_lon: float
    max_lat: float
    kx: float
    scale: float
    height: float

    def __call__(self, lat: float, lon: float) -> tuple[float, float]:
        """Return the SVG (x, y) of a point."""
        return (PAD + (lon - self.min_lon) * self.kx * self.scale, PAD + (self.max_lat - lat) * self.scale)

    def inside(self, x: float, y: float) -> bool:
        """Return whether a projected point lies on the drawing."""
        return 0 <= x <= WIDTH + 2 * PAD and 0 <= y <= self.height + 2 * PAD


@dataclass(frozen=True)
class DistrictShape:
    """One district's SVG path and label position."""

    id: int
    name: str
    slug: str
    path: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class BaseMap:
    """The district polygons projected once per process."""

    projection: Projection
    districts: tuple[DistrictShape, ...]
    width: float
    height: float
    frederiksberg: tuple[float, float] = (0.0, 0.0)


_lock = threading.Lock()
_cache: dict[Any, BaseMap] = {}


def _polygons(geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"]]
    return geometry.get("coordinates") or []


def base_map(session: Session) -> BaseMap:
    """Return the projected district map, cached until the districts change."""
    key = tuple(session.execute(select(func.count(District.id), func.max(District.id))).one())
    with _lock:
        if key in _cache:
            return _cache[key]
    districts = session.scalars(select(District).order_by(District.number)).all()
    points = [pt for d in districts for poly in _polygons(d.geometry) for ring in poly for pt in ring]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    if not points:
        lons, lats = [12.45, 12.65], [55.61, 55.73]
    kx = math.cos(math.radians((min(lats) + max(lats)) / 2))
    scale = WIDTH / ((max(lons) - min(lons)) * kx)
    height = (max(lats) - min(lats)) * scale
    proj = Projection(min(lons), max(lats), kx, scale, height)
    shapes = []
    for d in districts:
        parts = []
        for poly in _polygons(d.geometry):
            for ring in poly:
                coords, last = [], None
                for lon, lat in ring:
                    xy = tuple(int(round(v)) for v in proj(lat, lon))
                    if xy != last:
                        coords.append(f"{xy[0]},{xy[1]}")
                        last = xy
                parts.append("M" + "L".join(coords) + "Z")
        lx, ly = proj(d.centroid_lat, d.centroid_lon)
        shapes.append(DistrictShape(d.id, d.name, d.slug, "".join(parts), round(lx, 1), round(ly, 1)))
    fx, fy = proj(*FREDERIKSBERG)
    result = BaseMap(proj, tuple(shapes), WIDTH + 2 * PAD, round(height + 2 * PAD, 1), (round(fx, 1), round(fy, 1)))
    with _lock:
        _cache.clear()
        _cache[key] = result
    return result


def project_points(base: BaseMap, rows: list[Any]) -> list[dict[str, Any]]:
    """Return the SVG positions of result rows that have coordinates on the map."""
    out = []
    for row in rows:
        if row.lat is None or row.lon is None:
            continue
        x, y = base.projection(row.lat, row.lon)
        if base.projection.inside(x, y):
            out.append({"x": round(x, 1), "y": round(y, 1), "title": row.title, "id": row.id})
    return out


def map_pins(rows: list[Any], first: int = 1) -> list[dict[str, Any]]:
    """Return the numbered pins of result rows with coordinates for the tile map (number, lat, lon, title, link)."""
    from flask import url_for

    return [{"n": first + i, "lat": round(row.lat, 6), "lon": round(row.lon, 6), "title": row.title,
             "url": url_for("search.offer_page", offer_id=row.id)}
            for i, row in enumerate(rows) if row.lat is not None and row.lon is not None]
