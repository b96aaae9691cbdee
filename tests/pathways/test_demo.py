"""The demo seed: ~200 pseudonymous children with a year of pathways, and every warning type."""

import datetime as dt
import re
from collections import Counter

from sqlalchemy import func, select

from matcher import seeding
from matcher.accounts.models import User
from matcher.pathways.indicators import compute_indicators
from matcher.pathways.models import Child, Participation, Phase, Referral
from matcher.pathways.warnings import WarningSettings, warnings_for

TODAY = dt.date(2026, 11, 24)


def test_demo_seed(session):
    summary = seeding.seed(session, log=lambda *a: None, today=TODAY)["pathways"]
    session.commit()
    assert summary["children"] == 200
    assert session.scalar(select(func.count(Child.id))) == 200
    codes = session.scalars(select(Child.code)).all()
    assert all(re.fullmatch(r"BU-[A-Z2-9]{5}", c) for c in codes) and len(set(codes)) == 200
    assert session.scalar(select(func.count(func.distinct(Child.district_id)))) == 10
    main = session.scalars(select(User).where(User.email == "kontakt@demo.matcher.dk")).one()
    assert session.scalar(select(func.count(Child.id)).where(Child.contact_person_id == main.id)) == 25
    assert session.scalars(select(User).where(User.email == "kontakt2@demo.matcher.dk")).one().role.value == \
        "contact_person"
    statuses = Counter(session.scalars(select(Referral.status)))
    assert set(statuses) == {"suggested", "contacted", "trial", "active", "ended"}
    assert sum(statuses.values()) == sum(v for k, v in summary.items() if k.startswith("referrals_"))
    kinds = Counter(session.scalars(select(Phase.kind)))
    assert kinds["fritidspakke"] == 200 and kinds["fritidsjob"] > 0 and kinds["mentor"] > 0
    assert session.scalar(select(func.max(Participation.date))) <= TODAY
    assert session.scalar(select(func.count(Participation.id))) == summary["participations"] > 2000

    admin = session.scalars(select(User).where(User.email == "admin@demo.matcher.dk")).one()
    types = Counter(w["type"] for w in warnings_for(session, admin, TODAY, WarningSettings()))
    assert set(types) >= {"no_participation", "missed_in_row", "fritidspakke_no_bridge", "childcert_expiring",
                          "suggested_stale"}
    own = warnings_for(session, main, TODAY, WarningSettings())
    mine = set(session.scalars(select(Child.id).where(Child.contact_person_id == main.id)))
    assert own and {w["child_id"] for w in own} <= mine

    year = compute_indicators(session, "2026Q3", today=TODAY)
    assert year["children_counted"] > 100
    assert 0 < year["in_positive_community"]["share"] < 1
    assert year["bridges"]["count"] > 0 and year["retention_3m"]["eligible"] > 0


def _fingerprint(url):
    from sqlalchemy.orm import Session

    from matcher.db import make_engine
    from matcher.migrate import upgrade

    upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            seeding.seed(session, log=lambda *a: None, today=TODAY)
            session.commit()
            return session.execute(
                select(Child.code, Child.district_id, Referral.status, Referral.suggested_on,
                       func.count(Participation.id))
                .join(Referral, Referral.child_id == Child.id)
                .outerjoin(Participation, Participation.referral_id == Referral.id)
                .group_by(Child.code, Child.district_id, Referral.id, Referral.status, Referral.suggested_on)
                .order_by(Child.code, Referral.suggested_on, Referral.id)).all()
    finally:
        engine.dispose()


def test_demo_seed_is_deterministic(tmp_path):
    first = _fingerprint(f"sqlite:///{tmp_path / 'a.db'}")
    assert len(first) > 30
    assert first == _fingerprint(f"sqlite:///{tmp_path / 'b.db'}")
