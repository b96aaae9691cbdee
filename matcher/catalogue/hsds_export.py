"""Write the catalogue as HSDS 3.1 services (Danish profile); children and mentors never appear."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import IO, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from matcher.catalogue import hsds_profile as P
from matcher.catalogue.models import Offer, OfferSchedule, OfferStatus, Organisation
from matcher.urls import safe_url, without_unsafe_urls

NAMESPACE = uuid.UUID("6f1d7c2e-6a3b-4c1e-9d51-2f2b8a3e0c11")

# How list items of a service are matched to the imported ones when merging.
LIST_KEYS: dict[str, Callable[[dict], Any]] = {
    "schedules": lambda d: d.get("id"),
    "cost_options": lambda d: d.get("id"),
    "capacities": lambda d: d.get("id"),
    "languages": lambda d: d.get("code") or d.get("name"),
    "attributes": lambda d: ((d.get("taxonomy_term") or {}).get("taxonomy"),
                             (d.get("taxonomy_term") or {}).get("code")),
    "service_at_locations": lambda d: d.get("id"),
    "addresses": lambda d: d.get("id"),
}


#: Offers a club created that key staff have not approved yet are not part of the public catalogue.
PUBLIC = Offer.status != OfferStatus.pending


def stable_id(*parts: object) -> str:
    """Return a deterministic UUID for an exported object that has no imported id."""
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def merge(source: Any, generated: Any, key: str = "") -> Any:
    """Overlay ``generated`` on the imported ``source``: modelled values win, the rest is kept.

    The result shares the unmodelled parts with ``source`` (copying them made exports of a
    national catalogue several times slower); treat it as read-only, like the export does.
    """
    if isinstance(source, dict) and isinstance(generated, dict):
        # Source keys keep their order; unmodelled subtrees are shared, not copied.
        out = {k: merge(v, generated[k], k) if k in generated else v for k, v in source.items()}
        for k, v in generated.items():
            if k not in out:
                out[k] = merge(None, v, k)
        return out
    if isinstance(source, list) and isinstance(generated, list) and key in LIST_KEYS:
        keyfn = LIST_KEYS[key]
        by_key = {keyfn(item): item for item in source if isinstance(item, dict)}
        if key == "attributes":  # a term is fully named by (taxonomy, code): keep the imported object
            # ... and the imported order, so exporting an imported file gives it back unchanged.
            wanted = {keyfn(item): item for item in generated if isinstance(item, dict)}
            kept = [item for k, item in by_key.items() if k in wanted]
            return kept + [item for item in generated
                           if not isinstance(item, dict) or keyfn(item) not in by_key]
        return [merge(by_key.get(keyfn(item)), item, key) if isinstance(item, dict) else item
                for item in generated]
    return generated


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _time(value) -> str | None:
    return value.strftime("%H:%M:%S") if value else None


def _term(taxonomy: str, code: str, name: str, description: str | None = None) -> dict[str, Any]:
    return {
        "id": stable_id("term", taxonomy, code),
        "code": code,
        "name": name,
        "description": description or name,
        "taxonomy": taxonomy,
        "taxonomy_detail": {"id": stable_id("taxonomy", taxonomy), "name": taxonomy,
                            "description": P.TAXONOMY_DESCRIPTIONS[taxonomy]},
        "taxonomy_id": stable_id("taxonomy", taxonomy),
        "language": "da",
    }


def _attribute(service_id: str, taxonomy: str, code: str, name: str, description: str | None = None) -> dict:
    return {
        "id": stable_id("attribute", service_id, taxonomy, code),
        "link_id": service_id,
        "link_type": "service",
        "link_entity": "service",
        "taxonomy_term_id": stable_id("term", taxonomy, code),
        "value": code,
        "label": name,
        "taxonomy_term": _term(taxonomy, code, name, description),
    }


def organisation_dict(org: Organisation) -> dict[str, Any]:
    """Return the HSDS organization object for ``org``."""
    org_id = org.external_id or stable_id("organisation", org.id)
    generated = {"id": org_id, "name": org.name, "description": org.description or org.name}
    if org.email:
        generated["email"] = org.email
    if org.website and safe_url(org.website):
        generated["website"] = org.website
    return merge(org.hsds_source or {}, generated)


def _attributes(offer: Offer, service_id: str) -> list[dict[str, Any]]:
    attrs = [_attribute(service_id, P.INTEREST, t.code, t.name, f"Interessekategori: {t.name}")
             for t in offer.interests]
    kind = offer.kind.value
    stated = {(a.get("taxonomy_term") or {}).get("taxonomy") for a in (offer.hsds_source or {}).get("attributes") or []
              if isinstance(a, dict) and isinstance(a.get("taxonomy_term"), dict)}
    # An imported service that did not state its kind was an activity; keep it unstated.
    if kind != "activity" or not offer.hsds_source or P.OFFER_KIND in stated:
        attrs.append(_attribute(service_id, P.OFFER_KIND, kind, P.TERM_NAMES[P.OFFER_KIND][kind],
                                f"Tilbudstype: {P.TERM_NAMES[P.OFFER_KIND][kind]}"))
    if offer.gender:
        g = offer.gender.value
        attrs.append(_attribute(service_id, P.GENDER, g, P.TERM_NAMES[P.GENDER][g]))
    if offer.fee_support:
        attrs.append(_attribute(service_id, P.SUPPORT, P.FEE_SUPPORT, P.TERM_NAMES[P.SUPPORT][P.FEE_SUPPORT],
                                "Kan dækkes af kommunens kontingentstøtte"))
    org = offer.organisation
    # The default organisation kind is left unstated, unless the imported service stated it.
    if org.kind is not P.default_organisation_kind(offer.kind) or P.ORGANISATION_KIND in stated:
        ok = org.kind.value
        attrs.append(_attribute(service_id, P.ORGANISATION_KIND, ok, P.TERM_NAMES[P.ORGANISATION_KIND][ok]))
    for flag, on in ((P.VULNERABLE_EXPERIENCE, org.vulnerable_experience), (P.CHILDCERT_POLICY, org.childcert_policy)):
        if on:
            attrs.append(_attribute(service_id, P.INCLUSION, flag, P.TERM_NAMES[P.INCLUSION][flag]))
    return attrs + list(offer.other_attributes or [])


def _schedule(s: OfferSchedule, service_id: str, index: int) -> dict[str, Any]:
    out: dict[str, Any] = {"id": s.external_id or stable_id("schedule", service_id, index)}
    if not s.external_id:
        out["service_id"] = service_id
    if s.weekdays:
        out.update(freq="WEEKLY", byday=",".join(P.BYDAY_REVERSE[d] for d in s.weekdays))
    if s.opens_at:
        out["opens_at"] = _time(s.opens_at)
    if s.closes_at:
        out["closes_at"] = _time(s.closes_at)
    if s.description:
        out["description"] = s.description
    return out


def _location(offer: Offer, service_id: str, source: dict[str, Any]) -> list[dict[str, Any]]:
    sals = [s for s in source.get("service_at_locations") or [] if isinstance(s, dict)]
    if not (offer.place_name or offer.lat is not None or offer.address) and not sals:
        return []
    first = sals[0] if sals else {}
    loc_src = first.get("location") if isinstance(first.get("location"), dict) else {}
    loc_id = loc_src.get("id") or stable_id("location", service_id)
    location: dict[str, Any] = {"id": loc_id, "location_type": loc_src.get("location_type") or "physical"}
    if offer.place_name:
        location["name"] = offer.place_name
    if offer.lat is not None and offer.lon is not None:
        location["latitude"], location["longitude"] = offer.lat, offer.lon
    if offer.address:
        addrs = [a for a in loc_src.get("addresses") or [] if isinstance(a, dict)]
        if addrs:
            address = {"id": addrs[0].get("id"), "address_1": offer.address, "city": offer.city or ""}
            if offer.postcode:
                address["postal_code"] = offer.postcode
        else:
            address = {"id": stable_id("address", loc_id), "location_id": loc_id, "address_1": offer.address,
                       "city": offer.city or "", "state_province": "Region Hovedstaden",
                       "postal_code": offer.postcode or "", "country": "DK", "address_type": "physical"}
        location["addresses"] = [address] + addrs[1:]
    sal = {"id": first.get("id") or stable_id("sal", service_id), "location": location}
    if not first:
        sal.update(service_id=service_id, location_id=loc_id)
    return [sal] + sals[1:]


def service_id(offer: Offer) -> str:
    """Return the offer's HSDS service id: the imported one, or a stable UUID."""
    return offer.external_id or stable_id("offer", offer.id)


