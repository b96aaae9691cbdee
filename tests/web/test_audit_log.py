"""Administrators read and export the audit log; every export is itself on record."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from matcher.privacy.audit import record
from matcher.privacy.models import AuditEvent


def test_admin_reads_the_log_filtered_by_child_and_action(app, client, login, kids, db):
    login("contact_person")
    client.get(f"/boern/{kids.child}")
    client.post("/logout")
    login("admin")
    page = client.get(f"/admin/revisionslog?child={kids.child}&action=view").get_data(as_text=True)
    by_code = client.get("/admin/revisionslog?child=bu-own1&action=view").get_data(as_text=True)
    for shown in (page, by_code):
        assert "contact_person@kk.dk" in shown and "1 hændelser" in shown and "barn BU-OWN1" in shown
    unknown = client.get("/admin/revisionslog?child=BU-NOPE9")
    assert unknown.status_code == 200 and "0 hændelser" in unknown.get_data(as_text=True)
    assert "intet barn har koden BU-NOPE9".capitalize()[:5] in unknown.get_data(as_text=True)
    everything = client.get("/admin/revisionslog").get_data(as_text=True)
    assert "Loggede ind" in everything and "Loggede ud" in everything
    assert "contact_person@kk.dk" not in client.get(
        "/admin/revisionslog?actor=admin@").get_data(as_text=True).split("<tbody>")[1]


def test_bad_filters_are_named(client, login):
    login("admin")
    for query, field in (("from=igaar", "from"), ("action=slet-alt", "action"), ("child=BU%201%21", "child"),
                         ("from=2026-05-02&to=2026-05-01", "to")):
        r = client.get(f"/admin/revisionslog?{query}")
        assert r.status_code == 400 and f'id="f-{field}-fejl"' in r.get_data(as_text=True), query
    assert client.get("/admin/revisionslog.csv?from=igaar").status_code == 400


def test_the_csv_export_is_logged_and_defuses_formulas(app, client, login, db):
    record(db, None, "view", "child", 1, child_id=1, purpose="=HYPERLINK(\"http://evil\")")
    db.commit()
    login("admin")
    r = client.get("/admin/revisionslog.csv?action=view")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [row["purpose"] for row in rows] == ["'=HYPERLINK(\"http://evil\")"]
    with app.extensions["matcher.sessions"]() as session:
        export = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "audit_log")).one()
    assert export.action == "export" and export.actor_email == "admin@kk.dk" and export.purpose == "action=view"


def test_the_log_pages_through_many_events(client, login, db):
    for i in range(205):
        record(db, None, "view", "child", i, child_id=424242)
    db.commit()
    login("admin")
    first = client.get("/admin/revisionslog?child=424242").get_data(as_text=True)
    assert "205 hændelser · side 1 af 3" in first and "page=2" in first
    last = client.get("/admin/revisionslog?child=424242&page=3").get_data(as_text=True)
    assert last.count("<td data-label=\"Hvad\">barn ") == 5 and "Forrige side" in last and "Næste side" not in last
