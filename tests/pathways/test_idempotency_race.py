"""Two requests racing with one Idempotency-Key store one entry and both get it (PostgreSQL)."""

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matcher.accounts.models import User
from matcher.pathways import operations as ops
from matcher.pathways.idempotency import once
from matcher.pathways.models import Participation, Referral

BODY = {"attended": True, "date": "2025-09-12"}


def log_once(session: Session, referral_id: int, user_id: int):
    """Log the session the way a request does: through the one idempotency mechanism."""
    referral, user = session.get(Referral, referral_id), session.get(User, user_id)

    def act():
        entry = ops.log_participation(session, referral, user, date=dt.date(2025, 9, 12), attended=True)
        return 201, {"id": entry.id}

    return once(session, user, "race-1", method="POST", path="/api/v1/children/1/participation", body=BODY,
                child=referral.child, act=act)


def test_racing_writes_with_one_key_store_one_entry(engine, history):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers with a database lock; the race needs row-level locking")
    referral_id, user_id = history.referrals["R4"].id, history.staff.cp.id
    first = Session(engine)
    second = Session(engine)
    try:
        before = first.scalar(select(func.count(Participation.id)))
        first.rollback()
        status, answer, repeat = log_once(first, referral_id, user_id)
        first.flush()  # the first request has inserted but not committed: it holds the key
        result = {}

        def racer():
            try:
                result["answer"] = log_once(second, referral_id, user_id)
                second.commit()
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                result["error"] = exc

        thread = threading.Thread(target=racer)
        thread.start()
        thread.join(timeout=1.5)
        assert thread.is_alive(), "the second write should wait for the first one's key"
        first.commit()
        thread.join(timeout=20)
        assert "error" not in result, result.get("error")
        assert (status, repeat) == (201, False)
        assert result["answer"] == (201, answer, True)
        assert first.scalar(select(func.count(Participation.id))) == before + 1
    finally:
        first.close()
        second.close()
