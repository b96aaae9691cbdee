"""Leisure-job employers and their jobs (some deliberately breaking the young-worker rules)."""

from __future__ import annotations

from seeds.demo.builder import BaseBuilder
from seeds.demo.common import DISTRICT_SHORT, DISTRICTS


class Jobs(BaseBuilder):
    def employers(self) -> None:
        """Add the invented leisure-job employers and their jobs."""
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
        """Add one leisure job (hours and days within or, deliberately, outside the young-worker rules)."""
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

