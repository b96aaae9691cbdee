"""The one child-profile shape used by CLI, API and web, with validation."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, fields

from .geo import Geocoder, default_geocoder
from .text import normalise

__all__ = ["GENDERS", "MAX_INTERESTS_CHARS", "ChildProfile", "ProfileError", "parse_weekdays"]

GENDERS = ("girl", "boy", "other", "unknown")
MAX_INTERESTS_CHARS = 2000
_WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_WORDS = {
    **{c: c for c in _WEEKDAY_CODES},
    "mandag": "mon", "tirsdag": "tue", "onsdag": "wed", "torsdag": "thu",
    "fredag": "fri", "loerdag": "sat", "lordag": "sat", "soendag": "sun", "sondag": "sun",
    "monday": "mon", "tuesday": "tue", "wednesday": "wed", "thursday": "thu",
    "friday": "fri", "saturday": "sat", "sunday": "sun",
    "man": "mon", "tirs": "tue", "ons": "wed", "tors": "thu", "fre": "fri", "loer": "sat", "soen": "sun",
}
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


class ProfileError(ValueError):
    """A child-profile field is missing or invalid; ``field`` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def parse_weekdays(value, field: str = "weekdays") -> tuple[str, ...]:
    """Return weekday codes from a list or comma string of English/Danish day names."""
    if value is None:
        return ()
    if isinstance(value, str):
        items = [p for p in re.split(r"[,;\s]+", value) if p]
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
    else:
        raise ProfileError(field, "skal være en liste af ugedage, fx ['mon', 'onsdag']")
    days = set()
    for item in items:
        if not isinstance(item, str):
            raise ProfileError(field, f"ugedag skal være tekst, fik {item!r}")
        code = _WEEKDAY_WORDS.get(normalise(item))
        if code is None:
            raise ProfileError(field, f"ukendt ugedag {item!r} (brug mon..sun eller mandag..søndag)")
        days.add(code)
    return tuple(d for d in _WEEKDAY_CODES if d in days)


def _int(data: dict, name: str, lo: int, hi: int) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ProfileError(name, f"skal være et helt tal mellem {lo} og {hi}")
    try:
        number = int(value) if not isinstance(value, float) else value
    except ValueError:
        raise ProfileError(name, f"skal være et helt tal mellem {lo} og {hi}, fik {value!r}") from None
    if isinstance(number, float) and not number.is_integer():
        raise ProfileError(name, f"skal være et helt tal, fik {value!r}")
    number = int(number)
    if not lo <= number <= hi:
        raise ProfileError(name, f"skal være mellem {lo} og {hi}, fik {number}")
    return number


def _float(data: dict, name: str, *, positive: bool) -> float | None:
    value = data.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ProfileError(name, "skal være et tal")
    try:
        number = float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)
    except ValueError:
        raise ProfileError(name, f"skal være et tal, fik {value!r}") from None
    if not math.isfinite(number) or (number <= 0 if positive else number < 0):
        raise ProfileError(name, "skal være større end 0" if positive else "må ikke være negativ")
    return number


def _bool(data: dict, name: str, default: bool) -> bool:
    value = data.get(name, default)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "1", "ja", "yes", "on", "false", "0", "nej", "no", "off", ""}:
        return value.lower() in {"true", "1", "ja", "yes", "on"}
    raise ProfileError(name, "skal være sand/falsk")


