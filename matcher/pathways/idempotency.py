"""One idempotency mechanism for every unsafe write, web form and API alike: keyed per user and key.

The first request with a key stores its successful answer; a retry with the same key, method, path and
body gets that answer again and changes nothing; the same key with another request is refused with
:class:`KeyReused` (the API answers 422 naming ``Idempotency-Key``). Keys are per user, so another
user's key is simply a different key: nothing tells a caller that it exists.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matcher.accounts.models import User
from matcher.catalogue.errors import RecordError
from matcher.pathways.models import Child, IdempotentRequest


class KeyReused(RecordError):
    """An idempotency key the user already sent with another request (other path or body)."""

    def __init__(self, code: str):
        super().__init__("forespørgsel", "idempotency_key", code)


def request_digest(body: Any) -> str:
    """Return the SHA-256 of ``body`` as canonical JSON, so key order and spacing do not matter."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def claim_key(session: Session, user: User, key: str, *, method: str, path: str, body: Any,
              child: Child | None = None) -> IdempotentRequest:
    """Insert the user's key before the change; if the key was used, return that request with its answer.

    Call it first in the request's transaction and check ``answered`` on the result: a new row is not
    answered yet (do the change, then :func:`remember_answer`); an earlier row carries the first answer to
    send again. On PostgreSQL a concurrent request with the same key waits on the unique (user, key) index
    until the first one commits, then reads its answer here. Raises :class:`KeyReused` when the key came
    with another method, path or body, or (which only a missing :func:`remember_answer` can cause) without
    a stored answer.

    Only successful answers are stored. An error answer rolls back the whole transaction, this row included,
    so a corrected retry with the same key is carried out instead of getting the error again; nothing was
    changed by the failed attempt, so nothing can happen twice.
    """
    digest = request_digest(body)
    row = IdempotentRequest(user_id=user.id, key=key, method=method, path=path, body_sha256=digest,
                            child_id=child.id if child is not None else None)
    try:
        with session.begin_nested():  # the savepoint keeps the session usable when the key is taken
            session.add(row)
            session.flush()
        return row
    except IntegrityError:
        earlier = session.scalars(select(IdempotentRequest).where(
            IdempotentRequest.user_id == user.id, IdempotentRequest.key == key)).first()
        if earlier is None:
            raise
    if (earlier.method, earlier.path, earlier.body_sha256) != (method, path, digest):
        raise KeyReused("idempotency.reused")
    if not earlier.answered:
        raise KeyReused("idempotency.unanswered")
    return earlier


def remember_answer(session: Session, claim: IdempotentRequest, status: int, body: dict[str, Any]) -> None:
    """Store the successful answer on the claimed key, for a retry to get it again."""
    claim.response_status, claim.response_body = status, body
    session.flush()


def once(session: Session, user: User, key: str | None, *, method: str, path: str, body: Any,
         child: Child | None, act: Callable[[], tuple[int, dict[str, Any]]]) -> tuple[int, dict[str, Any], bool]:
    """Run ``act`` once per user and key; return its (status, answer) and whether it is a stored repeat.

    Without a key ``act`` simply runs. With one, the key is claimed first (see :func:`claim_key`), and the
    answer ``act`` returns is stored for a retry; a retry gets the stored answer and ``act`` does not run.
    """
    if key is None:
        status, answer = act()
        return status, answer, False
    claim = claim_key(session, user, key, method=method, path=path, body=body, child=child)
    if claim.answered:
        return claim.response_status, claim.response_body, True
    status, answer = act()
    remember_answer(session, claim, status, answer)
    return status, answer, False
