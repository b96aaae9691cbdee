"""Shared constants of the demo generator: paths, the id namespace, "today", districts, day and language names."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from matcher.catalogue.districts import slugify

SEEDS = Path(__file__).resolve().parent.parent
DATA = SEEDS / "data"
NS = uuid.UUID("6c1f3a52-5b8e-4d0e-9a57-2f0e2b1c2026")  # fixed namespace of the demo data
TODAY = dt.date(2026, 11, 24)

DISTRICTS = ["Indre By", "Østerbro", "Nørrebro", "Vesterbro-Kongens Enghave", "Valby", "Vanløse",
             "Brønshøj-Husum", "Bispebjerg", "Amager Øst", "Amager Vest"]
DISTRICT_SHORT = {"Vesterbro-Kongens Enghave": "Vesterbro", "Brønshøj-Husum": "Brønshøj"}

DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
DAY_NAMES = {"MO": "mandag", "TU": "tirsdag", "WE": "onsdag", "TH": "torsdag", "FR": "fredag",
             "SA": "lørdag", "SU": "søndag"}
LANG_NAMES = {"da": "Dansk", "en": "Engelsk", "ar": "Arabisk", "tr": "Tyrkisk", "so": "Somali",
              "ur": "Urdu", "pl": "Polsk"}


def uid(*parts: object) -> str:
    """Return the demo id of the readable key ``parts`` (uuid5 in the demo namespace)."""
    return str(uuid.uuid5(NS, ":".join(str(p) for p in parts)))


def slug(text: str) -> str:
    """Return the product's URL slug of ``text`` (used for the invented example.org addresses)."""
    return slugify(text)


def u_label(lo: int, hi: int) -> str:
    """Return the football-style age label of an age band (U12 for 10-11)."""
    return f"U{hi + 1}"
