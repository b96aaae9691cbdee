"""Demo pathways: a deterministic year of phases, referrals and participation for ~200 children."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.accounts.models import Role, User
from matcher.accounts.operations import create_user
from matcher.catalogue.models import District, DistrictPostcode, InterestTerm, Mentor, Offer, OfferKind, OfferStatus
from matcher.pathways.models import Child, NetworkPerson, Participation, Phase, Referral, ReferralEvent

MAIN_CONTACT = "kontakt@demo.matcher.dk"
MAIN_SHARE = 25
EXTRA_CONTACTS = ("Sofie", "Ahmed", "Lise", "Jonas", "Nadia", "Peter", "Hanne")
CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
NETWORK = (("moster", "moster"), ("morfar", "morfar"), ("farmor", "farmor"), ("onkel", "onkel"),
           ("storesøster", "søskende"), ("Fatima", "nabo"), ("Bo", "familieven"), ("mormor", "mormor"))
GOALS = {
    "fritidspakke": "Finde en fritidsaktivitet barnet glæder sig til og komme afsted hver uge",
    "fritidsjob": "Holde fast i fritidsjobbet og få en voksen på arbejdspladsen at spejle sig i",
    "mentor": "En fast voksen at lave fritidsting med hver uge",
    "selvstaendigt": "Passe sin fritidsaktivitet selv, med netværket som støtte",
}
END_WEIGHTS = {"lost_interest": 30, "too_far": 10, "cost": 6, "conflict": 8, "club_could_not_include": 6,
               "moved": 5, "completed": 8, "other": 4}
DAY = dt.timedelta(days=1)


def _demo_contacts(session: Session, districts: list[District], password: str) -> list[User]:
    """Return the main demo contact person and seven more, creating those that are missing."""
    wanted = [(MAIN_CONTACT, "Mette Kontaktperson", "Nørrebro")]
    wanted += [(f"kontakt{i}@demo.matcher.dk", f"{name} Kontaktperson", districts[i % len(districts)].name)
               for i, name in enumerate(EXTRA_CONTACTS, start=2)]
    by_name = {d.name: d for d in districts}
    users = []
    for email, name, district in wanted:
        user = session.scalars(select(User).where(User.email == email)).first()
        if user is None:
            user = create_user(session, email, Role.contact_person.value, password, name=name,
                               district_id=by_name[district].id)
        users.append(user)
    return users


def _code(rng: random.Random, used: set[str]) -> str:
    while True:
        code = "BU-" + "".join(rng.choice(CODE_CHARS) for _ in range(5))
        if code not in used:
            used.add(code)
            return code


class _Builder:
    """Holds the catalogue and the rows being built; every row is added, then flushed once."""

    def __init__(self, session: Session, rng: random.Random, today: dt.date):
        self.session, self.rng, self.today = session, rng, today
        offers = session.scalars(select(Offer).where(Offer.status == OfferStatus.active).order_by(Offer.id)).all()
        self.offers: dict[tuple[OfferKind, int | None], list[Offer]] = defaultdict(list)
        self.all_offers: dict[OfferKind, list[Offer]] = defaultdict(list)
        for offer in offers:
            self.offers[(offer.kind, offer.district_id)].append(offer)
            self.all_offers[offer.kind].append(offer)
        mentors = session.scalars(select(Mentor).where(Mentor.approved.is_(True)).order_by(Mentor.id)).all()
        soon = today + dt.timedelta(days=30)
        self.expiring = [m for m in mentors if m.childcert_valid_until and today <= m.childcert_valid_until <= soon]
        self.mentors = [m for m in mentors if m.childcert_valid_until and m.childcert_valid_until > soon]
        self.rows: list[Any] = []
        self.stats: Counter[str] = Counter()

    def pick_offer(self, kind: OfferKind, child: Child, age: int) -> Offer | None:
        local = self.offers.get((kind, child.district_id), [])
        pool = local if local and self.rng.random() < 0.75 else self.all_offers.get(kind, [])
        fits = [o for o in pool if (o.age_min or 0) <= age <= (o.age_max or 99)]
        return self.rng.choice(fits) if fits else None

    def pick_mentor(self) -> Mentor:
        if self.expiring and self.stats["mentor_referrals"] % 6 == 0:
            return self.rng.choice(self.expiring)
        return self.rng.choice(self.mentors or self.expiring)

    def referral(self, child: Child, phase: Phase, user: User, start: dt.date, stop: dt.date | None,
                 network: list[NetworkPerson], *, offer: Offer | None = None, mentor: Mentor | None = None,
                 settle: bool = False) -> Referral:
        """Build one referral from ``start``; it ends by ``stop`` (a bridge) or on its own course."""
        rng = self.rng
        ref = Referral(child=child, phase=phase, offer=offer, mentor=mentor, created_by=user, status="suggested",
                       suggested_on=start, status_since=start, match_score=round(rng.uniform(0.45, 0.95), 3),
                       match_components={k: round(rng.random(), 3) for k in
                                         ("interest", "distance", "weekday", "affordability", "inclusion",
                                          "freshness")})
        self.stats["mentor_referrals"] += mentor is not None
        events = [ReferralEvent(from_status=None, to_status="suggested", effective_on=start, by=user)]
        day, status = start, "suggested"
        limit = min(stop or self.today, self.today)
        for nxt, gap in (("contacted", (2, 12)), ("trial", (4, 16)), ("active", (0, 15))):
            if not settle and rng.random() < 0.1:
                break  # the referral stays where it is
            later = day + dt.timedelta(days=rng.randint(*gap))
            if later > limit:
                break
            events.append(ReferralEvent(from_status=status, to_status=nxt, effective_on=later, by=user))
            day, status = later, nxt
            if nxt == "active":
                ref.active_since = later
        sessions_from = next((e.effective_on for e in events if e.to_status == "trial"), None)
        end_day, reason = None, None
        if stop is not None and stop <= self.today:
            end_day, reason = max(stop, day), ("completed" if status == "active" else "lost_interest")
        elif status != "suggested" and rng.random() < (0.25 if settle else 0.4):
            end_day = day + dt.timedelta(days=rng.randint(10, 200))
            reason = rng.choices(list(END_WEIGHTS), weights=list(END_WEIGHTS.values()))[0]
            if end_day > self.today:
                end_day, reason = None, None
        if sessions_from is not None:
            self.sessions(ref, child, user, network, sessions_from, end_day or self.today, open_=end_day is None)
        if end_day is not None:
            if reason == "other":
                ref.end_note = "Familien har valgt en anden løsning"
            if offer is not None and offer.kind is OfferKind.leisure_job and reason == "completed":
                reason = "job_ended"
            events.append(ReferralEvent(from_status=status, to_status="ended", end_reason=reason,
                                        effective_on=end_day, by=user))
            status, day = "ended", end_day
            ref.end_reason, ref.ended_on = reason, end_day
        ref.status, ref.status_since = status, day
        ref.events = events
        self.stats[f"referrals_{status}"] += 1
        self.rows.append(ref)
        return ref

    def sessions(self, ref: Referral, child: Child, user: User, network: list[NetworkPerson],
                 first: dt.date, last: dt.date, open_: bool) -> None:
        """Build weekly-ish sessions; an open referral may go quiet or end in missed sessions."""
        rng = self.rng
        fate = rng.random() if open_ else 1.0
        if fate < 0.07:
            last = min(last, self.today - dt.timedelta(days=rng.randint(15, 45)))   # gone quiet
        keen = rng.uniform(0.7, 0.97)
        day, n, rows = first, 0, []
        while day <= last:
            attended = rng.random() < (0.95 if n == 0 else keen)
            helper = rng.random()
            person = None
            if n < 3 and network and helper < 0.5:
                person, who = rng.choice(network), "network"
            elif n < 2 and helper < 0.8:
                who = "contact_person"
            else:
                who = "alone" if helper < 0.93 or not network else "network"
                person = rng.choice(network) if who == "network" else None
            rows.append(Participation(referral=ref, date=day, attended=attended, accompanied_by=who,
                                      network_person=person, logged_by=user,
                                      logged_at=dt.datetime.combine(day, dt.time(18, 0), tzinfo=dt.timezone.utc)))
            n += 1
            day += dt.timedelta(days=rng.choice((7, 7, 7, 7, 14)))
        if fate > 0.93 and len(rows) > 4:
            for row in rows[-3:]:
                row.attended = False                                        # three misses in a row
        elif open_ and fate >= 0.07 and rows:
            rows[-1].attended = True                                        # going steadily
        attended = [r.date for r in rows if r.attended]
        ref.first_session_on = min(attended) if attended else None
        self.rows.extend(rows)
        self.stats["participations"] += len(rows)


def seed_pathways(session: Session, password: str, rng_seed: int = 2026, today: dt.date = dt.date(2026, 11, 24),
                  n_children: int = 200) -> dict[str, int]:
    """Create ~``n_children`` pseudonymous children with a year of pathways; flush once at the end.

    ``password`` is given to the demo contact persons created on the way (``matcher.seeding`` knows it).
    """
    rng = random.Random(rng_seed)  # nosec B311
    districts = session.scalars(select(District).order_by(District.number)).all()
    contacts = _demo_contacts(session, districts, password)
    postcodes: dict[int, list[str]] = defaultdict(list)
    for district_id, postcode in session.execute(select(DistrictPostcode.district_id, DistrictPostcode.postcode)
                                                 .where(DistrictPostcode.is_main.is_(True))
                                                 .order_by(DistrictPostcode.postcode)):
        postcodes[district_id].append(postcode)
    terms = session.scalars(select(InterestTerm.name).where(InterestTerm.needs_mapping.is_(False))
                            .order_by(InterestTerm.code)).all()
    used = set(session.scalars(select(Child.code).where(Child.code.is_not(None))))
    b = _Builder(session, rng, today)
    norrebro = next(d for d in districts if d.name == "Nørrebro")
    for i in range(n_children):
        if i < MAIN_SHARE:
            district, user = norrebro, contacts[0]
        else:
            district = districts[i % len(districts)]
            user = contacts[1 + i % (len(contacts) - 1)]
        age = rng.randint(8, 17)
        year_only = rng.random() < 0.3
        born = dt.date(today.year - age, 7, 1) if year_only else \
            today - dt.timedelta(days=age * 365 + rng.randint(1, 360))
        child = Child(code=_code(rng, used), birth_date=born, birth_year_only=year_only,
                      gender=rng.choices(("girl", "boy", "other", "unknown"), (46, 46, 3, 5))[0],
                      postcode=rng.choice(postcodes.get(district.id) or [None]), district_id=district.id,
                      interests=", ".join(rng.sample(terms, k=min(len(terms), rng.randint(1, 3)))),
                      languages=["da"] + ([rng.choice(("ar", "so", "tr", "ur", "en", "pl"))]
                                          if rng.random() < 0.35 else []),
                      weekdays=sorted(rng.sample(("mon", "tue", "wed", "thu", "fri"), k=rng.randint(2, 4))),
                      contact_person_id=user.id)
        network = [NetworkPerson(child=child, label=label, relation=relation)
                   for label, relation in rng.sample(NETWORK, k=rng.choices((0, 1, 2), (25, 50, 25))[0])]
        b.rows.append(child)
        b.rows.extend(network)
        child.created_at = dt.datetime.combine(today - dt.timedelta(days=400), dt.time(9), tzinfo=dt.timezone.utc)
        _pathway(b, child, user, network, age)
    session.add_all(b.rows)
    session.flush()
    summary = {"children": n_children, "contact_persons": len(contacts), **dict(sorted(b.stats.items()))}
    summary.pop("mentor_referrals", None)
    return summary


def _pathway(b: _Builder, child: Child, user: User, network: list[NetworkPerson], age: int) -> None:
    """Build a Fritidspakke and, for some children, the bridge to a Fritidsjob or a mentor."""
    rng, today = b.rng, b.today
    start = today - dt.timedelta(days=rng.randint(20, 380))
    package = Phase(child=child, kind="fritidspakke", start_date=start, goal=GOALS["fritidspakke"],
                    responsible_user_id=user.id, network_persons=list(network[:1]))
    b.rows.append(package)
    b.stats["phases"] += 1
    length = rng.randint(80, 260)
    bridge_day = start + dt.timedelta(days=length)
    bridged = bridge_day <= today - dt.timedelta(days=7) and rng.random() < 0.75
    if not bridged and start < today - dt.timedelta(days=60) and rng.random() < 0.08:
        package.end_date = min(today, start + dt.timedelta(days=rng.randint(40, 300)))
        package.closing_reason = rng.choice(("moved", "declined", "case_closed"))
        bridge_day = package.end_date
    stop = bridge_day if bridged or package.end_date else None
    for k in range(rng.choices((1, 2, 3), (50, 35, 15))[0]):
        offer = b.pick_offer(OfferKind.activity, child, age)
        begin = start + dt.timedelta(days=rng.randint(3, 25) + k * rng.randint(20, 70))
        if offer is not None and begin <= today and (stop is None or begin < stop):
            b.referral(child, package, user, begin, stop if rng.random() < 0.5 else None, network, offer=offer,
                       settle=k == 0)
    if not bridged:
        if package.end_date is None and start < today - dt.timedelta(days=150) and rng.random() < 0.4:
            _plan_bridge(b, child, package, user, network, age)               # the bridge is being planned
        return
    to_job = age >= 13 and rng.random() < 0.7
    kind = "fritidsjob" if to_job else "mentor"
    package.end_date, package.closing_reason = bridge_day, "bridged"
    nxt = Phase(child=child, kind=kind, start_date=bridge_day, goal=GOALS[kind], responsible_user_id=user.id,
                predecessor=package, network_persons=list(network))
    b.rows.append(nxt)
    b.stats["phases"] += 1
    b.stats[f"bridges_to_{kind}"] += 1
    planned = bridge_day - dt.timedelta(days=rng.randint(5, 30))
    if to_job:
        job = b.pick_offer(OfferKind.leisure_job, child, age)
        if job is not None:
            b.referral(child, nxt, user, planned, None, network, offer=job, settle=True)
    else:
        b.referral(child, nxt, user, planned, None, network, mentor=b.pick_mentor(), settle=True)
    if bridge_day < today - dt.timedelta(days=150) and rng.random() < 0.4:
        own = bridge_day + dt.timedelta(days=rng.randint(120, 150))
        if own <= today:
            nxt.end_date, nxt.closing_reason = own, "bridged"
            b.rows.append(Phase(child=child, kind="selvstaendigt", start_date=own, goal=GOALS["selvstaendigt"],
                                responsible_user_id=user.id, predecessor=nxt, network_persons=list(network)))
            b.stats["phases"] += 1


def _plan_bridge(b: _Builder, child: Child, package: Phase, user: User, network: list[NetworkPerson],
                 age: int) -> None:
    """Suggest a leisure job or a mentor shortly before today: a bridge in the making."""
    day = b.today - dt.timedelta(days=b.rng.randint(2, 30))
    job = b.pick_offer(OfferKind.leisure_job, child, age) if age >= 13 else None
    if job is not None:
        b.referral(child, package, user, day, None, network, offer=job)
    else:
        b.referral(child, package, user, day, None, network, mentor=b.pick_mentor())
