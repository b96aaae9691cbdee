"""Real places of the demo: districts (the product's geometry), postcode centroids, leisure places, addresses."""

from __future__ import annotations

import csv
import math
import random

from matcher.catalogue.districts import district_at
from seeds.demo.common import DATA, DISTRICTS


class Geo:
    """Postcode centroids and the district of a point (the product's district shapes)."""

    def __init__(self) -> None:
        self.centroids = {}
        with open(DATA / "cph_postnumre_centroids.csv", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                self.centroids[r["postnr"]] = (r["navn"], float(r["centroid_lat"]), float(r["centroid_lon"]))

    def district(self, lat: float, lon: float) -> str | None:
        """Return the district containing the point, or None outside Copenhagen."""
        return district_at(lat, lon)

    def nearest_postcode(self, lat: float, lon: float) -> str:
        """Return the postcode whose centroid is nearest (longitude scaled for 55.7° N)."""
        best = min(self.centroids.items(),
                   key=lambda kv: (kv[1][1] - lat) ** 2 + ((kv[1][2] - lon) * 0.56) ** 2)
        return best[0]

    def city(self, postcode: str) -> str:
        """Return the postcode's town name."""
        return self.centroids[postcode][0]


def jitter(rng: random.Random, lat: float, lon: float, max_m: float = 250) -> tuple[float, float]:
    """Return a point drawn uniformly within ``max_m`` metres of (lat, lon), rounded to 6 decimals."""
    r = max_m * math.sqrt(rng.random())
    a = rng.random() * 2 * math.pi
    dlat = r * math.cos(a) / 111_320
    dlon = r * math.sin(a) / (111_320 * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lon + dlon, 6)


def load_places(geo: Geo) -> dict[str, list[dict]]:
    """Return the real leisure places and addresses by kind, each with postcode, city and district."""
    places: dict[str, list[dict]] = {"bibliotek": [], "kulturhus": [], "svoemmehal": [], "boldbane": [],
                                     "address": []}
    for r in csv.DictReader(open(DATA / "kk_leisure_places.csv", encoding="utf-8")):
        kind = r["kind"]
        lat, lon = float(r["lat"]), float(r["lon"])
        dist = r["bydel"] or geo.district(lat, lon)
        if dist not in DISTRICTS:
            continue
        p = {"name": r["name"], "address": r["address"], "postcode": r["postnr"], "city": r["postdistrikt"],
             "lat": lat, "lon": lon, "district": dist, "extra": r["extra"], "link": r["link"], "email": r["email"]}
        if kind == "bibliotek":
            places["bibliotek"].append(p)
        elif kind == "kulturhus":
            places["kulturhus"].append(p)
        elif kind == "svoem:Svømmehal":
            places["svoemmehal"].append(p)
        elif kind.startswith("boldbane"):
            pc = geo.nearest_postcode(lat, lon)
            name = r["name"] + (" – kunstgræsbane" if kind.endswith("Kunstgræs") else "")
            p.update(name=name, address=name, postcode=pc, city=geo.city(pc))
            places["boldbane"].append(p)
    for r in csv.DictReader(open(DATA / "cph_address_sample.csv", encoding="utf-8")):
        lat, lon = float(r["lat"]), float(r["lon"])
        dist = geo.district(lat, lon)
        if dist not in DISTRICTS or r["postnr_pip"] not in geo.centroids:
            continue
        places["address"].append({"name": None, "address": f"{r['street']} {r['housenumber']}",
                                  "postcode": r["postnr_pip"], "city": r["postnr_navn_pip"],
                                  "lat": lat, "lon": lon, "district": dist})
    return places


