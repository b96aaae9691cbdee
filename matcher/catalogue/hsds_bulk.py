"""Write validated HSDS services in bulk: COPY on PostgreSQL, executemany on SQLite, no ORM objects.

Services arrive in chunks. Per chunk one query finds the offers (and organisations) that exist;
a stored ``import_digest`` equal to the incoming one means the record did not change since it
was imported and nothing is written. Other writes to a row clear its digest
(``matcher.catalogue.revision``); a row whose digest differs is compared field by field, so a
record that only changed its formatting counts as unchanged (and gets the new digest). Every written row is
stamped with the transaction's catalogue revision, so indexes update by the changed rows.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from decimal import Decimal
from json.encoder import encode_basestring_ascii
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import Date, DateTime, Numeric, Time, bindparam, delete, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeDecorator
from sqlalchemy.orm import Session

from matcher.catalogue import hsds_profile as P
from matcher.catalogue.districts import district_at, district_for_postcode
from matcher.catalogue.hsds_parse import ParsedService
from matcher.catalogue.org_identity import OrganisationIdentity, OrgRef
from matcher.catalogue.models import District, InterestTerm, Offer, OfferSchedule, Organisation, offer_interests
from matcher.catalogue.revision import bump
from matcher.catalogue.summary import ImportSummary
from matcher.db import utcnow

#: Part of every digest: bump it when the mapping from HSDS to rows changes, so re-imports rewrite rows.
PROFILE = "hsds-dk-1"
OFFER_FIELDS = ("organisation_id", "kind", "title", "description", "age_min", "age_max", "gender",
                "monthly_fee_dkk", "fee_support", "capacity", "spots_free", "languages", "status", "verified_at",
                "place_name", "address", "postcode", "city", "lat", "lon", "district_id", "other_attributes",
                "hsds_source")
ORG_FIELDS = ("name", "description", "email", "website", "phone", "kind", "vulnerable_experience",
              "childcert_policy", "hsds_source", "address", "postcode", "city", "lat", "lon", "district_id")
JSON_FIELDS = {"languages", "other_attributes", "hsds_source"}
SCHEDULE_FIELDS = ("offer_id", "external_id", "weekdays", "opens_at", "closes_at", "description")
#: What an offer keeps of the record it was imported from (``Prepared.imported``).
IMPORT_COLUMNS = ("import_digest", "import_organisation", "import_organisation_digest")
#: The columns of a new offer's and a new organisation's row, in the order the writer builds them.
OFFER_COLUMNS = (*OFFER_FIELDS, "id", "external_id", "light_work", "serves_alcohol", "version", "created_at",
                 "updated_at", "changed_rev", *IMPORT_COLUMNS)
ORG_COLUMNS = (*ORG_FIELDS, "id", "external_id", "created_at", "updated_at", "changed_rev", "import_digest")
# The writer sets an offer's organisation_id (the first of OFFER_FIELDS) and district_id, and an
# organisation's district_id (the last of ORG_FIELDS); ``prepare`` leaves them None.
_DISTRICT = OFFER_FIELDS.index("district_id")
_ENUMS = {"kind", "gender", "status"}
#: SQLite page cache of the importing connection (negative: KiB), so index pages stay in memory at 1,000,000 rows.
SQLITE_CACHE_KIB = -262_144


#: One encoder for every value (``json.dumps`` with options builds a new encoder per call).
_ENCODE = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode


def to_json(value: Any) -> str:
    """Return ``value`` as compact JSON text; raise ValueError for numbers JSON cannot hold."""
    return _ENCODE(value)


def json_texts(texts: list[str]) -> str:
    """Return ``to_json(texts)`` for a list of strings, without building an encoder per call."""
    return "[" + ",".join(map(encode_basestring_ascii, texts)) + "]"


def digest(*parts: str | bytes) -> str:
    """Return the 32-character digest of ``parts`` (a text and its UTF-8 bytes give the same digest)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