def service_status(offer: Offer) -> str:
    """Return the offer's HSDS status, keeping the imported word when it maps the same way."""
    source = offer.hsds_source or {}
    if P.STATUS_FROM_HSDS.get(source.get("status")) == offer.status:
        return source["status"]
    return P.STATUS_TO_HSDS[offer.status]


def service_dict(offer: Offer) -> dict[str, Any]:
    """Return the HSDS service object for ``offer``, merged with what was imported."""
    source = offer.hsds_source or {}
    sid = service_id(offer)
    status = service_status(offer)
    generated: dict[str, Any] = {
        "id": sid, "name": offer.title, "description": offer.description, "status": status,
        "organization": organisation_dict(offer.organisation),
        "schedules": [_schedule(s, sid, i) for i, s in enumerate(offer.schedules)],
        "languages": [{"id": stable_id("language", sid, code), "service_id": sid, "name": code, "code": code}
                      for code in offer.languages or []],
        "attributes": _attributes(offer, sid),
        "service_at_locations": _location(offer, sid, source),
    }
    if offer.age_min is not None:
        generated["minimum_age"] = offer.age_min
    if offer.age_max is not None:
        generated["maximum_age"] = offer.age_max
    if offer.verified_at:
        generated["assured_date"] = offer.verified_at.isoformat()
    kept_costs = [c for c in source.get("cost_options") or []
                  if isinstance(c, dict) and not _is_monthly_dkk(c)]
    if offer.monthly_fee_dkk is not None:
        src = next((c for c in source.get("cost_options") or [] if isinstance(c, dict) and _is_monthly_dkk(c)), {})
        generated["cost_options"] = [{"id": src.get("id") or stable_id("cost", sid), "service_id": sid,
                                      "option": src.get("option") or "per month", "currency": src.get("currency") or "DKK",
                                      "amount": _number(offer.monthly_fee_dkk)}] + kept_costs
    elif "cost_options" in source:
        generated["cost_options"] = kept_costs
    if offer.spots_free is not None or offer.capacity is not None:
        caps = [c for c in source.get("capacities") or [] if isinstance(c, dict)]
        cap: dict[str, Any] = {"id": caps[0].get("id") if caps else stable_id("capacity", sid)}
        if not caps:
            cap.update(service_id=sid, unit={"id": stable_id("unit", "pladser"), "name": "pladser",
                                             "identifier": "pladser"},
                       description="Ledige pladser",
                       updated=(offer.updated_at.isoformat() if offer.updated_at else None))
        cap["available"] = offer.spots_free if offer.spots_free is not None else 0
        if offer.capacity is not None:
            cap["maximum"] = offer.capacity
        generated["capacities"] = [cap] + caps[1:]
    # Languages are rebuilt from codes; keep the imported objects for codes still present.
    src_langs = {(l.get("code") or l.get("name")): l for l in source.get("languages") or [] if isinstance(l, dict)}
    generated["languages"] = [src_langs.get(code) or lang for code, lang in
                              zip(offer.languages or [], generated["languages"])]
    out = merge(source, generated)
    for key in ("schedules", "languages", "attributes", "service_at_locations"):
        if not out[key] and key not in source:
            del out[key]
    for key in ("minimum_age", "maximum_age", "assured_date"):
        if key not in generated:
            out.pop(key, None)
    return without_unsafe_urls(out)  # never republish a javascript: (or other non-allowed) URL