@dataclass(frozen=True, slots=True)
class ChildProfile:
    """What the ranker knows about a child: age, gender, interests, place and wishes."""

    age: int
    gender: str = "unknown"
    interests: str = ""
    postcode: str | None = None
    district: str | None = None
    max_distance_km: float | None = None
    weekdays: tuple[str, ...] = ()
    max_monthly_fee_dkk: float | None = None
    languages: tuple[str, ...] = ()
    waiting_list: bool = False
    birth_date: dt.date | None = None

    @classmethod
    def from_dict(cls, data: dict, today: dt.date | None = None, geocoder: Geocoder | None = None) -> ChildProfile:
        """Validate a plain dict (JSON body, form, CLI options) and return a profile.

        ``today`` (required; Copenhagen's date from the caller's clock) turns a birth date into an age.

        Raises
        ------
        ProfileError
            With ``.field`` naming the offending key.
        """
        if not isinstance(data, dict):
            raise ProfileError("profile", "skal være et objekt med felter")
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known:
                raise ProfileError(str(key), f"ukendt felt {key!r}")
        if today is None:
            raise ValueError("from_dict needs today: pass the caller's date (Copenhagen's, from the runtime clock)")
        geocoder = geocoder or default_geocoder()

        birth_date = cls._birth_date(data.get("birth_date"), today)
        age = _int(data, "age", 0, 25)
        if birth_date is not None:
            computed = today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
            if not 0 <= computed <= 25:
                raise ProfileError("birth_date", f"giver alder {computed}; skal give 0-25 år")
            if age is not None and age != computed:
                raise ProfileError("age", f"passer ikke med birth_date (giver {computed} år)")
            age = computed
        if age is None:
            raise ProfileError("age", "alder (age) eller fødselsdato (birth_date) skal angives")

        gender = data.get("gender") or "unknown"
        if not isinstance(gender, str) or gender.lower() not in GENDERS:
            raise ProfileError("gender", f"skal være en af {', '.join(GENDERS)}")

        interests = data.get("interests") or ""
        if isinstance(interests, (list, tuple)) and all(isinstance(i, str) for i in interests):
            interests = ", ".join(interests)
        if not isinstance(interests, str):
            raise ProfileError("interests", "skal være fritekst")
        if len(interests) > MAX_INTERESTS_CHARS:
            raise ProfileError("interests", f"må højst være {MAX_INTERESTS_CHARS} tegn, fik {len(interests)}")

        postcode, district = cls._place(data, geocoder)
        languages = data.get("languages") or ()
        if isinstance(languages, str):
            languages = [p for p in re.split(r"[,;\s]+", languages) if p]
        if not isinstance(languages, (list, tuple)) or not all(
            isinstance(x, str) and _LANGUAGE.match(x.strip().lower()) for x in languages
        ):
            raise ProfileError("languages", "skal være en liste af sprogkoder, fx ['da', 'ar']")

        return cls(
            age=age,
            gender=gender.lower(),
            interests=interests.strip(),
            postcode=postcode,
            district=district,
            max_distance_km=_float(data, "max_distance_km", positive=True),
            weekdays=parse_weekdays(data.get("weekdays")),
            max_monthly_fee_dkk=_float(data, "max_monthly_fee_dkk", positive=False),
            languages=tuple(x.strip().lower() for x in languages),
            waiting_list=_bool(data, "waiting_list", False),
            birth_date=birth_date,
        )

    @staticmethod
    def _birth_date(value, today: dt.date) -> dt.date | None:
        """Parse an ISO birth date (str or date)."""
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            birth = value
        elif isinstance(value, str):
            try:
                birth = dt.date.fromisoformat(value.strip())
            except ValueError:
                raise ProfileError("birth_date", f"skal være en ISO-dato (ÅÅÅÅ-MM-DD), fik {value!r}") from None
        else:
            raise ProfileError("birth_date", "skal være en ISO-dato (ÅÅÅÅ-MM-DD)")
        if birth > today:
            raise ProfileError("birth_date", "ligger i fremtiden")
        return birth

    @staticmethod
    def _place(data: dict, geocoder: Geocoder) -> tuple[str | None, str | None]:
        """Validate postcode and district; derive the district from the postcode when possible."""
        postcode = data.get("postcode")
        district = data.get("district")
        if postcode is not None and postcode != "":
            if isinstance(postcode, bool) or not isinstance(postcode, (str, int)):
                raise ProfileError("postcode", "skal være et firecifret postnummer")
            postcode = str(postcode).strip()
            if not re.fullmatch(r"\d{4}", postcode):
                raise ProfileError("postcode", f"skal være et firecifret postnummer, fik {postcode!r}")
            if geocoder.postcode(postcode) is None:
                raise ProfileError("postcode", f"ukendt postnummer {postcode}")
        else:
            postcode = None
        if district is not None and district != "":
            if not isinstance(district, str):
                raise ProfileError("district", "skal være navnet på en bydel")
            canonical = geocoder.normalise_district(district)
            if canonical is None:
                raise ProfileError("district", f"ukendt bydel {district!r}; brug en af {', '.join(geocoder.districts())}")
            district = canonical
        else:
            district = geocoder.postcode_district(postcode) if postcode else None
        return postcode, district
