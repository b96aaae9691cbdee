"""Sports clubs: the real football clubs at the city's pitches, swimming clubs, invented clubs per sport."""

from __future__ import annotations

import re

from seeds.demo.builder import BaseBuilder
from seeds.demo.common import DISTRICT_SHORT, DISTRICTS, u_label
from seeds.demo.texts import CLUB_NICKNAMES, SPORTS


class Sports(BaseBuilder):
    def football_clubs(self) -> None:
        """Add the real football clubs at the city's pitches with invented teams and helper jobs."""
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
        """Add an invented swimming club at each real swimming hall."""
        names = ["Svømmeklubben Bølgen", "Svømmeklubben Delfinen", "Svømmeklubben Havfruen", "Svømmeklubben Strømmen",
                 "Svømmeklubben Sælen", "Svømmeklubben Kvik", "Svømmeklubben Måger", "Svømmeklubben Pingvinen",
                 "Svømmeklubben Odderen"]
        for i, pool in enumerate(sorted(self.places["svoemmehal"], key=lambda p: p["name"])):
            name = names[i % len(names)]
            self.invented_sports_club("svoemning", name, pool["district"], place=pool, loc_name=pool["name"])

    def invented_sports_club(self, sport: str, name: str, district: str, place: dict | None = None,
                             loc_name: str | None = None) -> None:
        """Add an invented club of ``sport`` in ``district`` with 2-4 teams."""
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
        """Add all sports clubs: football, swimming, then invented clubs spread over the districts."""
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

