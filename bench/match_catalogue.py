"""Generate a synthetic national-scale catalogue of offers and mentors for the benchmark."""

from __future__ import annotations

import datetime as dt

import numpy as np

from matcher.matching import Candidate, InterestTerm, OfflineGeocoder

FALLBACK_TERMS = [
    InterestTerm("fodbold", "Fodbold", ("football", "soccer", "bold")),
    InterestTerm("haandbold", "Håndbold", ("handball",)),
    InterestTerm("svoemning", "Svømning", ("swimming", "svømmehal")),
    InterestTerm("dans", "Dans", ("dance", "dancing")),
    InterestTerm("hiphop", "Hiphop", ("hip hop", "rap")),
    InterestTerm("gaming", "Gaming", ("computerspil", "fortnite", "minecraft", "counter strike")),
    InterestTerm("musik", "Musik", ("music", "spille musik")),
    InterestTerm("ridning", "Ridning", ("heste", "hest", "rideskole")),
    InterestTerm("spejder", "Spejder", ("scouts", "spejderne")),
    InterestTerm("kampsport", "Kampsport", ("boksning", "karate", "judo")),
    InterestTerm("tegning", "Tegning", ("kunst", "drawing")),
    InterestTerm("teater", "Teater", ("drama", "skuespil")),
    InterestTerm("butik", "Butik", ("shop", "supermarked")),
    InterestTerm("madlavning", "Madlavning", ("cooking", "bage")),
]
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FREE_TEXTS = (
    "fotbold og gaming", "kan lide heste", "vil gerne lave musik", "dans & hiphop", "footbal",
    "minecraft", "svømning", "spejder og natur", "boksning", "tegne og kunst", "teater", "",
    "fodbold", "gaming", "musik og sang", "madlavning", "basket", "klatring",
    # the kinds of text issue 14 added: refusals, several wishes, needs, media and making
    "IKKE fodbold, hellere noget med kamp", "football and basketball", "et sted at være efter skole",
    "filme og lave youtube videoer", "gider ikke sport, kan lide at tegne", "ridning",
)
DISTRICTS = (
    "Indre By", "Østerbro", "Nørrebro", "Vesterbro-Kongens Enghave", "Valby", "Vanløse",
    "Brønshøj-Husum", "Bispebjerg", "Amager Øst", "Amager Vest",
)
WORDS = ("hold", "klub", "forening", "træning", "for begyndere", "for øvede", "åbent hus", "juniorer")


