"""Locate children by postcode or district centroid; never by street address."""

from __future__ import annotations

import csv
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from .text import normalise

__all__ = [
    "DATA_DIR",
    "Geocoder",
    "GeopyGeocoder",
    "OfflineGeocoder",
    "make_geocoder",
]

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "geo"
_POSTCODE = re.compile(r"^\d{4}$")

# Extra spellings that name a district (normalised form -> canonical name).
_DISTRICT_ALIASES = {
    "vesterbro": "Vesterbro-Kongens Enghave",
    "kongens enghave": "Vesterbro-Kongens Enghave",
    "sydhavnen": "Vesterbro-Kongens Enghave",
    "broenshoej": "Brønshøj-Husum",
    "husum": "Brønshøj-Husum",
    "amager oest": "Amager Øst",
    "amager ost": "Amager Øst",
    "amager vest": "Amager Vest",
    "indre by": "Indre By",
    "city": "Indre By",
}


def _fold(name: str) -> str:
    """Normalise a place name so that å/aa, ø/oe/o and æ/ae spellings compare equal."""
    return normalise(name)


class Geocoder(Protocol):
    """What the ranking core needs from a geocoder."""

    def postcode(self, code: str) -> tuple[float, float, str] | None:
        """Return ``(lat, lon, name)`` of a postcode centroid, or None if unknown."""

    def postcode_district(self, code: str) -> str | None:
        """Return the Copenhagen district covering most of a postcode, or None."""

    def district_centroid(self, name: str) -> tuple[float, float] | None:
        """Return ``(lat, lon)`` of a district centroid, or None if unknown."""

    def normalise_district(self, name: str) -> str | None:
        """Return the canonical district name for any common spelling, or None."""

    def districts(self) -> list[str]:
        """Return the canonical names of Copenhagen's districts."""


class OfflineGeocoder:
    """Geocode postcodes and districts from the CSV files shipped in ``matcher/data/geo``."""

    def __init__(self, data_dir: str | Path | None = None):
        self.data_dir = Path(data_dir) if data_dir else DATA_DIR
        self._postcodes: dict[str, tuple[float, float, str]] = {}
        with open(self.data_dir / "dk_postnumre_centroids.csv", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                self._postcodes[row["postnr"].zfill(4)] = (
                    float(row["centroid_lat"]),
                    float(row["centroid_lon"]),
                    row["navn"],
                )
        self._districts: dict[str, tuple[float, float]] = {}
        with open(self.data_dir / "kk_bydele_centroids.csv", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                self._districts[row["navn"]] = (float(row["centroid_lat"]), float(row["centroid_lon"]))
        self._postcode_district: dict[str, str] = {}
        with open(self.data_dir / "postnr_to_bydel.csv", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["main_bydel"] in self._districts:
                    self._postcode_district[row["postnr"].zfill(4)] = row["main_bydel"]
        self._district_keys = {_fold(name): name for name in self._districts}
        for alias, name in _DISTRICT_ALIASES.items():
            self._district_keys.setdefault(_fold(alias), name)

    def postcode(self, code: str) -> tuple[float, float, str] | None:
        """Return ``(lat, lon, name)`` of a postcode centroid, or None if unknown."""
        return self._postcodes.get(str(code).strip().zfill(4))

    def postcode_district(self, code: str) -> str | None:
        """Return the Copenhagen district covering most of a postcode, or None."""
        return self._postcode_district.get(str(code).strip().zfill(4))

    def district_centroid(self, name: str) -> tuple[float, float] | None:
        """Return ``(lat, lon)`` of a district centroid, or None if unknown."""
        canonical = self.normalise_district(name)
        return self._districts.get(canonical) if canonical else None

    def normalise_district(self, name: str) -> str | None:
        """Return the canonical district name for any common spelling, or None."""
        key = _fold(name or "")
        if key in self._district_keys:
            return self._district_keys[key]
        squeezed = key.replace(" ", "")
        for k, v in self._district_keys.items():
            if k.replace(" ", "") == squeezed or k.replace("oe", "o").replace("aa", "a") == key:
                return v
        return None

    def districts(self) -> list[str]:
        """Return the canonical names of Copenhagen's districts."""
        return list(self._districts)

    def postcodes(self) -> dict[str, tuple[float, float, str]]:
        """Return a copy of all postcode centroids."""
        return dict(self._postcodes)


class GeopyGeocoder:
    """Geocode postcodes through any geopy geocoder; districts stay offline.

    Only four-digit postcodes are ever sent to the service, never a street
    address. Failures and unknown answers fall back to the offline data.
    """

    def __init__(self, geocoder, fallback: OfflineGeocoder | None = None, country: str = "Denmark"):
        self.geocoder = geocoder
        self.fallback = fallback or default_geocoder()
        self.country = country
        self._cache: dict[str, tuple[float, float, str] | None] = {}

    def postcode(self, code: str) -> tuple[float, float, str] | None:
        """Return ``(lat, lon, name)`` of a postcode from the service, else offline data."""
        code = str(code).strip()
        if not _POSTCODE.match(code):
            return None
        if code not in self._cache:
            self._cache[code] = self._ask(code)
        return self._cache[code] or self.fallback.postcode(code)

    def _ask(self, code: str) -> tuple[float, float, str] | None:
        """Query the wrapped geocoder for a postcode, swallowing service errors."""
        try:
            loc = self.geocoder.geocode(f"{code}, {self.country}", exactly_one=True)
        except Exception:  # noqa: BLE001 - any service failure falls back offline
            return None
        if loc is None or not math.isfinite(loc.latitude) or not math.isfinite(loc.longitude):
            return None
        offline = self.fallback.postcode(code)
        return (float(loc.latitude), float(loc.longitude), offline[2] if offline else str(loc.address))

    def postcode_district(self, code: str) -> str | None:
        """Return the Copenhagen district covering most of a postcode, or None."""
        return self.fallback.postcode_district(code)

    def district_centroid(self, name: str) -> tuple[float, float] | None:
        """Return ``(lat, lon)`` of a district centroid, or None if unknown."""
        return self.fallback.district_centroid(name)

    def normalise_district(self, name: str) -> str | None:
        """Return the canonical district name for any common spelling, or None."""
        return self.fallback.normalise_district(name)

    def districts(self) -> list[str]:
        """Return the canonical names of Copenhagen's districts."""
        return self.fallback.districts()


@lru_cache(maxsize=1)
def default_geocoder() -> OfflineGeocoder:
    """Return the shared offline geocoder (data loaded once)."""
    return OfflineGeocoder()


def make_geocoder(url: str | None = None, user_agent: str = "matcher-kk") -> Geocoder:
    """Return the offline geocoder, or a Nominatim-backed one when ``url`` is given."""
    if not url:
        return default_geocoder()
    from urllib.parse import urlparse

    from geopy.geocoders import Nominatim

    parsed = urlparse(url if "://" in url else f"https://{url}")
    nominatim = Nominatim(
        domain=parsed.netloc + parsed.path.rstrip("/"),
        scheme=parsed.scheme or "https",
        user_agent=user_agent,
        timeout=5,
    )
    return GeopyGeocoder(nominatim)
