"""Mentor programmes (as offers) and the volunteer mentors of ``mentors.csv``."""

from __future__ import annotations

import datetime as dt
import random

from seeds.demo.builder import BaseBuilder
from seeds.demo.common import DISTRICTS, TODAY, uid

MENTOR_HEADER = ["id", "name", "gender", "postcode", "interests", "languages", "age_min", "age_max", "max_children",
                 "current_children", "childcert_valid_until", "weekdays"]



class Mentors(BaseBuilder):
    def mentor_programmes(self) -> None:
        """Add the mentor programmes, one mentoring offer per district they cover."""
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

    def mentors(self) -> list[list[str]]:
        """Return the demo volunteer mentors as CSV rows (their own random stream)."""
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

