"""Read volunteer mentors from the mentor CSV format, all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.catalogue.districts import district_for_postcode
from matcher.catalogue.errors import ImportFailed, RecordError, bad_characters
from matcher import csvfile
from matcher.catalogue.models import WEEKDAYS, Mentor
from matcher.catalogue.summary import ImportSummary, assign_changed
from matcher.csvfile import unquote_cell

HEADER = ["id", "name", "gender", "postcode", "interests", "languages", "age_min", "age_max",
          "max_children", "current_children", "childcert_valid_until", "weekdays"]
GENDERS = {"female", "male", "other", "unknown", ""}
POSTCODE = re.compile(r"^\d{4}$")


def read_csv(data: bytes | str, source: str = "") -> list[dict[str, str]]:
    """Decode the CSV and check its header; return its rows."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFailed([RecordError("file", "-", "file.not_utf8", detail=str(exc))], source) from None
    reader = csv.DictReader(io.StringIO(data))
    if reader.fieldnames is None:
        raise ImportFailed([RecordError("file", "-", "file.empty")], source)
    header = [h.strip() for h in reader.fieldnames]
    if header != HEADER:
        missing = [h for h in HEADER if h not in header]
        extra = [h for h in header if h not in HEADER]
        raise ImportFailed([RecordError("header", "-", "mentors.header", expected=",".join(HEADER),
                                                      missing=str(missing), extra=str(extra))], source)
    return [{k.strip(): unquote_cell((v or "").strip()) for k, v in row.items() if k is not None} for row in reader]


def _split(value: str) -> list[str]:
    return [p.strip() for p in value.split(";") if p.strip()]


def parse_row(row: dict[str, Any], line: int, errors: list[RecordError]) -> dict[str, Any] | None:
    """Validate one CSV row; append field errors and return None when it is bad."""
    record = f"line {line} id={row.get('id') or '?'}"
    before = len(errors)

    def fail(fieldname: str, code: str, **params: Any) -> None:
        errors.append(RecordError(record, fieldname, code, **params))

    def integer(fieldname: str, low: int, high: int, default: int | None = None) -> int | None:
        raw = row.get(fieldname, "")
        if raw == "":
            return default
        if not raw.isdigit():
            fail(fieldname, "import.whole_number", got=repr(raw))
            return None
        if not low <= int(raw) <= high:
            fail(fieldname, "import.between", low=low, high=high, got=raw)
            return None
        return int(raw)

    if None in row.values() or len(row) != len(HEADER):
        fail("-", "import.columns", count=len(HEADER))
    for key, value in row.items():
        problem = bad_characters(value) if isinstance(value, str) else None
        if problem:
            fail(key, problem.code, **problem.params)
    if not row.get("id"):
        fail("id", "import.required")
    if not row.get("name"):
        fail("name", "import.required")
    elif len(row["name"]) > 120:
        fail("name", "import.longer_than", max=120)
    if row.get("gender", "").lower() not in GENDERS:
        fail("gender", "mentors.gender", got=repr(row["gender"]))
    if row.get("postcode") and not POSTCODE.match(row["postcode"]):
        fail("postcode", "import.postcode", got=repr(row["postcode"]))
    age_min, age_max = integer("age_min", 0, 25), integer("age_max", 0, 25)
    if age_min is not None and age_max is not None and age_min > age_max:
        fail("age_min", "mentors.age_order", min=age_min, max=age_max)
    max_children = integer("max_children", 1, 20, default=1)
    current = integer("current_children", 0, 20, default=0)
    cert = None
    if row.get("childcert_valid_until"):
        try:
            cert = dt.date.fromisoformat(row["childcert_valid_until"])
        except ValueError:
            fail("childcert_valid_until", "import.date", got=repr(row["childcert_valid_until"]))
    weekdays = [d.lower() for d in _split(row.get("weekdays", ""))]
    bad_days = [d for d in weekdays if d not in WEEKDAYS]
    if bad_days:
        fail("weekdays", "mentors.weekdays", days=str(bad_days))
    if len(errors) > before:
        return None
    return dict(external_id=row["id"], name=row["name"], gender=row.get("gender", "").lower() or None,
                postcode=row.get("postcode") or None, interests=_split(row.get("interests", "")),
                languages=_split(row.get("languages", "")), age_min=age_min, age_max=age_max,
                max_children=max_children, current_children=current, childcert_valid_until=cert,
                weekdays=[d for d in WEEKDAYS if d in weekdays])


def import_mentors(session: Session, data: bytes | str, *, source: str = "",
                   progress: Callable[[int, int], None] | None = None) -> ImportSummary:
    """Validate every row, then create or update mentors by their id; flush only."""
    rows = read_csv(data, source)
    errors: list[RecordError] = []
    parsed: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        values = parse_row(row, line, errors)
        if values is None:
            continue
        if values["external_id"] in seen:
            errors.append(RecordError(f"line {line} id={values['external_id']}", "id",
                                      "import.duplicate_line", line=seen[values["external_id"]]))
            continue
        seen[values["external_id"]] = line
        parsed.append(values)
    if errors:
        raise ImportFailed(errors, source)
    summary = ImportSummary()
    existing = {m.external_id: m for m in session.scalars(select(Mentor).where(Mentor.external_id.in_(list(seen))))}
    districts: dict[str, Any] = {}
    for n, values in enumerate(parsed, 1):
        pc = values["postcode"]
        if pc and pc not in districts:
            districts[pc] = district_for_postcode(session, pc)
        values["district_id"] = districts[pc].id if pc and districts[pc] else None
        mentor = existing.get(values["external_id"])
        if mentor is None:
            session.add(Mentor(**values))
            summary.count("created")
        else:
            summary.count("updated" if assign_changed(mentor, values) else "unchanged")
        if progress:
            progress(n, len(parsed))
    session.flush()
    return summary


def export_mentors(session: Session) -> str:
    """Return every mentor in the mentor CSV format."""
    out = io.StringIO()
    writer = csvfile.writer(out)
    writer.writerow(HEADER)
    for m in session.scalars(select(Mentor).order_by(Mentor.id)):
        writer.writerow([m.external_id or f"mentor-{m.id}", m.name, m.gender or "", m.postcode or "",
                         ";".join(m.interests), ";".join(m.languages),
                         "" if m.age_min is None else m.age_min, "" if m.age_max is None else m.age_max,
                         m.max_children, m.current_children,
                         m.childcert_valid_until.isoformat() if m.childcert_valid_until else "",
                         ";".join(m.weekdays)])
    return out.getvalue()
