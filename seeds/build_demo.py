"""Build the demo data of matcher: an HSDS 3.1 catalogue (Danish profile) and volunteer mentors.

Deterministic: random.Random(2026) and uuid5 ids from readable keys, so every run writes
byte-identical files. Reads only the source data copied into ``seeds/data`` (see
``seeds/data/CREDITS.md``) and ``seeds/interests.json``.

    .venv/bin/python seeds/build_demo.py            # writes seeds/demo_catalogue.json, seeds/mentors.csv
    .venv/bin/python seeds/build_demo.py --out DIR  # writes them into DIR instead

Real: the places (libraries, culture houses, swimming halls, football pitches, addresses and
coordinates) and the 16 football club names with their websites. Invented sample data: every
other organisation, every offer, fee, schedule, capacity, policy and every mentor.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import random
import re
import uuid
from pathlib import Path

SEEDS = Path(__file__).resolve().parent
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
    return str(uuid.uuid5(NS, ":".join(str(p) for p in parts)))


def slug(text: str) -> str:
    t = text.lower()
    for a, b in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("é", "e"), ("ü", "u"), ("ö", "oe")):
        t = t.replace(a, b)
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-")


# --------------------------------------------------------------------------- geography

def _point_in_ring(lon: float, lat: float, ring: list) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


class Geo:
    def __init__(self) -> None:
        gj = json.loads((DATA / "kk_bydele_2023.geojson").read_text(encoding="utf-8"))
        self.polys = [(f["properties"]["navn"], f["geometry"]["coordinates"]) for f in gj["features"]]
        self.postnr = {}
        for r in csv.DictReader(open(DATA / "postnr_to_bydel.csv", encoding="utf-8")):
            self.postnr[r["postnr"]] = r
        self.centroids = {}
        for r in csv.DictReader(open(DATA / "cph_postnumre_centroids.csv", encoding="utf-8")):
            self.centroids[r["postnr"]] = (r["navn"], float(r["centroid_lat"]), float(r["centroid_lon"]))

    def district(self, lat: float, lon: float) -> str | None:
        for name, mp in self.polys:
            for poly in mp:
                if _point_in_ring(lon, lat, poly[0]) and not any(_point_in_ring(lon, lat, h) for h in poly[1:]):
                    return name
        return None

    def nearest_postcode(self, lat: float, lon: float) -> str:
        best = min(self.centroids.items(),
                   key=lambda kv: (kv[1][1] - lat) ** 2 + ((kv[1][2] - lon) * 0.56) ** 2)
        return best[0]

    def city(self, postcode: str) -> str:
        return self.centroids[postcode][0]


def jitter(rng: random.Random, lat: float, lon: float, max_m: float = 250) -> tuple[float, float]:
    r = max_m * math.sqrt(rng.random())
    a = rng.random() * 2 * math.pi
    dlat = r * math.cos(a) / 111_320
    dlon = r * math.sin(a) / (111_320 * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lon + dlon, 6)


def load_places(geo: Geo) -> dict[str, list[dict]]:
    """Real leisure places and addresses, each with postcode, city and district."""
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


# --------------------------------------------------------------------------- taxonomies

TAXONOMIES = {
    "interest": "Interessekategorier i den danske HSDS-profil (fodbold, dans, e-sport, fritidsjob-brancher ...).",
    "offer-kind": "Tilbudstype: aktivitet, fritidsjob eller mentor.",
    "gender": "Kønsbegrænsning på et hold eller tilbud.",
    "support": "Støtteordninger, som tilbuddet kan dækkes af (fx kontingentstøtte).",
    "organisation-kind": "Hvilken slags organisation der står bag tilbuddet (forening, idrætsklub, klub, "
                         "kulturhus, fritidsjob-arbejdsplads, mentorprogram).",
    "inclusion": "Organisationens erfaring og politik for at inkludere og passe på børn "
                 "(erfaring med udsatte børn, børneattest på alle voksne).",
}
OFFER_KIND_NAMES = {"activity": "Aktivitet", "leisure-job": "Fritidsjob", "mentoring": "Mentor"}
ORG_KIND_NAMES = {"association": "Forening", "sports-club": "Idrætsforening", "youth-club": "Fritids- og ungdomsklub",
                  "culture-house": "Bibliotek eller kulturhus", "leisure-job-employer": "Fritidsjob-arbejdsplads",
                  "mentor-programme": "Mentorprogram"}
INCLUSION = {"vulnerable-experience": ("Erfaring med udsatte børn",
                                       "Foreningen har erfaring med at inkludere udsatte børn og unge"),
             "childcert-policy": ("Børneattest på alle voksne",
                                  "Organisationen indhenter børneattest på alle voksne med kontakt til børn")}


class Terms:
    def __init__(self, interests: list[dict]) -> None:
        self.interest = {t["code"]: t["name"] for t in interests}

    def term(self, taxonomy: str, code: str) -> tuple[str, str, str]:
        """Return (name, label, description)."""
        if taxonomy == "interest":
            n = self.interest[code]
            return n, n, f"Interessekategori: {n}"
        if taxonomy == "offer-kind":
            n = OFFER_KIND_NAMES[code]
            return n, n, f"Tilbudstype: {n}"
        if taxonomy == "gender":
            n = {"girls": "Kun for piger", "boys": "Kun for drenge"}[code]
            return n, n, n
        if taxonomy == "support":
            return "Kontingentstøtte", "Kontingentstøtte", "Kan dækkes af kommunens kontingentstøtte"
        if taxonomy == "organisation-kind":
            n = ORG_KIND_NAMES[code]
            return n, n, f"Organisationstype: {n}"
        if taxonomy == "inclusion":
            n, d = INCLUSION[code]
            return n, n, d
        raise KeyError(taxonomy)

    def attribute(self, service_id: str, taxonomy: str, code: str) -> dict:
        name, label, desc = self.term(taxonomy, code)
        tax_id = uid("taxonomy", taxonomy)
        term_id = uid("term", taxonomy, code)
        return {
            "id": uid("attribute", service_id, taxonomy, code),
            "link_id": service_id,
            "link_type": "service",
            "link_entity": "service",
            "taxonomy_term_id": term_id,
            "value": code,
            "label": label,
            "taxonomy_term": {
                "id": term_id,
                "code": code,
                "name": name,
                "description": desc,
                "taxonomy": taxonomy,
                "taxonomy_detail": {"id": tax_id, "name": taxonomy, "description": TAXONOMIES[taxonomy]},
                "taxonomy_id": tax_id,
                "language": "da",
            },
        }


# --------------------------------------------------------------------------- activity templates
# key: (interest codes, title patterns, description sentences, age range, fee range, team sizes)

SPORTS = {
    "haandbold": (["haandbold"], "Håndboldklub", ["Håndbold {u}", "Pigehåndbold {u}", "Drengehåndbold {u}", "Håndbold for begyndere"],
                  ["Vi træner kast, fangning og samspil i en god stemning.", "Håndbold er en holdsport, hvor alle får lov at spille med fra første træning.",
                   "Holdet spiller stævner i weekenderne i løbet af sæsonen."]),
    "basketball": (["basketball"], "Basketballklub", ["Basketball {u}", "Streetbasket for {a}-årige", "Pigebasket {u}"],
                   ["Vi træner dribling, skud og forsvar og spiller kampe mod andre klubber.", "Basket er for alle – du behøver ikke være høj for at være med.",
                    "Træningen er fuld af fart, musik og gode grin."]),
    "volleyball": (["volleyball"], "Volleyballklub", ["Volleyball for {a}-årige", "Beachvolley {u}"],
                   ["Vi spiller volleyball inde om vinteren og beachvolley om sommeren.", "Træningen tager udgangspunkt i leg og spil med bolden."]),
    "badminton": (["badminton"], "Badmintonklub", ["Badminton for {a}-årige", "Ungdomsbadminton", "Badminton begyndere"],
                  ["Vi har ketsjere til udlån, så du kan prøve uden at købe udstyr.", "Vi spiller både single og double og tager til stævner, når man har lyst."]),
    "tennis": (["tennis"], "Tennisklub", ["Tennisskole {a}-årige", "Juniortennis", "Padel for unge"],
               ["Tennisskolen træner ude om sommeren og i hal om vinteren.", "Ketsjere kan lånes de første gange."]),
    "bordtennis": (["bordtennis"], "Bordtennisklub", ["Bordtennis for {a}-årige", "Bordtennis – åben træning"],
                   ["Bordtennis kræver ikke meget plads eller udstyr, men giver masser af sved på panden.", "Vi træner teknik og spiller små turneringer internt i klubben."]),
    "boksning": (["boksning", "kampsport"], "Bokseklub", ["Boksning for {a}-årige", "Pigeboksning", "Bokseskole"],
                 ["Vi træner kondition, teknik og disciplin – der er ingen sparring uden at man selv vil.", "Boksning giver selvtillid og god kondi.",
                  "Trænerne kender mange af de unge i området og lægger vægt på respekt og fællesskab."]),
    "karate": (["karate", "kampsport"], "Karateklub", ["Karate for {a}-årige", "Børnekarate", "Karate for begyndere"],
               ["Karate træner koncentration, balance og selvkontrol.", "Man starter med hvidt bælte og kan tage graduering to gange om året."]),
    "judo": (["judo", "kampsport"], "Judoklub", ["Judo for {a}-årige", "Børnejudo", "Judo og ju-jitsu for unge"],
             ["Vi lærer at falde sikkert, kaste og holde fast – med respekt for hinanden.", "Judo er en olympisk sport, hvor leg og teknik går hånd i hånd."]),
    "taekwondo": (["taekwondo", "kampsport"], "Taekwondoklub", ["Taekwondo for {a}-årige", "Taekwondo børnehold"],
                  ["Vi træner spark, smidighed og selvforsvar.", "Dragt kan lånes den første måned."]),
    "brydning": (["brydning", "kampsport"], "Brydeklub", ["Brydning for {a}-årige", "Brydning drenge og piger"],
                 ["Brydning er styrke, teknik og fair play på måtten.", "Vi har et stærkt sammenhold og tager på stævner sammen."]),
    "gymnastik": (["gymnastik"], "Gymnastikforening", ["Springgymnastik {a}-årige", "Rytmegymnastik for piger", "Trampolin og spring", "Parkour-gymnastik"],
                  ["Vi springer på trampolin, airtrack og måtter med øvede instruktører.", "Holdet slutter sæsonen med en opvisning for familien."]),
    "dans": (["dans", "hiphop"], "Danseskole", ["Hiphop for {a}-årige", "Streetdance {a}-årige", "Ballet for {a}-årige", "K-pop dance for piger", "Breaking for begyndere"],
             ["Vi danser til den nyeste musik og lærer koreografier sammen.", "Der er ingen krav om erfaring – kun lyst til at bevæge sig.",
              "Holdet optræder til forårsopvisningen."]),
    "ridning": (["ridning", "dyr"], "Rideklub", ["Rideskole for {a}-årige", "Ponyklub", "Staldhold – heste og ridning"],
                ["Du lærer at ride og at passe hestene, strigle og muge ud.", "Vi har rolige ponyer, der er vant til begyndere."]),
    "cykling": (["cykling", "bmx"], "Cykelklub", ["BMX for {a}-årige", "Mountainbike ungdomshold", "Cykelhold for {a}-årige"],
                ["Vi kører på banen og i skoven og lærer at skrue på cyklerne.", "Klubben har cykler og hjelme til udlån."]),
    "skateboard": (["skateboard"], "Skateforening", ["Skateskole {a}-årige", "Pigeskate", "Skate og løbehjul"],
                   ["Vi øver tricks i skateparken med erfarne skatere som instruktører.", "Bræt og hjelm kan lånes."]),
    "klatring": (["klatring"], "Klatreklub", ["Klatring for {a}-årige", "Bouldering ungdomshold"],
                 ["Vi klatrer på væggen med reb og bouldrer på de lave problemer.", "Sikkerheden er i top, og alle kan være med."]),
    "atletik": (["atletik", "loeb"], "Atletikklub", ["Atletik for {a}-årige", "Løbeklub for unge", "Børneatletik"],
                ["Vi løber, springer og kaster – alle discipliner prøves af.", "Træningen foregår på stadion og i parken."]),
    "parkour": (["parkour"], "Parkourforening", ["Parkour for {a}-årige", "Parkour for begyndere"],
                ["Vi lærer at bevæge os gennem byen med spring, balance og rul.", "Parkour handler om at overvinde forhindringer – også dem i hovedet."]),
    "svoemning": (["svoemning"], "Svømmeklub", ["Svømmehold for {a}-årige", "Svømmeskole – begyndere", "Konkurrencesvømning {a}-årige", "Pigesvømning"],
                  ["Vi lærer at svømme trygt og får det sjovt i vandet.", "Holdene er delt efter niveau, så alle kan følge med.",
                   "Der er kvindelige instruktører på pigeholdet."]),
}

ASSOC = {
    "spejder": (["spejder", "friluftsliv"], ["Spejdermøde – Mini", "Spejdermøde – Ulve", "Spejdermøde – Junior", "Spejdermøde – Trop", "Spejdermøde – Klan"],
                ["Vi laver bål, bygger shelters og tager på weekendture.", "Spejderarbejdet handler om fællesskab, natur og at lære at klare sig selv.",
                 "Hvert år tager vi på sommerlejr med hele gruppen."]),
    "skak": (["skak"], ["Skak for børn", "Skakklub junior", "Skakskole {a}-årige"],
             ["Vi lærer åbninger, taktik og at tænke et par træk frem.", "Man kan være med, uanset om man lige har lært reglerne eller spiller turneringer."]),
    "rollespil": (["rollespil", "braetspil"], ["Rollespil for {a}-årige", "Brætspilscafé", "Live rollespil i skoven", "Warhammer og figurspil"],
                  ["Vi spiller rollespil, brætspil og kortspil i et trygt fællesskab.", "Nye spillere bliver sat ind i reglerne af de erfarne.",
                   "En gang om måneden tager vi i skoven og spiller live rollespil."]),
    "musik": (["musik", "band"], ["Band for {a}-årige", "Guitarundervisning", "Trommeskole", "Kor for børn", "Musikproduktion og rap", "Klaver for begyndere"],
              ["Vi spiller sammen i band og øver til koncerter.", "Undervisningen er på små hold, og instrumenter kan lånes.",
               "Vi skriver egne tekster og laver beats i studiet."]),
    "kunst": (["kunst", "tegning"], ["Kunstværksted for {a}-årige", "Tegning og manga", "Keramik for unge", "Graffiti og street art"],
              ["Vi tegner, maler og arbejder med ler under vejledning af en billedkunstner.", "Alle materialer er med i prisen.",
               "Værkerne udstilles på biblioteket til foråret."]),
    "gaming": (["gaming", "esport"], ["E-sport CS2 {a}-årige", "Gamingklub", "Minecraft-klub", "Rocket League-hold", "E-sport for piger"],
               ["Vi spiller sammen, træner teamwork og snakker om god gamingkultur.", "Klubben har gamer-PC'er, så du behøver ikke eget udstyr.",
                "Der er fast pause med frugt og bevægelse midt i træningen."]),
    "teater": (["teater"], ["Teaterhold for {a}-årige", "Dramaskole", "Musical for unge", "Impro og stand-up"],
               ["Vi improviserer, øver replikker og sætter en forestilling op.", "Teater giver mod til at stå frem – også i klassen."]),
    "natur": (["friluftsliv", "natur"], ["Naturklub for {a}-årige", "Friluftsliv for unge", "Fiskeklub", "Kajak for unge"],
              ["Vi tager ud i naturen, laver mad over bål og lærer om dyr og planter.", "Udstyr kan lånes, og vi sørger for transport til turene."]),
    "madlavning": (["madlavning"], ["Madklub for {a}-årige", "Bageklub", "Ungdomskøkken"],
                   ["Vi laver mad fra hele verden og spiser sammen bagefter.", "Madklubben handler både om gode råvarer og godt selskab."]),
    "foto": (["foto"], ["Filmklub for {a}-årige", "Foto og video", "YouTube- og TikTok-værksted"],
             ["Vi lærer at filme, klippe og fortælle historier med billeder.", "Udstyret låner du af klubben."]),
    "haandvaerk": (["haandvaerk"], ["Syværksted for unge", "Træværksted", "Design og genbrug"],
                   ["Vi syr, strikker og redesigner tøj.", "Du får lov at bruge rigtigt værktøj med en voksen ved siden af."]),
    "lektiehjaelp": (["lektiehjaelp"], ["Lektiecafé", "Lektiehjælp og matematik", "Lektiecafé for udskolingen"],
                     ["Frivillige hjælper med lektier, afleveringer og læsning.", "Der er altid frugt og saft, og man kommer, når man har brug for det."]),
    "kodning": (["kodning"], ["Kodeklub for {a}-årige", "Robotter og programmering", "Spiludvikling for unge"],
                ["Vi programmerer spil og robotter i Scratch og Python.", "Ingen forudsætninger – frivillige udviklere hjælper dig i gang."]),
}

ASSOC_NAMES = {
    "spejder": ["Ravnereden Spejdergruppe", "Spejdergruppen Ørnehøj", "Stjernebjerg Spejdere", "Spejdergruppen Vildgåsen",
                "Egernet Spejdergruppe", "Spejdergruppen Søstjernen", "Mosegruppen Spejdere", "Spejdergruppen Tranen",
                "Havørnen Spejdergruppe", "Spejdergruppen Lygten", "Spejdergruppen Kastanjen", "Fyrtårnet Spejdere"],
    "skak": ["Skakklubben Springeren", "Skakforeningen Løberen", "Tårnet Skakklub", "Skakklubben Dronningen"],
    "rollespil": ["Rollespilsforeningen Dragehulen", "Brætspilsforeningen Terningen", "Foreningen Eventyrlaug", "Figurspilsklubben Fæstningen"],
    "musik": ["Musikforeningen Lydbølgen", "Rytmeskolen", "Bandværkstedet", "Musikskolen Stemmerne", "Foreningen Beatlab", "Musikhuset Tonen"],
    "kunst": ["Kunstskolen Pensel", "Billedværkstedet Farvelad", "Foreningen Lerklumpen", "Tegneskolen Streg"],
    "gaming": ["E-sportsforeningen Respawn", "Gamingklubben Level Up", "Foreningen Pixel", "Esport Forening Nexus", "Klubben Joystick", "Gamerlauget"],
    "teater": ["Ungdomsteatret Kulissen", "Dramaforeningen Masken", "Teaterskolen Scenen"],
    "natur": ["Naturklubben Mosen", "Friluftsforeningen Bålpladsen", "Lystfiskerforeningen Krogen", "Kajakklubben Åen"],
    "madlavning": ["Madklubben Gryden", "Foreningen Fællesbord"],
    "foto": ["Filmforeningen Klip", "Fotoklubben Blænde"],
    "haandvaerk": ["Værkstedsforeningen Nål & Tråd", "Foreningen Høvlen"],
    "lektiehjaelp": ["Lektiecaféen Blyanten", "Foreningen Lektiehjælp i Byen", "Netværk for Lektiestøtte"],
    "kodning": ["Kodeklubben Byte", "Foreningen Robotlab"],
}

CLUB_NICKNAMES = ["Lynet", "Falken", "Stjernen", "Kometen", "Tigeren", "Hvirvelvinden", "Ørnen", "Gnisten", "Pilen",
                  "Bølgen", "Vikingen", "Fremad", "Start", "Samklang", "Energi", "Modig"]

GENERIC_SENTENCES = [
    "Nye medlemmer er velkomne hele året – kom og prøv to gange gratis.",
    "Vi har trænere, der tager godt imod nye, også hvis man ikke har prøvet det før.",
    "Forældre er velkomne til at kigge med de første gange.",
    "Man må gerne tage en ven eller en voksen fra familien med.",
    "Vi lægger vægt på, at alle har det sjovt og føler sig velkomne.",
    "Hvis prisen er en udfordring, så kontakt os – vi hjælper med at søge kontingentstøtte.",
    "Skriv eller ring til os, så finder vi det hold, der passer bedst.",
    "Holdet er for alle niveauer.",
    "Vi spiser frugt sammen i pausen.",
]


def u_label(lo: int, hi: int) -> str:
    return f"U{hi + 1}"


# --------------------------------------------------------------------------- generator

class Builder:
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
        o = {"id": uid("organization", key), "name": name, "description": description}
        if email:
            o["email"] = email
        if website:
            o["website"] = website
        self.orgs.append({"name": name, "kind": kind, "district": district})
        return {"hsds": o, "kind": kind, "district": district, "childcert": childcert, "vulnerable": vulnerable,
                "key": key}

    def invented_contact(self, name: str) -> tuple[str, str]:
        s = slug(name)
        return f"kontakt@{s}.example.org", f"https://{s}.example.org"

    # -- offers
    def assured(self) -> dt.date:
        if self.rng.random() < 0.72:
            days = self.rng.randint(0, 180)
        else:
            days = self.rng.randint(181, 548)
        return TODAY - dt.timedelta(days=days)

    def status(self) -> str:
        x = self.rng.random()
        # HSDS 3.1 status values: the product's "paused" is "temporarily closed", "closed" is "inactive"
        return "active" if x < 0.9 else ("temporarily closed" if x < 0.96 else "inactive")

    def languages(self, sid: str, extra_weight: float = 1.0) -> list[dict]:
        codes = ["da"]
        for code, p in (("en", 0.14), ("ar", 0.08), ("tr", 0.05), ("so", 0.04), ("ur", 0.03), ("pl", 0.03)):
            if self.rng.random() < p * extra_weight:
                codes.append(code)
        return [{"id": uid("language", sid, c), "service_id": sid, "name": LANG_NAMES[c], "code": c} for c in codes]

    def schedule_activity(self, sid: str, age: tuple[int, int] = (6, 17), weekend_ok: bool = True) -> list[dict]:
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
        k = self.rng.choice([1, 2, 2])
        parts = self.rng.sample(specific, min(k, len(specific)))
        if extra:
            parts.append(extra)
        if generic and len(parts) < 3 and self.rng.random() < 0.75:
            pool = GENERIC_SENTENCES if paid else [g for g in GENERIC_SENTENCES if "kontingent" not in g]
            parts.append(self.rng.choice(pool))
        return " ".join(parts)

    def org_description(self, base: str, childcert: bool, vulnerable: bool) -> str:
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
        lo = self.rng.randint(lo_min, max(lo_min, hi_max - 2))
        hi = min(hi_max, lo + self.rng.choice([1, 2, 2, 3, 4]))
        return lo, hi

    def fill_title(self, pattern: str, age: tuple[int, int]) -> str:
        return pattern.replace("{u}", u_label(*age)).replace("{a}", f"{age[0]}-{age[1]}")

    def gender_of(self, title: str) -> str | None:
        t = title.lower()
        if t.startswith("pige") or "for piger" in t or "pigehold" in t:
            return "girls"
        if t.startswith("drenge") or "drenge" in t.split():
            return "boys"
        return None

    # ------------------------------------------------------------------ kinds
    def football_clubs(self) -> None:
        clubs: dict[str, dict] = {}
        for p in self.places["boldbane"]:
            for m in re.finditer(r"([^|<]+?)\s*<([^>]+)>", p["extra"] or ""):
                name, web = m.group(1).strip(), m.group(2).strip()
                clubs.setdefault(name, {"website": "https://" + web, "pitches": []})["pitches"].append(p)
        self.real_clubs = sorted(clubs)
        for name in self.real_clubs:
            c = clubs[name]
            pitch = c["pitches"][0]
            pitches = sorted({p["name"]: p for p in c["pitches"]}.values(), key=lambda p: p["name"])
            vulnerable = self.rng.random() < 0.45
            childcert = self.rng.random() < 0.9
            o = self.org(f"football:{name}", name, "sports-club", pitch["district"],
                         self.org_description(f"{name} er en fodboldklub med børne- og ungdomshold, der træner på "
                                              f"{pitch['name']} i {pitch['district']}.", childcert, vulnerable),
                         website=c["website"], childcert=childcert, vulnerable=vulnerable)
            teams = []
            for lo in (6, 8, 10, 12, 14):
                hi = lo + 1 if lo < 14 else 16
                teams.append(("mix" if lo < 8 else "drenge", (lo, hi)))
                if self.rng.random() < 0.55 and lo >= 8:
                    teams.append(("piger", (lo, hi)))
            teams = self.rng.sample(teams, self.rng.randint(3, min(5, len(teams))))
            for kind, age in sorted(teams, key=lambda t: (t[1], t[0])):
                u = u_label(*age)
                if kind == "piger":
                    title, gender = f"Pigefodbold {u}", "girls"
                elif kind == "drenge":
                    title, gender = f"Fodbold {u} drenge", "boys"
                else:
                    title, gender = f"Fodbold {u} – drenge og piger", None
                fee = self.rng.choice([100, 125, 150, 150, 175, 200, 225, 250])
                desc = self.describe([
                    "Vi træner teknik, spil og sammenhold, og holdet spiller kampe i DBU-turneringen i weekenderne.",
                    "Træningen er tilrettelagt efter alder, og vi har fokus på glæden ved spillet.",
                    "Alle får spilletid til kampene – det vigtigste er at have det sjovt sammen.",
                    "Klubben har træningsdragter til udlån, så man kun behøver fodboldstøvler.",
                    "Om vinteren træner vi i hal eller på kunstgræs."], None)
                where = self.rng.choice(pitches)
                self.add_service(o, f"team:{title}", title, desc, offer_kind="activity", interests=["fodbold"],
                                 age=age, place=where, loc_name=where["name"], fee=fee, gender=gender)
            if self.rng.random() < 0.6:
                hours = self.rng.choice([(16 * 60 + 30, 18 * 60), (17 * 60, 18 * 60 + 30)])
                day = self.rng.choice(["TU", "WE", "TH"])
                self.add_service(o, "job:hjaelpetraener", "Fritidsjob som hjælpetræner",
                                 self.describe(["Du hjælper træneren med et af de yngste hold: sætter kegler op, "
                                                "viser øvelser og holder styr på boldene.",
                                                "Du får et lille trænerkursus og en fast voksen at spørge."],
                                               generic=False),
                                 offer_kind="leisure-job", interests=["hjaelpetraener", "fritidsjob", "fodbold"],
                                 age=(13, 17), place=pitch, loc_name=pitch["name"],
                                 capacity=(2, self.rng.randint(0, 2)),
                                 schedules=[self.schedule("", [day], *hours)],
                                 fees_description="Lønnet fritidsjob på almindelige vilkår, 1,5 time om ugen. Ingen betaling.")

    def swimming_clubs(self) -> None:
        names = ["Svømmeklubben Bølgen", "Svømmeklubben Delfinen", "Svømmeklubben Havfruen", "Svømmeklubben Strømmen",
                 "Svømmeklubben Sælen", "Svømmeklubben Kvik", "Svømmeklubben Måger", "Svømmeklubben Pingvinen",
                 "Svømmeklubben Odderen"]
        for i, pool in enumerate(sorted(self.places["svoemmehal"], key=lambda p: p["name"])):
            name = names[i % len(names)]
            self.invented_sports_club("svoemning", name, pool["district"], place=pool, loc_name=pool["name"])

    def invented_sports_club(self, sport: str, name: str, district: str, place: dict | None = None,
                             loc_name: str | None = None) -> None:
        codes, what, patterns, sentences = SPORTS[sport]
        place = place or self.address_in(district)
        vulnerable = self.rng.random() < 0.35
        childcert = self.rng.random() < 0.85
        email, web = self.invented_contact(name)
        o = self.org(f"sport:{name}", name, "sports-club", district,
                     self.org_description(f"{name} er en {what.lower()} i {district} for børn, unge og voksne.",
                                          childcert, vulnerable),
                     email=email, website=web, childcert=childcert, vulnerable=vulnerable)
        n = self.rng.randint(2, 4)
        seen = set()
        for j in range(n):
            pat = self.rng.choice(patterns)
            age = self.age_band(6, 17)
            title = self.fill_title(pat, age)
            if title in seen:
                continue
            seen.add(title)
            gender = self.gender_of(title)
            interests = list(codes)
            if "hiphop" in title.lower() or "breaking" in title.lower():
                interests = ["dans", "hiphop"]
            elif "streetdance" in title.lower() or "k-pop" in title.lower():
                interests = ["dans", "streetdance"]
            elif "ballet" in title.lower():
                interests = ["dans", "ballet"]
            elif "parkour" in title.lower():
                interests = ["gymnastik", "parkour"]
            elif "bmx" in title.lower():
                interests = ["bmx", "cykling"]
            elif "padel" in title.lower():
                interests = ["tennis"]
            elif "løbeklub" in title.lower():
                interests = ["loeb", "atletik"]
            fee = self.rng.choice([0, 75, 100, 120, 150, 150, 175, 200, 250, 300, 350, 400])
            if sport == "ridning":
                fee = self.rng.choice([300, 350, 400])
            self.add_service(o, f"team:{title}", title, self.describe(sentences), offer_kind="activity",
                             interests=interests, age=age, place=place, loc_name=loc_name, fee=fee, gender=gender)

    def sports(self) -> None:
        self.football_clubs()
        self.swimming_clubs()
        plan = ["haandbold", "basketball", "volleyball", "badminton", "tennis", "bordtennis", "boksning", "karate",
                "judo", "taekwondo", "brydning", "gymnastik", "dans", "ridning", "cykling", "skateboard", "klatring",
                "atletik", "parkour"]
        i = 0
        # each district gets sports clubs: 19 sports spread twice over the 10 districts, plus extra
        for rnd in range(2):
            for sport in plan:
                district = DISTRICTS[i % len(DISTRICTS)]
                i += 1
                short = DISTRICT_SHORT.get(district, district)
                what = SPORTS[sport][1]
                definite = what + ("ben" if what.endswith("klub") else "en" if what.endswith("ing") else "n")
                # invented names: a nickname, never "<district> <sport>klub", which could be a real club
                nicks = ['Move', 'Groove', 'Flow', 'Beat'] if sport == "dans" else CLUB_NICKNAMES
                nick = self.rng.choice(nicks)
                name = f"{definite} {nick}"
                if any(o["name"] == name for o in self.orgs):
                    name = f"{definite} {nick} {short}"
                self.invented_sports_club(sport, name, district)

    def associations(self) -> None:
        i = 3
        for kind, names in ASSOC_NAMES.items():
            codes, patterns, sentences = ASSOC[kind]
            for name in names:
                district = DISTRICTS[i % len(DISTRICTS)]
                i += 1
                place = self.address_in(district)
                vulnerable = self.rng.random() < (0.7 if kind == "lektiehjaelp" else 0.35)
                childcert = self.rng.random() < 0.88
                email, web = self.invented_contact(name)
                base = {
                    "spejder": f"{name} er en spejdergruppe i {district} med enheder fra mini til klan.",
                    "lektiehjaelp": f"{name} er en frivillig forening, der driver lektiecafé i {district}.",
                }.get(kind, f"{name} er en frivillig forening i {district} for børn og unge.")
                o = self.org(f"assoc:{name}", name, "association", district,
                             self.org_description(base, childcert, vulnerable), email=email, website=web,
                             childcert=childcert, vulnerable=vulnerable)
                if kind == "spejder":
                    units = [("Spejdermøde – Mini", (6, 8)), ("Spejdermøde – Ulve", (8, 10)),
                             ("Spejdermøde – Junior", (10, 12)), ("Spejdermøde – Trop", (12, 16)),
                             ("Spejdermøde – Klan", (16, 17))]
                    chosen = sorted(self.rng.sample(units, self.rng.randint(3, 4)), key=lambda u: u[1])
                    for title, age in chosen:
                        fee = self.rng.choice([75, 100, 100, 125, 150])
                        self.add_service(o, f"unit:{title}", title, self.describe(sentences), offer_kind="activity",
                                         interests=codes, age=age, place=place, fee=fee)
                    continue
                n = self.rng.randint(1, 3)
                seen = set()
                for _ in range(n):
                    pat = self.rng.choice(patterns)
                    age = self.age_band(7 if kind != "lektiehjaelp" else 9, 17)
                    title = self.fill_title(pat, age)
                    if title in seen:
                        continue
                    seen.add(title)
                    interests = list(codes)
                    tl = title.lower()
                    for word, cds in (("guitar", ["musik", "guitar"]), ("tromme", ["musik", "trommer"]),
                                      ("kor", ["musik", "sang"]), ("rap", ["musik", "musikproduktion"]),
                                      ("klaver", ["musik", "klaver"]), ("brætspil", ["braetspil"]),
                                      ("warhammer", ["rollespil", "braetspil"]), ("fiske", ["fiskeri", "natur"]),
                                      ("kajak", ["kajak", "friluftsliv"]), ("bage", ["madlavning"]),
                                      ("keramik", ["kunst", "haandvaerk"]), ("graffiti", ["tegning", "kunst"]),
                                      ("minecraft", ["gaming"]), ("robot", ["kodning"]), ("musical", ["teater", "sang"])):
                        if word in tl:
                            interests = cds
                            break
                    gender = self.gender_of(title)
                    if kind == "lektiehjaelp":
                        fee = 0
                    elif kind == "musik":
                        fee = self.rng.choice([150, 200, 250, 300, 350, 400])
                    else:
                        fee = self.rng.choice([0, 0, 50, 75, 100, 150, 200])
                    self.add_service(o, f"offer:{title}", title, self.describe(sentences), offer_kind="activity",
                                     interests=interests, age=age, place=place, fee=fee, gender=gender,
                                     lang_weight=2.0 if kind == "lektiehjaelp" else 1.0)

    def youth_clubs(self) -> None:
        names = ["Mjølner", "Grotten", "Basen", "Oasen", "Fristedet", "Klubhuset", "Bålhytten", "Trekanten",
                 "Stationen", "Kompasset", "Lyset", "Ankeret", "Havnen", "Rampen", "Værkstedet", "Skuret",
                 "Tårnet", "Broen", "Pladsen", "Gården", "Laden", "Kælderen"]
        k = 0
        for district in DISTRICTS:
            for j in range(2):
                base = names[k % len(names)]
                k += 1
                kind = "Fritidsklubben" if j == 0 else "Ungdomsklubben"
                name = f"{kind} {base}"
                place = self.address_in(district)
                o = self.org(f"youth:{name}", name, "youth-club", district,
                             self.org_description(
                                 f"{name} er en kommunal {'fritidsklub for 10-13-årige' if j == 0 else 'ungdomsklub for 14-17-årige'} "
                                 f"i {district}. Klubben er gratis, og der er altid voksne pædagoger til stede.",
                                 True, True),
                             email=self.invented_contact(name)[0], childcert=True, vulnerable=True)
                if j == 0:
                    age = (10, 13)
                    offers = [("Fritidsklub – åbent klubliv", ["ungdomsklub"],
                               [self.schedule("", ["MO", "TU", "WE", "TH", "FR"], 14 * 60, 17 * 60 + 30)],
                               "Efter skole kan du spille bordtennis, lave mad, game eller bare hænge ud med vennerne."),
                              ("Klubbens gamingrum", ["gaming", "ungdomsklub"],
                               [self.schedule("", ["TU", "TH"], 15 * 60, 17 * 60)],
                               "I gamingrummet spiller vi sammen med en voksen, der kender spillene."),
                              ("Fodbold og boldspil i klubben", ["fodbold", "ungdomsklub"],
                               [self.schedule("", ["WE"], 15 * 60, 16 * 60 + 30)],
                               "Vi spiller bold i hallen eller på banen ved klubben."),
                              ("Madklub i fritidsklubben", ["madlavning", "ungdomsklub"],
                               [self.schedule("", ["MO"], 15 * 60, 17 * 60)],
                               "Vi laver mad sammen og spiser i klubben.")]
                else:
                    age = (14, 17)
                    offers = [("Ungdomsklub – klubaften", ["ungdomsklub"],
                               [self.schedule("", ["MO", "TU", "WE", "TH"], 18 * 60, 21 * 60 + 30)],
                               "Klubben har åbent om aftenen med billard, musikrum, køkken og voksne at snakke med."),
                              ("Musikstudie i ungdomsklubben", ["musikproduktion", "musik", "ungdomsklub"],
                               [self.schedule("", ["WE"], 18 * 60, 20 * 60 + 30)],
                               "Lav beats og indspil dine egne numre i klubbens studie."),
                              ("Pigeaften i ungdomsklubben", ["ungdomsklub"],
                               [self.schedule("", ["TH"], 18 * 60, 21 * 60)],
                               "En aften kun for piger med hygge, aktiviteter og kvindelige pædagoger."),
                              ("Fitness og boksning i klubben", ["fitness", "boksning", "ungdomsklub"],
                               [self.schedule("", ["TU"], 18 * 60, 20 * 60)],
                               "Træn med en voksen instruktør i klubbens træningsrum.")]
                chosen = offers[:1] + self.rng.sample(offers[1:], self.rng.randint(1, 3))
                for title, interests, sched, spec in chosen:
                    gender = "girls" if title.startswith("Pigeaften") else None
                    self.add_service(o, f"offer:{title}", title,
                                     spec + " " + self.rng.choice(["Kom forbi og få en rundvisning.",
                                                                    "Ingen tilmelding – bare mød op.",
                                                                    "Forældre er velkomne til at kigge forbi."]),
                                     offer_kind="activity", interests=interests, age=age, place=place, fee=0,
                                     fee_support=False, gender=gender, schedules=sched,
                                     capacity=(40, self.rng.choice([0, 5, 8, 10, 15, 20])), lang_weight=2.5)

    def culture_houses(self) -> None:
        seen: dict[str, dict] = {}
        for p in sorted(self.places["bibliotek"] + self.places["kulturhus"], key=lambda p: (p["name"], p["address"])):
            # one organisation per name; "X" and "X og Kulturhus" at the same address are one house
            if p["name"] in seen or any(q["address"] == p["address"] and p["name"].startswith(q["name"])
                                        for q in seen.values()):
                continue
            seen[p["name"]] = p
        offers = [
            ("Lektiecafé", ["lektiehjaelp"], (9, 17), "Frivillige hjælper med lektier og afleveringer. Kom, når du har brug for det."),
            ("Kodeklub", ["kodning", "gaming"], (9, 14), "Lær at programmere spil og robotter sammen med frivillige fra IT-branchen."),
            ("Gaming-aften", ["gaming", "esport"], (11, 17), "Vi spiller sammen på bibliotekets konsoller og PC'er, og der er turneringer hver måned."),
            ("Kreativt værksted", ["kunst", "haandvaerk", "tegning"], (7, 12), "Vi tegner, klipper, syr og bygger – materialerne står klar."),
            ("Læseklub for børn", ["laesning"], (8, 12), "Vi læser en bog sammen og snakker om den over saft og kage."),
            ("Brætspilsaften", ["braetspil", "rollespil"], (10, 17), "Bibliotekets store samling af brætspil bliver hevet frem – nye spillere er velkomne."),
            ("Filmværksted", ["foto"], (11, 16), "Lav din egen kortfilm med mobilen – fra idé til premiere."),
            ("Teater for børn", ["teater"], (7, 12), "Vi leger teater og laver en lille forestilling for familierne."),
            ("Musik og beats", ["musikproduktion", "musik"], (12, 17), "Lær at lave beats og optage vokal i husets lydstudie."),
            ("Dansehold i kulturhuset", ["dans", "hiphop"], (9, 14), "Hiphop og streetdance med husets danseinstruktør."),
        ]
        for p in seen.values():
            name = p["name"]
            is_lib = "bibliotek" in name.lower()
            desc = (f"{name} er et af Københavns Kommunes biblioteker i {p['district']}. Alle tilbud til børn og unge er gratis."
                    if is_lib else
                    f"{name} er et kulturhus i {p['district']} med aktiviteter for børn, unge og familier. Børnetilbuddene er gratis.")
            vulnerable = self.rng.random() < 0.5
            o = self.org(f"culture:{name}", name, "culture-house", p["district"],
                         self.org_description(desc, True, vulnerable),
                         email=p.get("email") or None, website=p.get("link") or None, childcert=True,
                         vulnerable=vulnerable)
            pool = offers[:6] if is_lib else offers[3:]
            for title, interests, age, spec in self.rng.sample(pool, self.rng.randint(2, 4)):
                fee = 0
                self.add_service(o, f"offer:{title}", title, self.describe([spec], None, paid=False), offer_kind="activity",
                                 interests=interests, age=age, place=p, loc_name=name, fee=fee, fee_support=False,
                                 capacity=(self.rng.choice([15, 20, 25, 30]), self.rng.choice([0, 3, 5, 8, 10, 12])),
                                 lang_weight=2.0)

    def employers(self) -> None:
        sectors = [
            ("supermarked", "Kvartermarkedet {d}", "et supermarked", ["supermarked", "butik"], "Fritidsjob som butiksmedhjælper",
             "Du fylder varer op, tjekker datoer og holder butikken pæn.", 13),
            ("supermarked", "Købmanden på hjørnet, {d}", "en købmand", ["supermarked", "butik"], "Fritidsjob i supermarked – varepåfyldning",
             "Du hjælper med at pakke varer ud og fylde hylderne op efter skole.", 13),
            ("bageri", "Bageriet Hvedekornet, {d}", "et bageri", ["bageri"], "Fritidsjob som bagerhjælper",
             "Du pakker brød, fylder op i butikken og hjælper med opvasken.", 14),
            ("cafe", "Café Kvarteret {d}", "en café", ["cafe", "madlavning"], "Fritidsjob som køkkenhjælp i café",
             "Du tager opvask, gør klar og hjælper kokken med enkle opgaver.", 15),
            ("lager", "{d} Lager & Logistik", "en lagervirksomhed", ["lager"], "Fritidsjob på lager",
             "Du pakker ordrer, scanner varer og holder orden på lageret.", 15),
            ("omdeling", "Omdelingsfirmaet Budet {d}", "et omdelingsfirma", ["omdeling"], "Avisbud og omdeling af reklamer",
             "Du går en fast rute i nærområdet og omdeler aviser og reklamer.", 13),
            ("rengoering", "{d} Rengøringsservice", "et rengøringsfirma", ["rengoering"], "Fritidsjob med rengøring",
             "Du hjælper med lettere rengøring af kontorer sammen med en fast kollega.", 13),
            ("kontor", "Ejendomskontoret {d}", "et ejendomskontor", ["kontor", "pedel"], "Fritidsjob som kontorhjælp",
             "Du sorterer post, kopierer og hjælper viceværten med lettere opgaver.", 14),
            ("dyrepasning", "Dyrehandlen {d}", "en dyrehandel", ["dyrepasning", "dyr", "butik"], "Fritidsjob i dyrehandel",
             "Du fodrer dyrene, gør bure rene og hjælper kunderne i butikken.", 13),
            ("gartneri", "{d} Planteskole og Byhave", "et gartneri", ["gartneri", "natur"], "Fritidsjob i gartneri",
             "Du vander, planter om og hjælper i butikken med planter og blomster.", 13),
            ("butik", "Sportsbutikken {d}", "en sportsbutik", ["butik"], "Fritidsjob i sportsbutik",
             "Du hjælper med at sætte varer på plads og holde orden i butikken.", 14),
            ("it_support", "{d} Mobil & IT-værksted", "et IT-værksted", ["it_support", "kodning"], "Fritidsjob i IT-værksted",
             "Du hjælper med at klargøre telefoner og computere og holder værkstedet ryddeligt.", 15),
        ]
        idx = 0
        jobs = 0
        for rnd in range(4):
            for district in DISTRICTS:
                sector = sectors[(idx * 5 + rnd) % len(sectors)]
                idx += 1
                code, pattern, what, interests, title, spec, min_age = sector
                short = DISTRICT_SHORT.get(district, district)
                name = pattern.format(d=short)
                if any(o["name"] == name for o in self.orgs):
                    name = f"{name} {rnd + 1}"
                place = self.address_in(district)
                email, web = self.invented_contact(name)
                childcert = self.rng.random() < 0.5
                vulnerable = self.rng.random() < 0.4
                o = self.org(f"employer:{name}", name, "leisure-job-employer", district,
                             self.org_description(f"{name} er {what} i {district}, der gerne ansætter unge "
                                                  "i fritidsjob og giver dem en fast kollega som mentor.",
                                                  childcert, vulnerable),
                             email=email, website=web, childcert=childcert, vulnerable=vulnerable)
                for n in range(self.rng.choice([1, 1, 2])):
                    jobs += 1
                    self.leisure_job(o, f"job:{title}:{n}", title if n == 0 else f"{title} (weekend)",
                                     spec, interests, min_age, place, weekend=(n == 1), seq=jobs)

    def leisure_job(self, o: dict, key: str, title: str, spec: str, interests: list[str], min_age: int,
                    place: dict, weekend: bool, seq: int) -> None:
        rng = self.rng
        if not weekend:
            self.weekday_jobs += 1
        # ~5 % of all jobs: hours a 13-14-year-old may not work (after 20:00, or 4 hours on a school day)
        rule_breaker = not weekend and self.weekday_jobs % 10 == 3
        if weekend:
            day = rng.choice(["SA", "SU"])
            start = rng.choice([8, 9, 10]) * 60
            length = rng.choice([180, 240, 300])
            sched = [self.schedule("", [day], start, start + length)]
            hours = f"ca. {length // 60} timer om ugen"  # weekend shifts are 3-5 hours
        elif rule_breaker:
            days = rng.choice([["MO", "WE"], ["TU", "TH"]])
            if (self.weekday_jobs // 10) % 2 == 0:
                start, end = 17 * 60 + 30, 21 * 60  # after 20:00
            else:
                start, end = 14 * 60 + 30, 18 * 60 + 30  # 4 hours on a school day
            sched = [self.schedule("", days, start, end)]
            hours = f"{(end - start) / 60:.1f}".replace(".0", "").replace(".", ",") + " timer ad gangen"
        else:
            days = rng.choice([["MO"], ["TU"], ["WE"], ["TH"], ["MO", "WE"], ["TU", "TH"], ["WE", "FR"]])
            start = rng.choice([15 * 60, 15 * 60 + 30, 16 * 60, 16 * 60 + 30, 17 * 60])
            length = rng.choice([60, 90, 120, 120])
            sched = [self.schedule("", days, start, start + length)]
            per_week = length * len(days) / 60
            hours = f"{per_week:g}".replace(".", ",") + (" time om ugen" if per_week == 1 else " timer om ugen")
        age_lo = min_age
        if rule_breaker:
            age_lo = 13
        if rng.random() < 0.08 and not rule_breaker:
            age_lo = 15
        desc = self.describe([spec, rng.choice([
            "Du får en fast kollega, der viser dig til rette.",
            "Vi har haft mange unge i fritidsjob og ved, hvordan man kommer godt i gang.",
            "Løn efter overenskomst for unge under 18."])],
            rng.choice(["Dine forældre bliver selvfølgelig informeret, når du starter.",
                        "Arbejdet er let og passer til unge i skolealderen.", None]), generic=False)
        self.add_service(o, key, title, desc, offer_kind="leisure-job", interests=interests + ["fritidsjob"],
                         age=(age_lo, 17), place=place, schedules=sched,
                         capacity=(rng.choice([1, 2, 2, 3]), rng.choice([0, 1, 1, 1, 2])),
                         fees_description=f"Lønnet fritidsjob på almindelige vilkår, {hours}. Ingen betaling.")

    def mentor_programmes(self) -> None:
        progs = [
            ("Fritidsliv med Mentor – Nørrebro og Bispebjerg", ["Nørrebro", "Bispebjerg"],
             "Fritidsliv med Mentor", (6, 17), ["mentor", "ungdomsklub"]),
            ("Fritidsliv med Mentor – Amager", ["Amager Øst", "Amager Vest"], "Fritidsliv med Mentor", (6, 17),
             ["mentor", "ungdomsklub"]),
            ("Fritidsliv med Mentor – Valby, Vanløse og Brønshøj", ["Valby", "Vanløse", "Brønshøj-Husum"],
             "Fritidsliv med Mentor", (6, 17), ["mentor", "ungdomsklub"]),
            ("Fritidsliv med Mentor – Indre By, Østerbro og Vesterbro", ["Indre By", "Østerbro", "Vesterbro-Kongens Enghave"],
             "Fritidsliv med Mentor", (6, 17), ["mentor", "ungdomsklub"]),
            ("Fritidsjob med Mentor", DISTRICTS, "Fritidsjob med Mentor", (13, 17), ["mentor", "fritidsjob"]),
            ("Voksenvenner for Børn i København", ["Nørrebro", "Valby", "Amager Vest", "Bispebjerg"],
             "Voksenven", (7, 15), ["mentor", "frivillig"]),
        ]
        for name, districts, kind, age, interests in progs:
            home = districts[0]
            place = self.centroid_place(home)
            email, web = self.invented_contact(name)
            o = self.org(f"mentor:{name}", name, "mentor-programme", home,
                         f"{name} matcher børn og unge med en frivillig voksen eller en kollega på en arbejdsplads. "
                         "Alle mentorer har en gyldig børneattest og får sparring fra en fast koordinator.",
                         email=email, website=web, childcert=True, vulnerable=True)
            for d in districts:
                p = place if d == home else self.centroid_place(d)
                if kind == "Fritidsjob med Mentor":
                    title = f"Fritidsjob med Mentor – {d}"
                    spec = ("Den unge ansættes i et fritidsjob på almindelige vilkår, og en kollega på arbejdspladsen "
                            "er mentor i de første 6 måneder. Henvisning sker via en fagperson, fx kontaktpersonen.")
                    offer_kind = "mentoring"
                else:
                    title = f"{kind} – {d}"
                    spec = ("Barnet får en frivillig mentor, der hjælper med at finde og komme i gang med en fritidsaktivitet. "
                            "Mentor og barn ses typisk et par timer hver eller hver anden uge.")
                    offer_kind = "mentoring"
                sid = uid("service", o["key"], f"offer:{title}")
                sched = [{"id": "", "service_id": sid, "freq": "WEEKLY", "wkst": "MO",
                          "byday": "MO,TU,WE,TH,FR,SA,SU",
                          "description": "Efter aftale mellem mentor, barn og familie."}]
                self.add_service(o, f"offer:{title}", title, spec, offer_kind=offer_kind, interests=interests,
                                 age=age, place=p, loc_name=f"{name} – mødested i {d}", fee=0, fee_support=False,
                                 schedules=sched, capacity=(self.rng.choice([8, 10, 12]), self.rng.randint(0, 4)),
                                 fees_description="Gratis for barnet og familien.", lang_weight=2.5, status="active")

    def build(self) -> list[dict]:
        self.sports()
        self.associations()
        self.youth_clubs()
        self.culture_houses()
        self.employers()
        self.mentor_programmes()
        return self.services

    # ------------------------------------------------------------------ mentors
    def mentors(self) -> list[list[str]]:
        rng = random.Random(2026 + 1)
        female = ["Sara", "Maria", "Fatima", "Emma", "Ida", "Aisha", "Zeynep", "Camilla", "Louise", "Amal", "Sofie",
                  "Hodan", "Mette", "Nadia", "Julie", "Anna", "Yasmin", "Line", "Katarzyna", "Sana", "Freja", "Mia",
                  "Leila", "Hanne", "Cecilie", "Ayan", "Elif", "Marie", "Noor", "Signe", "Rikke", "Birgitte",
                  "Agnieszka", "Tina", "Helle", "Malou", "Rana"]
        male = ["Jonas", "Ahmed", "Mikkel", "Omar", "Mads", "Emre", "Kasper", "Ali", "Frederik", "Hassan",
                "Christian", "Abdi", "Rasmus", "Bilal", "Peter", "Yusuf", "Søren", "Tobias", "Karim", "Jakob",
                "Mustafa", "Anders", "Piotr", "Thomas", "Mohamed", "Lars", "Imran", "Morten", "Niels", "Ibrahim",
                "Henrik", "Jens", "Kenneth", "Murat", "Simon", "Adam", "Victor"]
        codes = [t["code"] for t in self.interests  # needs and the "sport" umbrella are no mentor's hobby
                 if t["group"] not in ("fritidsjob", "behov")
                 and t["code"] not in ("ungdomsklub", "mentor", "lektiehjaelp", "sport")]
        free = ["gåture i naturen", "computere", "bagning", "fodboldkampe", "lave mad", "museer", "cykelture",
                "bøger", "film", "hunde", "brætspil", "lego", "fiske", "svømme", "musik", "tegne", "gaming",
                "fitness", "basket", "strikning"]
        langs = ["en", "ar", "tr", "so", "ur", "pl"]
        # every district's postcodes (Amager Øst and Amager Vest share 2300), a few Frederiksberg (2000)
        pcs = ["1306", "1360", "1411", "1434", "1620", "1720", "2100", "2100", "2150", "2200", "2200", "2300", "2300",
               "2300", "2400", "2400", "2450", "2500", "2500", "2700", "2700", "2720", "2720", "2000"]
        rows = []
        days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        for i in range(78):
            gender = "female" if i % 2 == 0 else "male"
            name = (female if gender == "female" else male)[(i // 2) % 37]
            ints = rng.sample(codes, rng.randint(1, 3))
            if rng.random() < 0.45:
                ints.append(rng.choice(free))
            lang = ["da"]
            if rng.random() < 0.5:
                lang.append(rng.choice(langs))
            if rng.random() < 0.1:
                lang.append("en")
            lang = list(dict.fromkeys(lang))
            amin = rng.choice([6, 7, 8, 10, 12, 13])
            amax = min(17, amin + rng.choice([4, 5, 6, 8, 11]))
            mx = rng.choice([1, 1, 1, 2, 2, 3])
            cur = mx if rng.random() < 0.2 else rng.randint(0, mx - 1)
            x = rng.random()
            if x < 0.70:
                cert = (dt.date(2027, 1, 15) + dt.timedelta(days=rng.randint(0, 700))).isoformat()
            elif x < 0.80:
                cert = (TODAY + dt.timedelta(days=rng.randint(1, 29))).isoformat()
            elif x < 0.84:
                cert = (TODAY - dt.timedelta(days=rng.randint(10, 120))).isoformat()
            else:
                cert = ""
            wd = sorted(rng.sample(days, rng.randint(1, 3)), key=days.index)
            rows.append([f"m-{i + 1:03d}", name, gender, rng.choice(pcs), ";".join(ints), ";".join(lang),
                         str(amin), str(amax), str(mx), str(cur), cert, ";".join(wd)])
        return rows


MENTOR_HEADER = ["id", "name", "gender", "postcode", "interests", "languages", "age_min", "age_max", "max_children",
                 "current_children", "childcert_valid_until", "weekdays"]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=SEEDS, help="output folder (default: seeds/)")
    args = ap.parse_args(argv)
    b = Builder()
    services = b.build()
    for s in services:
        s.pop("_district", None)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "demo_catalogue.json").write_text(json.dumps(services, ensure_ascii=False, indent=1) + "\n",
                                             encoding="utf-8")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(MENTOR_HEADER)
    w.writerows(b.mentors())
    (out / "mentors.csv").write_text(buf.getvalue(), encoding="utf-8")
    print(f"{len(services)} services from {len({s['organization']['id'] for s in services})} organisations, "
          f"{len(buf.getvalue().splitlines()) - 1} mentors -> {out}")


if __name__ == "__main__":
    main()