class PreparedOrganisation(NamedTuple):
    """What the first written service of an organisation in an import says about it."""

    name: str
    identifiers: list[tuple[str, str]]
    values: tuple  # ORG_FIELDS, district_id None (the writer finds it)


class Prepared(NamedTuple):
    """One valid service as plain values, ready for the writer (``prepare``); cheap to hand to another process."""

    index: int
    external_id: str
    org_ext: str
    org: PreparedOrganisation | None  # set on the first service of its organisation that this import writes
    offer: tuple  # OFFER_FIELDS, organisation_id and district_id None (the writer finds them)
    district: str | None  # the district its coordinates lie in (``district_at``)
    postcode: str | None  # what the district is found by when it has no coordinates
    terms: tuple[tuple[str, str], ...]  # interest terms (code, name)
    schedules: list[tuple]
    key: str  # digest of the record's source
    org_digest: str  # digest of its organisation's content (``hsds_hygiene.organisation_digest``)
    warnings: list[str]

    @property
    def imported(self) -> tuple[str, str, str]:
        """The offer's ``IMPORT_COLUMNS``: the record's digest, and its organisation's id and digest in the file."""
        return self.key, self.org_ext, self.org_digest


def prepare(index: int, s: ParsedService, source_json: str, strict: bool, organisation: bool,
            org_digest: str) -> Prepared:
    """Turn a parsed service into the writer's plain values (no database needed); ``organisation``: include its organisation's."""
    place = s.place
    get = place.get
    if "lat" in place:
        district, postcode = district_at(place["lat"], place["lon"]), None
    else:
        district, postcode = None, get("postcode") or None
    org = None
    if organisation:
        p = s.organisation
        kind = s.organisation_kind or P.default_organisation_kind(s.kind)
        org = PreparedOrganisation(p.name, p.identifiers, (
            p.name, p.description, p.email, p.website, p.phone, kind.value, s.vulnerable_experience,
            s.childcert_policy, to_json(p.source), get("address"), get("postcode"), get("city"), get("lat"),
            get("lon"), None))
    languages = s.languages
    offer = (None, s.kind.value, s.title, s.description, s.age_min, s.age_max, s.gender.value if s.gender else None,
             s.fee, s.fee_support, s.capacity, s.spots_free,
             _DANISH if languages == ["da"] else to_json(languages), s.status.value, s.verified_at,
             get("name"), get("address"), get("postcode"), get("city"), get("lat"), get("lon"), None,
             to_json(s.other_attributes) if s.other_attributes else "[]", source_json)
    schedules = [(d["external_id"], json_texts(d["weekdays"]), d["opens_at"], d["closes_at"], d["description"])
                 for d in s.schedules]  # weekdays: a list of names
    return Prepared(index, s.external_id, s.organisation.external_id, org, offer, district, postcode,
                    tuple([(t.code, t.name) for t in s.interests]), schedules,
                    digest(PROFILE, "strict" if strict else "lenient", source_json), org_digest, s.warnings)


_DANISH = to_json(["da"])


class Unchanged(NamedTuple):
    """An offer imported from exactly the bytes of a record: what the import needs of it without decoding."""

    external_id: str
    organisation_id: int  # its organisation's row
    organisation: str  # the organisation id in the file
    organisation_digest: str  # that organisation's content digest in the file


def unchanged_records(conn: Connection, strict: bool, texts: list[bytes]) -> list[Unchanged | None]:
    """For each record's JSON text as in the file, the offer imported from exactly that text, or None.

    One query per call (the records of a chunk read), by the indexed digest: nothing is decoded.
    """
    if not texts:
        return []
    mode = "strict" if strict else "lenient"
    keys = [digest(PROFILE, mode, text) for text in texts]  # as ``prepare`` digests the text when it stores it
    wanted = list(set(keys))
    stored: dict[str, Unchanged] = {}
    cur = conn.connection.driver_connection.cursor()  # no statement to compile
    try:
        for start in range(0, len(wanted), LOOKUP_BATCH):  # a chunk read may hold any number of tiny records
            some = wanted[start:start + LOOKUP_BATCH]
            if conn.dialect.name == "postgresql":
                cur.execute(_UNCHANGED.format("= ANY(%s)"), (some,))
            else:
                cur.execute(_UNCHANGED.format(f"IN ({', '.join('?' * len(some))})"), some)
            stored.update((r[0], Unchanged(*r[1:])) for r in cur.fetchall())
    finally:
        cur.close()
    return [stored.get(key) for key in keys]