def make_catalogue(n_offers: int, n_mentors: int, terms, seed: int = 0, geocoder=None) -> list[Candidate]:
    """Return ``n_offers`` activities/leisure jobs and ``n_mentors`` mentors at real postcode centroids."""
    rng = np.random.default_rng(seed)
    geocoder = geocoder or OfflineGeocoder()
    places = list(geocoder.postcodes().items())
    place_district = [geocoder.postcode_district(pc) for pc, _ in places]
    codes = [t.code for t in terms]
    names = {t.code: t.name for t in terms}
    today = dt.date(2026, 11, 25)
    total = n_offers + n_mentors
    # Draw everything in bulk; the loop below only assembles objects.
    is_job = rng.random(total) < 0.1
    place_idx = rng.integers(0, len(places), total).tolist()
    jitter = rng.normal(0, 0.01, (total, 2)).tolist()
    n_interests = rng.integers(1, 4, total).tolist()
    interest_draw = rng.integers(0, len(codes), (total, 3)).tolist()
    age_lo = np.where(is_job, rng.integers(13, 16, total), rng.integers(4, 15, total)).tolist()
    age_span = rng.integers(2, 8, total).tolist()
    day_sets = rng.random((total, 7)) < 0.3
    starts_wd = rng.integers(14, 19, (total, 7)).tolist()
    starts_we = rng.integers(9, 15, (total, 7)).tolist()
    job_len = rng.choice([1.0, 1.5, 2.0, 3.0, 4.0], (total, 7)).tolist()
    act_len = rng.choice([1.0, 1.5, 2.0], (total, 7)).tolist()
    word = rng.integers(0, len(WORDS), total).tolist()
    fee = rng.choice([0, 50, 80, 150, 250, 400], total).astype(float).tolist()
    fee_none = (rng.random(total) < 0.1).tolist()
    fee_support = (rng.random(total) < 0.5).tolist()
    verified_none = (rng.random(total) < 0.2).tolist()
    verified_age = rng.integers(0, 700, total).tolist()
    cert_none = (rng.random(total) < 0.3).tolist()
    cert_days = rng.integers(-300, 1500, total).tolist()
    max_children = rng.integers(1, 4, total).tolist()
    current = rng.integers(0, 4, total).tolist()
    gender = rng.choice(np.array([None, None, None, "girls", "boys"], dtype=object), total).tolist()
    spots_none = (rng.random(total) < 0.3).tolist()
    spots = rng.integers(0, 10, total).tolist()
    status = rng.choice(["active"] * 8 + ["paused", "closed"], total).tolist()
    english = (rng.random(total) < 0.2).tolist()
    inclusion = rng.random(total).tolist()
    light = (rng.random(total) < 0.85).tolist()
    alcohol = (rng.random(total) < 0.1).tolist()
    approved = (rng.random(total) < 0.9).tolist()
    out: list[Candidate] = []
    for i in range(total):
        mentor = i >= n_offers
        kind = "mentor" if mentor else ("leisure-job" if is_job[i] else "activity")
        pc, (lat, lon, town) = places[place_idx[i]]
        interests = tuple(dict.fromkeys(codes[j] for j in interest_draw[i][: n_interests[i]]))
        days = tuple(d for d, on in zip(DAYS, day_sets[i]) if on) or (DAYS[i % 7],)
        schedule = []
        for d in days:
            k = DAYS.index(d)
            start = starts_wd[i][k] if k < 5 else starts_we[i][k]
            length = job_len[i][k] if kind == "leisure-job" else act_len[i][k]
            end = int(start * 60 + length * 60)
            schedule.append((d, f"{start:02d}:00", f"{(end // 60) % 24:02d}:{end % 60:02d}"))
        out.append(
            Candidate(
                id=i,
                external_id=f"bench-{i}",
                kind=kind,
                name=f"{names[interests[0]]} {WORDS[word[i]]} {town}",
                organisation=f"Org {i // 7}",
                description=f"{names[interests[0]]} for børn og unge i {town}. Alle er velkomne.",
                interests=interests,
                lat=lat + jitter[i][0],
                lon=lon + jitter[i][1],
                district=place_district[place_idx[i]],
                age_min=age_lo[i],
                age_max=age_lo[i] + age_span[i],
                gender=gender[i],
                weekdays=days,
                schedule=tuple(schedule),
                monthly_fee_dkk=None if fee_none[i] or kind != "activity" else fee[i],
                fee_support=fee_support[i],
                spots_free=None if spots_none[i] else spots[i],
                status=status[i],
                languages=("da", "en") if english[i] else ("da",),
                verified_at=None if verified_none[i] else today - dt.timedelta(days=verified_age[i]),
                inclusion=inclusion[i],
                light_work=light[i],
                serves_alcohol=alcohol[i],
                childcert_valid_until=(None if cert_none[i] else today + dt.timedelta(days=cert_days[i])) if mentor else None,
                approved=approved[i],
                max_children=max_children[i] if mentor else None,
                current_children=current[i] if mentor else None,
            )
        )
    return out


def make_profiles(n: int, geocoder=None, seed: int = 1) -> list[dict]:
    """Return ``n`` varied profile dicts (to be validated with ``ChildProfile.from_dict``)."""
    rng = np.random.default_rng(seed)
    geocoder = geocoder or OfflineGeocoder()
    postcodes = [pc for pc in geocoder.postcodes() if pc < "2800"]
    out = []
    for _ in range(n):
        p = {"age": int(rng.integers(5, 18)), "gender": str(rng.choice(["girl", "boy", "other", "unknown"])),
             "interests": str(rng.choice(FREE_TEXTS))}
        if rng.random() < 0.7:
            p["postcode"] = str(rng.choice(postcodes))
        elif rng.random() < 0.5:
            p["district"] = str(rng.choice(DISTRICTS))
        if rng.random() < 0.4:
            p["max_distance_km"] = float(rng.choice([2, 5, 10, 30]))
        if rng.random() < 0.5:
            p["weekdays"] = sorted(rng.choice(DAYS, size=int(rng.integers(1, 5)), replace=False).tolist())
        if rng.random() < 0.3:
            p["max_monthly_fee_dkk"] = float(rng.choice([0, 100, 200]))
        p["waiting_list"] = bool(rng.random() < 0.3)
        out.append(p)
    return out
