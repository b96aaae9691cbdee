"""The interest taxonomy: Danish names, groups and synonyms, as editable data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from matcher.catalogue.errors import ImportFailed, RecordError, json_record_error
from matcher.catalogue.models import InterestTerm
from matcher.catalogue.summary import ImportSummary, assign_changed
from matcher.jsonio import JSONInputError, loads
from matcher.matching.types import InterestTerm as MatchTerm


def parse_terms(data: Any, source: str = "") -> list[dict[str, Any]]:
    """Validate a list of ``{code, name, group, synonyms}`` objects."""
    if not isinstance(data, list):
        raise ImportFailed([RecordError("document", "-", "expected a list of interest terms")], source)
    errors, out, seen = [], [], set()
    for i, item in enumerate(data):
        record = f"term[{i}]"
        if not isinstance(item, dict):
            errors.append(RecordError(record, "-", "must be an object"))
            continue
        code, name = item.get("code"), item.get("name")
        if not isinstance(code, str) or not code.strip():
            errors.append(RecordError(record, "code", "is required"))
            continue
        record = f"term[{i}] code={code}"
        if code in seen:
            errors.append(RecordError(record, "code", "appears twice"))
        if not isinstance(name, str) or not name.strip():
            errors.append(RecordError(record, "name", "is required"))
        synonyms = item.get("synonyms", [])
        if not isinstance(synonyms, list) or not all(isinstance(s, str) for s in synonyms):
            errors.append(RecordError(record, "synonyms", "must be a list of text"))
            continue
        seen.add(code)
        out.append({"code": code.strip(), "name": (name or "").strip(), "group": item.get("group"),
                    "synonyms": [s.strip() for s in synonyms if s.strip()]})
    if errors:
        raise ImportFailed(errors, source)
    return out


def load_terms(session: Session, terms: list[dict[str, Any]]) -> ImportSummary:
    """Create or update interest terms by code; flush only."""
    summary = ImportSummary()
    existing = {t.code: t for t in session.scalars(select(InterestTerm))}
    for values in terms:
        term = existing.get(values["code"])
        if term is None:
            session.add(InterestTerm(**values, needs_mapping=False))
            summary.count("created")
            continue
        summary.count("updated" if assign_changed(term, values) else "unchanged")
    session.flush()
    return summary


def load_terms_file(session: Session, path: Path) -> ImportSummary:
    """Load the taxonomy from a JSON file."""
    try:
        data = loads(path.read_bytes())
    except JSONInputError as exc:
        raise ImportFailed([json_record_error(exc, "term")], str(path)) from None
    return load_terms(session, parse_terms(data, str(path)))


def match_terms(session: Session) -> tuple[list[MatchTerm], dict[str, set[str]]]:
    """Return the taxonomy as plain terms for matching, and per code the codes that count as it.

    A term an administrator mapped onto another is not a term of its own: its code, name and
    synonyms become synonyms of the term its mapping ends at (a term mapped onto a mapped term
    follows that one's mapping too), and offers tagged with it match as that term.
    """
    rows = session.scalars(select(InterestTerm).options(selectinload(InterestTerm.mapped_to))).all()
    known = {r.code: r for r in rows if r.mapped_to is None}
    synonyms = {code: list(r.synonyms or []) for code, r in known.items()}
    aliases = {code: {code} for code in known}
    for r in rows:
        target = _mapping_end(r)
        if target is not None and target.code in known:
            synonyms[target.code] += [r.name, r.code, *(r.synonyms or [])]
            aliases[target.code].add(r.code)
    terms = [MatchTerm(code=code, name=r.name, synonyms=tuple(synonyms[code]), group=r.group)
             for code, r in known.items()]
    return terms, aliases


def mapped_codes(aliases: dict[str, set[str]]) -> dict[str, str]:
    """Return, for each mapped code in ``aliases`` (from ``match_terms``), the code it matches as."""
    return {code: target for target, codes in aliases.items() for code in codes if code != target}


def _mapping_end(term: InterestTerm) -> InterestTerm | None:
    """Return the unmapped term a mapped term's chain of mappings ends at (None when unmapped or a cycle)."""
    seen = {term.id}
    target = term.mapped_to
    while target is not None and target.mapped_to is not None:
        if target.id in seen:
            return None
        seen.add(target.id)
        target = target.mapped_to
    return target


def map_term(session: Session, term: InterestTerm, target: InterestTerm) -> None:
    """Map an imported term onto a known one; offers keep both and match as the target."""
    if term.id == target.id:
        raise RecordError(f"term {term.code}", "mapped_to", "cannot map a term onto itself")
    term.mapped_to = target
    term.needs_mapping = False
    session.flush()
