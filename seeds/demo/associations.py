"""Associations, youth clubs, and the real libraries and culture houses."""

from __future__ import annotations

from seeds.demo.builder import BaseBuilder
from seeds.demo.common import DISTRICTS
from seeds.demo.texts import ASSOC, ASSOC_NAMES


class Associations(BaseBuilder):
    def associations(self) -> None:
        """Add the invented associations (scouts, chess, music, art, gaming, ...) across the districts."""
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
        """Add the invented youth clubs, one or more per district."""
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
        """Add the real libraries and culture houses with invented free offers."""
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

