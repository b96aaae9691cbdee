"""The generator's state and building blocks: places, organisations, schedules and HSDS services."""

from __future__ import annotations

import datetime as dt
import json
import random

from seeds.demo.common import DAY_CODES, DAY_NAMES, DISTRICTS, LANG_NAMES, SEEDS, TODAY, slug, u_label, uid
from seeds.demo.places import Geo, jitter, load_places
from seeds.demo.taxonomy import Terms
from seeds.demo.texts import GENERIC_SENTENCES


class BaseBuilder:
    def __init__(self) -> None:
        self.rng = random.Random(2026)
        self.geo = Geo()
        self.places = load_places(self.geo)
        self.interests = json.loads((SEEDS / "interests.json").read_text(encoding="utf-8"))
        self.terms = Terms(self.interests)
        self.services: list[dict] = []
        self.orgs: list[dict] = []  # bookkeeping: name, kind, district
        self.addr_by_district: dict[str, list[dict]] = {d: [] for d in DISTRICTS}
        for a in self.places["address"]:
            self.addr_by_district[a["district"]].append(a)
        self.postcodes_by_district: dict[str, list[str]] = {d: [] for d in DISTRICTS}
        for pc, (_, lat, lon) in sorted(self.geo.centroids.items()):
            d = self.geo.district(lat, lon)
            if d in DISTRICTS:
                self.postcodes_by_district[d].append(pc)
        self.used_addresses: set[str] = set()
        self.weekday_jobs = 0

    # -- places
    def address_in(self, district: str) -> dict:
        """A real address in the district, preferring one not used yet; else a postcode centroid + jitter."""
        pool = [a for a in self.addr_by_district[district] if a["address"] not in self.used_addresses]
        if pool and self.rng.random() < 0.85:
            a = self.rng.choice(pool)
            self.used_addresses.add(a["address"])
            return dict(a)
        return self.centroid_place(district)

    def centroid_place(self, district: str) -> dict:
        """Return a postcode centroid of the district, jittered, still inside the district."""
        if not self.postcodes_by_district[district]:
            # no postcode centroid lies in this district (Amager Øst shares 2300 with Amager Vest):
            # use one of its real addresses instead
            return dict(self.rng.choice(self.addr_by_district[district]))
        for _ in range(50):
            pc = self.rng.choice(self.postcodes_by_district[district])
            city, lat, lon = self.geo.centroids[pc]
            jl, jo = jitter(self.rng, lat, lon)
            if self.geo.district(jl, jo) == district:
                return {"name": None, "address": None, "postcode": pc, "city": city, "lat": jl, "lon": jo,
                        "district": district}
        raise RuntimeError(district)

    def location(self, place: dict, org_name: str, loc_name: str | None = None) -> dict:
        """Return the HSDS location of ``place`` (id from its name, address and coordinates)."""
        address_1 = place["address"] or "Mødested i nærområdet (oplyses ved tilmelding)"
        name = loc_name or place.get("name") or f"{org_name}, {address_1}"
        lid = uid("location", name, address_1, place["postcode"], place["lat"], place["lon"])
        return {
            "id": lid,
            "location_type": "physical",
            "name": name,
            "latitude": place["lat"],
            "longitude": place["lon"],
            "addresses": [{
                "id": uid("address", lid),
                "location_id": lid,
                "address_1": address_1,
                "city": place["city"],
                "state_province": "Region Hovedstaden",
                "postal_code": place["postcode"],
                "country": "DK",
                "address_type": "physical",
            }],
        }

    # -- organisations
    def org(self, key: str, name: str, kind: str, district: str, description: str, *,
            email: str | None = None, website: str | None = None, childcert: bool = True,
            vulnerable: bool = False) -> dict:
        """Return an organisation record and note its name, kind and district."""
        o = {"id": uid("organization", key), "name": name, "description": description}
        if email:
            o["email"] = email
        if website:
            o["website"] = website
        self.orgs.append({"name": name, "kind": kind, "district": district})
        return {"hsds": o, "kind": kind, "district": district, "childcert": childcert, "vulnerable": vulnerable,
                "key": key}

    def invented_contact(self, name: str) -> tuple[str, str]:
        """Return the example.org e-mail and website of an invented organisation."""
        s = slug(name)
        return f"kontakt@{s}.example.org", f"https://{s}.example.org"

    # -- offers
    def assured(self) -> dt.date:
        """Draw the date the offer was last verified (about a quarter stale)."""
        if self.rng.random() < 0.72:
            days = self.rng.randint(0, 180)
        else:
            days = self.rng.randint(181, 548)
        return TODAY - dt.timedelta(days=days)

    def status(self) -> str:
        """Draw an HSDS status: mostly active, some temporarily closed or inactive."""
        x = self.rng.random()
        # HSDS 3.1 status values: the product's "paused" is "temporarily closed", "closed" is "inactive"
        return "active" if x < 0.9 else ("temporarily closed" if x < 0.96 else "inactive")

    def languages(self, sid: str, extra_weight: float = 1.0) -> list[dict]:
        """Draw the languages an offer is given in (Danish always)."""
        codes = ["da"]
        for code, p in (("en", 0.14), ("ar", 0.08), ("tr", 0.05), ("so", 0.04), ("ur", 0.03), ("pl", 0.03)):
            if self.rng.random() < p * extra_weight:
                codes.append(code)
        return [{"id": uid("language", sid, c), "service_id": sid, "name": LANG_NAMES[c], "code": c} for c in codes]

    def schedule_activity(self, sid: str, age: tuple[int, int] = (6, 17), weekend_ok: bool = True) -> list[dict]:
        """Draw a weekly schedule fitting the age band (young children train early)."""
        n = self.rng.choice([1, 1, 2, 2, 2, 3])
        if weekend_ok and self.rng.random() < 0.12:
            days = [self.rng.choice(["SA", "SU"])]
            start_h = self.rng.choice([9, 10, 11, 13])
        else:
            first = self.rng.randint(0, 4)
            days = sorted({DAY_CODES[(first + i * 2) % 5] for i in range(n)}, key=DAY_CODES.index)
            hours = [15, 15, 16, 16, 16, 17, 17, 18, 19]
            latest = 16 if age[0] < 9 else (17 if age[0] < 12 else 19)
            start_h = self.rng.choice([h for h in hours if h <= latest])
        start_m = self.rng.choice([0, 0, 15, 30, 30, 45])
        dur = self.rng.choice([45, 60, 60, 75, 90, 90, 120])
        return [self.schedule(sid, days, start_h * 60 + start_m, start_h * 60 + start_m + dur)]

    def schedule(self, sid: str, days: list[str], start: int, end: int, desc: str | None = None) -> dict:
        """Return one weekly HSDS schedule on ``days`` from ``start`` to ``end`` minutes after midnight."""
        o = f"{start // 60:02d}:{start % 60:02d}"
        c = f"{end // 60:02d}:{end % 60:02d}"
        names = [DAY_NAMES[d] for d in days]
        when = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " og " + names[-1]
        return {
            "id": uid("schedule", sid, ",".join(days), o),
            "service_id": sid,
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": ",".join(days),
            "opens_at": o + ":00",
            "closes_at": c + ":00",
            "description": desc or f"{when[0].upper() + when[1:]} kl. {o}-{c}.",
        }

    def add_service(self, org: dict, key: str, title: str, description: str, *, offer_kind: str,
                    interests: list[str], age: tuple[int, int], place: dict, loc_name: str | None = None,
                    fee: int = 0, fee_support: bool | None = None, gender: str | None = None,
                    capacity: tuple[int, int] | None = None, schedules: list[dict] | None = None,
                    fees_description: str | None = None, lang_weight: float = 1.0, status: str | None = None) -> dict:
        """Build one HSDS service of ``org`` with its location, schedule, cost, capacity and attributes; keep it."""
        sid = uid("service", org["key"], key)
        lo, hi = age
        if gender == "girls":
            elig_g = " Kun for piger."
        elif gender == "boys":
            elig_g = " Kun for drenge."
        else:
            elig_g = ""
        if offer_kind == "leisure-job":
            elig = f"Fritidsjob for unge fra {lo} år til og med {hi} år.{elig_g}"
        elif offer_kind == "mentoring":
            elig = f"For børn og unge fra {lo} til {hi} år, henvist af en fagperson.{elig_g}"
        else:
            elig = f"For børn og unge fra {lo} til {hi} år.{elig_g}"
        if fee_support is None:
            fee_support = fee > 0 and self.rng.random() < 0.85
        if fees_description is None:
            if fee == 0:
                fees_description = "Gratis."
            else:
                fees_description = f"{fee} kr. om måneden." + (
                    " Kan dækkes af kommunens kontingentstøtte." if fee_support else "")
        assured = self.assured()
        sched = schedules if schedules is not None else self.schedule_activity(sid, age)
        for s in sched:
            s["service_id"] = sid
            s["id"] = uid("schedule", sid, s["byday"], s.get("opens_at", ""))
        if capacity is None:
            mx = self.rng.choice([10, 12, 14, 15, 16, 18, 20, 20, 24, 25, 30])
            av = 0 if self.rng.random() < 0.13 else self.rng.randint(1, max(1, mx // 2))
        else:
            mx, av = capacity
            av = min(av, mx)
        loc = self.location(place, org["hsds"]["name"], loc_name)
        if offer_kind == "leisure-job":
            cost = {"amount": 0, "amount_description": "Ingen betaling (lønnet job)"}
            cap_desc = "Ledige stillinger"
        else:
            cost = {"amount": fee, "amount_description": (
                "Kontingent pr. måned, kan dækkes af kontingentstøtte" if fee_support else
                ("Kontingent pr. måned" if fee else "Gratis – ingen kontingent"))}
            cap_desc = "Ledige pladser"
        svc = {
            "id": sid,
            "name": title,
            "description": description,
            "status": status or self.status(),
            "eligibility_description": elig,
            "minimum_age": lo,
            "maximum_age": hi,
            "assured_date": assured.isoformat(),
            "fees_description": fees_description,
            "organization": org["hsds"],
            "service_at_locations": [{"id": uid("service_at_location", sid, loc["id"]), "service_id": sid,
                                      "location_id": loc["id"], "location": loc}],
            "schedules": sched,
            "cost_options": [{"id": uid("cost_option", sid), "service_id": sid, "option": "per month",
                              "currency": "DKK", **cost}],
            "capacities": [{"id": uid("capacity", sid), "service_id": sid,
                            "unit": {"id": uid("unit", "pladser"), "name": "pladser", "identifier": "pladser"},
                            "available": av, "maximum": mx, "description": cap_desc,
                            "updated": assured.isoformat() + "T12:00:00Z"}],
            "languages": self.languages(sid, lang_weight),
        }
        attrs = [self.terms.attribute(sid, "interest", c) for c in dict.fromkeys(interests)]
        attrs.append(self.terms.attribute(sid, "offer-kind", offer_kind))
        if gender:
            attrs.append(self.terms.attribute(sid, "gender", gender))
        if fee_support and offer_kind == "activity":
            attrs.append(self.terms.attribute(sid, "support", "fee-support"))
        attrs.append(self.terms.attribute(sid, "organisation-kind", org["kind"]))
        if org["vulnerable"]:
            attrs.append(self.terms.attribute(sid, "inclusion", "vulnerable-experience"))
        if org["childcert"]:
            attrs.append(self.terms.attribute(sid, "inclusion", "childcert-policy"))
        svc["attributes"] = attrs
        svc["_district"] = place["district"]
        self.services.append(svc)
        return svc

    def describe(self, specific: list[str], extra: str | None = None, *, generic: bool = True,
                 paid: bool = True) -> str:
        """Draw a description from ``specific`` sentences, ``extra`` and maybe a generic one."""
        k = self.rng.choice([1, 2, 2])
        parts = self.rng.sample(specific, min(k, len(specific)))
        if extra:
            parts.append(extra)
        if generic and len(parts) < 3 and self.rng.random() < 0.75:
            pool = GENERIC_SENTENCES if paid else [g for g in GENERIC_SENTENCES if "kontingent" not in g]
            parts.append(self.rng.choice(pool))
        return " ".join(parts)

    def org_description(self, base: str, childcert: bool, vulnerable: bool) -> str:
        """Return an organisation's description with its inclusion facts."""
        s = base
        if vulnerable:
            s += " " + self.rng.choice([
                "Vi har gode erfaringer med at tage imod børn, der har brug for lidt ekstra støtte.",
                "Vi samarbejder gerne med kontaktpersoner og FritidsGuiderne om at tage godt imod nye børn.",
                "Flere af vores trænere har erfaring med børn i udsatte positioner."])
        if childcert:
            s += " Vi indhenter børneattest på alle voksne, der har kontakt med børn."
        return s

    def age_band(self, lo_min: int = 6, hi_max: int = 17) -> tuple[int, int]:
        """Draw an age band of 1-4 years within ``lo_min``-``hi_max``."""
        lo = self.rng.randint(lo_min, max(lo_min, hi_max - 2))
        hi = min(hi_max, lo + self.rng.choice([1, 2, 2, 3, 4]))
        return lo, hi

    def fill_title(self, pattern: str, age: tuple[int, int]) -> str:
        """Fill a title pattern's age label ``{u}`` and range ``{a}``."""
        return pattern.replace("{u}", u_label(*age)).replace("{a}", f"{age[0]}-{age[1]}")

    def gender_of(self, title: str) -> str | None:
        """Return ``girls`` or ``boys`` when the title restricts the offer, else None."""
        t = title.lower()
        if t.startswith("pige") or "for piger" in t or "pigehold" in t:
            return "girls"
        if t.startswith("drenge") or "drenge" in t.split():
            return "boys"
        return None