#: Digests looked up per query (SQLite allows 32,766 parameters).
LOOKUP_BATCH = 2000

_UNCHANGED = ("SELECT import_digest, external_id, organisation_id, import_organisation, import_organisation_digest "
              "FROM offers WHERE import_organisation IS NOT NULL AND import_digest {}")


class BulkWriter:
    """Creates, updates or skips the offers and organisations of parsed services, a chunk at a time."""

    def __init__(self, session: Session, summary: ImportSummary, strict: bool):
        session.flush()
        self.session = session
        self.summary = summary
        self.strict = "strict" if strict else "lenient"
        self.conn = session.connection()
        self.dialect = self.conn.dialect.name
        self.terms = dict(self.conn.execute(select(InterestTerm.code, InterestTerm.id)).all())
        self.districts = dict(self.conn.execute(select(District.name, District.id)).all())
        self.postcode_district: dict[str, int | None] = {}
        self.orgs: dict[str, int] = {}  # organisations already written (or kept, or joined) by this import
        self.identity = OrganisationIdentity(session)
        self.rev: int | None = None
        self.wrote = False
        self._next_id: dict[str, int] = {}
        # Organisations of services kept unchanged without parsing: external id -> (first record index, row id).
        self.kept_orgs: dict[str, tuple[int, int]] = {}
        self.lock = threading.Lock()  # one user of the connection at a time: the writing thread or a look-up
        self.imported_before = self.conn.execute(  # any offer imported by an earlier import (``unchanged``)
            select(Offer.id).where(Offer.import_digest.is_not(None), Offer.import_organisation.is_not(None))
            .limit(1)).first() is not None
        self._cache_size: int | None = None
        if self.dialect == "sqlite":  # the import's own connection keeps the indexes it extends in memory
            driver = self.conn.connection.driver_connection
            self._cache_size = driver.execute("PRAGMA cache_size").fetchone()[0]
            driver.execute(f"PRAGMA cache_size={SQLITE_CACHE_KIB}")

    # ------------------------------------------------------------------ values
    def district_id(self, p: Prepared) -> int | None:
        """Return the district of a service's place: by its coordinates when it has them, else by postcode."""
        if p.district is not None:
            return self.districts.get(p.district)
        postcode = p.postcode
        if not postcode:
            return None
        if postcode not in self.postcode_district:
            found = district_for_postcode(self.session, postcode)
            self.postcode_district[postcode] = found.id if found else None
        return self.postcode_district[postcode]

    def term_ids(self, terms: tuple[tuple[str, str], ...], record: str) -> list[int]:
        """Return the ids of a service's interest terms (code, name), creating (and flagging) terms not seen before."""
        ids = []
        for code, name in terms:
            term_id = self.terms.get(code)
            if term_id is None:
                term = InterestTerm(code=code, name=name, synonyms=[], needs_mapping=True)
                self.session.add(term)
                self.session.flush()  # the revision hook marks a taxonomy change: indexes rebuild
                term_id = self.terms[code] = term.id
                self.summary.flag(f"{record}: new interest term {code!r} ({name}) needs mapping")
            ids.append(term_id)
        return sorted(set(ids))

    # ------------------------------------------------------------------ unchanged records
    def unchanged(self, texts: list[bytes]) -> list[Unchanged | None]:
        """For each record's JSON text as in the file, the offer imported from exactly that text, or None.

        Nothing is looked up (or digested) while no offer of the catalogue was imported before this
        import began, as in a first import: a record this import writes twice is still named, by its id.
        """
        if not self.imported_before:
            return [None] * len(texts)
        with self.lock:
            return unchanged_records(self.conn, self.strict == "strict", texts)

    def apply(self, ops: list[tuple[str, Any]]) -> None:
        """Apply ("keep", ``keep``'s arguments) and ("write", a chunk) in order (the import's writing thread)."""
        with self.lock:
            for kind, arg in ops:
                if kind == "keep":
                    self.keep(*arg)
                else:
                    self.write(arg)

    def keep(self, index: int, organisation: str, organisation_id: int) -> None:
        """Count a service kept as it is; its organisation stays as stored unless an earlier service sets it."""
        self.summary.count("unchanged")
        if organisation not in self.orgs and organisation not in self.kept_orgs:
            self.kept_orgs[organisation] = (index, organisation_id)

    # ------------------------------------------------------------------ writing
    def write(self, chunk: Sequence[Prepared]) -> None:
        """Create, update or skip the services of ``chunk`` (``prepare``'s rows, in file order)."""
        org_ids = self._organisations(chunk)
        existing = self._existing(Offer, [p.external_id for p in chunk])
        new_rows, changed = [], []
        for p in chunk:
            record = f"service[{p.index}] id={p.external_id}"
            for w in p.warnings:
                self.summary.flag(f"{record}: {w}")
            org_id, district = org_ids[p.org_ext], self.district_id(p)
            terms = self.term_ids(p.terms, record)
            found = existing.get(p.external_id)
            if found is None:
                new_rows.append((p, org_id, district, terms))
                self.summary.count("created")
            elif found[1] == p.key:
                self.summary.count("unchanged")
            else:
                values = dict(zip(OFFER_FIELDS, p.offer))
                values["organisation_id"], values["district_id"] = org_id, district
                key = dict(zip(IMPORT_COLUMNS, p.imported))
                changed.append((found[0], found[1], values, terms, p.schedules, key))
        if new_rows:
            self._create_offers(new_rows)
        if changed:
            self._update_offers(changed)

    def finish(self) -> None:
        """Make the session forget ORM objects the bulk writes may have made stale."""
        if self.wrote:
            self.session.expire_all()

    def close(self) -> None:
        """Give the connection back its own page cache size (called whether the import succeeded or not)."""
        if self._cache_size is not None:
            self.conn.connection.driver_connection.execute(f"PRAGMA cache_size={int(self._cache_size)}")
            self._cache_size = None

    def _revision(self) -> int:
        if self.rev is None:
            self.rev = bump(self.session)
            self.wrote = True
        return self.rev

    def _existing(self, model, external_ids: list[str]) -> dict[str, tuple[int, str | None]]:
        rows = self.conn.execute(select(model.external_id, model.id, model.import_digest)
                                 .where(model.external_id.in_(external_ids))).all()
        return {r[0]: (r[1], r[2]) for r in rows}

    def _organisations(self, chunk: Sequence[Prepared]) -> dict[str, int]:
        first: dict[str, Prepared] = {}
        for s in chunk:
            ext = s.org_ext
            kept = self.kept_orgs.get(ext)
            if kept is not None and ext not in self.orgs and kept[0] < s.index:
                self.orgs[ext] = kept[1]  # its first service in this import was kept unchanged: so is it
            if ext not in self.orgs and ext not in first:
                if s.org is None:
                    raise ValueError(f"service[{s.index}]: the first written service of {ext} lacks its values")
                first[ext] = s  # the first service of an organisation in an import sets it
        if first:
            existing = self._existing(Organisation, list(first))
            new_rows, changed, known = [], [], []
            fresh: dict[tuple[str, str], tuple[str, str]] = {}  # identifiers of organisations new in this chunk
            joins: list[tuple[str, Any, tuple[str, str]]] = []
            for ext, s in first.items():
                p = s.org
                found = existing.get(ext)
                if found is None and (twin := self.identity.find(p.identifiers)) is not None:
                    # Another directory's copy of a club the catalogue has: join it; its own source owns its details.
                    self.orgs[ext] = twin.id
                    self.summary.flag(f"organisation {ext} ({p.name}) is {twin.external_id or twin.id} "
                                      f"({twin.name}) by {', '.join(' '.join(i) for i in p.identifiers)}: merged")
                    continue
                if found is None and (target := next((fresh[i] for i in p.identifiers if i in fresh), None)):
                    joins.append((ext, p, target))  # the twin is created by this chunk
                    continue
                values = (*p.values[:-1], self.district_id(s))  # ORG_FIELDS, district_id last
                key = digest(PROFILE, self.strict, json_texts([str(v) for v in values]))
                if found is None:
                    new_rows.append((ext, values, key))
                    for pair in p.identifiers:
                        fresh.setdefault(pair, (ext, p.name))
                    continue
                self.orgs[ext] = found[0]
                known.append((found[0], ext, p))
                if found[1] != key:
                    changed.append((found[0], found[1], dict(zip(ORG_FIELDS, values)), key))
            for org_id, ext, p in known:
                self.identity.remember(OrgRef(org_id, ext, p.name), p.identifiers, self.summary,
                                       f"organisation {ext}")
            if new_rows:
                ids = self._ids(Organisation, len(new_rows))
                now, rev = utcnow(), self._revision()
                rows = []
                for new_id, (ext, values, key) in zip(ids, new_rows, strict=True):
                    self.orgs[ext] = new_id
                    rows.append((*values, new_id, ext, now, now, rev, key))
                self._insert_rows(Organisation.__table__, ORG_COLUMNS, rows)
                for new_id, (ext, values, key) in zip(ids, new_rows, strict=True):
                    s = first[ext]
                    self.identity.remember(OrgRef(new_id, ext, s.org.name), s.org.identifiers,
                                           self.summary, f"organisation {ext}")
            for ext, p, (target, target_name) in joins:
                self.orgs[ext] = self.orgs[target]
                self.summary.flag(f"organisation {ext} ({p.name}) is {target} ({target_name}) "
                                  f"by {', '.join(' '.join(i) for i in p.identifiers)}: merged")
            if changed:
                self._update_changed(Organisation, changed, ORG_FIELDS)
            self.identity.flush()
        return self.orgs

    def _create_offers(self, new_rows: list[tuple[Prepared, int, int | None, list[int]]]) -> None:
        """Insert new offers (prepared service, organisation id, district id, interest term ids) with their links."""
        ids = self._ids(Offer, len(new_rows))
        now, rev = utcnow(), self._revision()
        offers, links, schedules = [], [], []
        for new_id, (p, org_id, district, terms) in zip(ids, new_rows, strict=True):
            offer = p.offer  # OFFER_FIELDS: organisation_id first, district_id to be set
            offers.append((org_id, *offer[1:_DISTRICT], district, *offer[_DISTRICT + 1:],
                           new_id, p.external_id, True, False, 1, now, now, rev, *p.imported))
            links += [(new_id, t) for t in terms]
            schedules += [(new_id, *row) for row in p.schedules]
        self._insert_rows(Offer.__table__, OFFER_COLUMNS, offers)
        self._insert_rows(offer_interests, ("offer_id", "term_id"), links)
        self._insert_rows(OfferSchedule.__table__, SCHEDULE_FIELDS, schedules)

    def _update_offers(self, changed: list) -> None:
        """Rewrite offers whose digest differs; a row without a digest is first compared field by field."""
        unknown = [c[0] for c in changed]  # a new digest may be the same record written differently
        stored = self._stored(Offer, unknown, OFFER_FIELDS)
        links = self._stored_links(unknown)
        scheds = self._stored_schedules(unknown)
        rows, keys_only, relinks = [], [], []
        for offer_id, old_key, values, terms, sched, key in changed:
            if stored.get(offer_id) == _comparable(values, OFFER_FIELDS) \
                    and links.get(offer_id, []) == terms and scheds.get(offer_id, []) == _schedule_keys(sched):
                keys_only.append(dict(b_id=offer_id, **key))
                self.summary.count("unchanged")
                continue
            self.summary.count("updated")
            rows.append(dict(values, b_id=offer_id, **key))
            relinks.append((offer_id, terms, sched))
        self._set_keys(Offer.__table__, keys_only)
        if not rows:
            return
        self._update_rows(Offer, rows, OFFER_FIELDS, versioned=True)
        touched = [r[0] for r in relinks]
        self.conn.execute(delete(offer_interests).where(offer_interests.c.offer_id.in_(touched)))
        self.conn.execute(delete(OfferSchedule.__table__).where(OfferSchedule.__table__.c.offer_id.in_(touched)))
        self._insert(offer_interests, [dict(offer_id=o, term_id=t) for o, terms, _ in relinks for t in terms])
        self._insert(OfferSchedule.__table__, [dict(zip(SCHEDULE_FIELDS, (o, *row)))
                                               for o, _, sched in relinks for row in sched])

    def _update_changed(self, model, changed: list, fields: tuple[str, ...]) -> None:
        unknown = [c[0] for c in changed]
        stored = self._stored(model, unknown, fields)
        rows, keys_only = [], []
        for row_id, old_key, values, key in changed:
            if stored.get(row_id) == _comparable(values, fields):
                keys_only.append(dict(b_id=row_id, import_digest=key))
            else:
                rows.append(dict(values, b_id=row_id, import_digest=key))
        self._set_keys(model.__table__, keys_only)
        if rows:
            self._update_rows(model, rows, fields, versioned=False)

    def _update_rows(self, model, rows: list[dict], fields: tuple[str, ...], versioned: bool) -> None:
        table = model.__table__
        now, rev = utcnow(), self._revision()
        extra: dict[str, Any] = dict(updated_at=now, changed_rev=rev)
        if versioned:
            extra["version"] = table.c.version + 1
        values = {f: _bind(f) for f in rows[0] if f != "b_id"}  # the fields and the import columns
        params = [{k: (json.loads(v) if k in JSON_FIELDS and v is not None else v) for k, v in r.items()}
                  for r in rows]
        self.conn.execute(update(table).where(table.c.id == _bind("b_id")).values(**values, **extra), params)

    def _set_keys(self, table, rows: list[dict]) -> None:
        """Store the import columns of rows whose fields are unchanged (``b_id``: the row)."""
        if rows:
            self.conn.execute(update(table).where(table.c.id == _bind("b_id"))
                              .values({c: _bind(c) for c in rows[0] if c != "b_id"}), rows)

    def _stored(self, model, ids: list[int], fields: tuple[str, ...]) -> dict[int, tuple]:
        if not ids:
            return {}
        table = model.__table__
        rows = self.conn.execute(select(table.c.id, *(table.c[f] for f in fields)).where(table.c.id.in_(ids))).all()
        return {r[0]: tuple(_plain(f, v) for f, v in zip(fields, r[1:], strict=True)) for r in rows}

    def _stored_links(self, ids: list[int]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        if ids:
            for offer_id, term_id in self.conn.execute(
                    select(offer_interests.c.offer_id, offer_interests.c.term_id)
                    .where(offer_interests.c.offer_id.in_(ids)).order_by(offer_interests.c.term_id)):
                out.setdefault(offer_id, []).append(term_id)
        return out

    def _stored_schedules(self, ids: list[int]) -> dict[int, list[tuple]]:
        out: dict[int, list[tuple]] = {}
        if ids:
            t = OfferSchedule.__table__
            for r in self.conn.execute(select(t.c.offer_id, t.c.external_id, t.c.weekdays, t.c.opens_at,
                                              t.c.closes_at, t.c.description)
                                       .where(t.c.offer_id.in_(ids)).order_by(t.c.id)):
                out.setdefault(r[0], []).append((r[1], tuple(r[2] or ()), r[3], r[4], r[5]))
        return out

    # ------------------------------------------------------------------ the database
    def _ids(self, model, n: int) -> list[int]:
        """Reserve ``n`` new primary keys of ``model``'s table."""
        table = model.__tablename__
        if self.dialect == "postgresql":
            cur = self.conn.connection.driver_connection.cursor()
            cur.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "  # nosec B608 - a model's table
                        "FROM generate_series(1, %s)", (n,))
            return [r[0] for r in cur.fetchall()]
        if table not in self._next_id:  # SQLite: this transaction holds the write lock (the revision bump)
            self._revision()
            self._next_id[table] = (self.conn.execute(select(model.id).order_by(model.id.desc()).limit(1))
                                    .scalar() or 0) + 1
        start = self._next_id[table]
        self._next_id[table] = start + n
        return list(range(start, start + n))

    def _converters(self, table, columns: list[str]) -> list[tuple[int, Any]]:
        dialect = self.conn.dialect
        out = []
        for j, c in enumerate(columns):
            impl = table.c[c].type.dialect_impl(dialect)
            if isinstance(impl, TypeDecorator) or (isinstance(impl, _CONVERTED) and c not in JSON_FIELDS):
                proc = impl.bind_processor(dialect)
                if proc is not None:
                    out.append((j, proc))
        return out

    def _insert(self, table, rows: list[dict]) -> None:
        """Insert ``rows`` (JSON columns already as text): COPY on PostgreSQL, executemany on SQLite."""
        if rows:
            columns = tuple(rows[0])
            self._insert_rows(table, columns, list(map(_getter(columns), rows)))

    def _insert_rows(self, table, columns: Sequence[str], rows: list[tuple]) -> None:
        """Insert ``rows``, tuples of ``columns``' values (JSON columns already as text): COPY on PostgreSQL,
        executemany on SQLite."""
        if not rows:
            return
        self._revision()
        driver = self.conn.connection.driver_connection
        if self.dialect == "postgresql":
            names = ", ".join(f'"{c}"' for c in columns)
            with driver.cursor() as cur, cur.copy(f'COPY {table.name} ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
            return
        convert = self._converters(table, columns)
        if convert:  # only dates, times and decimals need converting (JSON is text already): column by column
            converted = []
            for j, proc in convert:
                memo: dict[Any, Any] = {}
                converted.append([None if v is None else memo[v] if v in memo else memo.setdefault(v, proc(v))
                                  for v in map(itemgetter(j), rows)])
            # The converted columns go last in the statement: each row is its other values and the converted ones.
            moved = {j for j, _ in convert}
            plain = [j for j in range(len(columns)) if j not in moved]
            columns = [columns[j] for j in plain] + [columns[j] for j, _ in convert]
            rows = [row + done for row, done in zip(map(_getter(plain), rows), zip(*converted))]
        names = ", ".join(f'"{c}"' for c in columns)
        placeholders = ", ".join("?" for _ in columns)
        driver.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({placeholders})", rows)  # nosec B608


_CONVERTED = (DateTime, Date, Time, Numeric)


def _getter(keys: Sequence[Any]) -> Callable[[Any], tuple]:
    """Return a function picking ``keys`` of a row as a tuple (``itemgetter`` of one key returns a bare value)."""
    if len(keys) > 1:
        return itemgetter(*keys)
    if keys:
        key = keys[0]
        return lambda row: (row[key],)
    return lambda row: ()


def _bind(name: str):
    return bindparam(name)


def _plain(field: str, value: Any) -> Any:
    if field in _ENUMS and hasattr(value, "value"):
        return value.value
    if isinstance(value, Decimal):
        return value.normalize()
    return value


def _comparable(values: dict[str, Any], fields: tuple[str, ...]) -> tuple:
    out = []
    for f in fields:
        v = values[f]
        if f in JSON_FIELDS:
            v = json.loads(v)
        elif isinstance(v, Decimal):
            v = v.normalize()
        out.append(v)
    return tuple(out)


def _schedule_keys(sched: list[tuple]) -> list[tuple]:
    return [(ext, tuple(json.loads(days)), opens, closes, desc) for ext, days, opens, closes, desc in sched]


__all__ = ["BulkWriter", "PROFILE", "Unchanged", "digest", "to_json"]