def _is_monthly_dkk(option: dict) -> bool:
    return (str(option.get("currency") or "DKK").upper() == "DKK"
            and "month" in str(option.get("option") or "per month").lower())


def iter_services(session: Session, batch: int = 1000) -> Iterator[dict[str, Any]]:
    """Yield every public offer (not those awaiting approval) as an HSDS service, in id order, in batches."""
    last = 0
    while True:
        rows = session.scalars(
            select(Offer).where(Offer.id > last, PUBLIC).order_by(Offer.id).limit(batch)
            .options(selectinload(Offer.interests), selectinload(Offer.schedules),
                     selectinload(Offer.organisation))).all()
        if not rows:
            return
        for offer in rows:
            yield service_dict(offer)
        last = rows[-1].id
        session.expunge_all()


def export_json(session: Session, out: IO[str], progress: Callable[[int, int], None] | None = None) -> int:
    """Write every offer as one JSON list of HSDS services to ``out``, a service per line; return how many."""
    total = count_offers(session) if progress else 0
    n = 0
    out.write("[")
    for n, service in enumerate(iter_services(session), 1):
        out.write(("\n" if n == 1 else ",\n") + json.dumps(service, ensure_ascii=False))
        if progress:
            progress(n, total)
    out.write("\n]\n")
    return n


def iter_json(session: Session) -> Iterator[str]:
    """Yield the HSDS export as pieces of JSON text, for a streamed download."""
    yield "["
    for n, service in enumerate(iter_services(session), 1):
        yield ("\n" if n == 1 else ",\n") + json.dumps(service, ensure_ascii=False)
    yield "\n]\n"


def count_offers(session: Session) -> int:
    """Return how many offers an export will write."""
    return session.scalar(select(func.count(Offer.id)).where(PUBLIC)) or 0



