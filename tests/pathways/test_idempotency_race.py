"""Two requests racing with one Idempotency-Key store one entry and both get it (PostgreSQL)."""

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matcher.accounts.models import User
from matcher.pathways import operations as ops
from matcher.pathways.models import Participation, Referral


def test_racing_writes_with_one_key_store_one_entry(engine, history):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers with a database lock; the race needs row-level locking")
    referral_id, user_id = history.referrals["R4"].id, history.staff.cp.id
    first = Session(engine)
    second = Session(engine)
    try:
        entry = ops.log_participation(first, first.get(Referral, referral_id), first.get(User, user_id),
                                      date=dt.date(2025, 9, 12), attended=True, idempotency_key="race-1")
        first.flush()  # the first request has inserted but not committed: it holds the key
        result = {}

        def racer():
            try:
                result["entry"] = ops.log_participation(
                    second, second.get(Referral, referral_id), second.get(User, user_id),
                    date=dt.date(2025, 9, 12), attended=True, idempotency_key="race-1")
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
        assert result["entry"].id == entry.id
        count = first.scalar(select(func.count(Participation.id)).where(Participation.idempotency_key == "race-1"))
        assert count == 1
    finally:
        first.close()
        second.close()
