"""Review finding 8: a club representative viewing a shared referral is written to the audit log."""

from __future__ import annotations

from sqlalchemy import select

from matcher.privacy.audit import events_for_child
from matcher.privacy.models import AuditEvent


def test_viewing_a_shared_first_name_is_logged_for_the_child(login, kids, db):
    client = login("club_rep")
    page = client.get("/min-forening").get_data(as_text=True)
    assert "Sara" in page  # the shared first name is on the page
    db.rollback()
    seen = [e for e in events_for_child(db, kids.child) if e.actor_email == "club_rep@kk.dk"]
    assert len(seen) == 1 and (seen[0].action, seen[0].actor_role) == ("view", "club_rep")
    # Nothing is logged about a child whose referral was not shared with this club.
    assert not [e for e in events_for_child(db, kids.other_child) if e.actor_email == "club_rep@kk.dk"]


def test_the_childs_access_request_names_the_club_look_up(login, kids, db):
    from matcher.pathways.models import Child
    from matcher.services.subject import export_child

    login("club_rep").get("/min-forening")
    db.rollback()
    log = export_child(db, db.get(Child, kids.child))["access_log"]
    assert any(e["actor"] == "club_rep@kk.dk" and e["action"] == "view" for e in log)
    assert db.scalars(select(AuditEvent).where(AuditEvent.actor_email == "club_rep@kk.dk")).all()
