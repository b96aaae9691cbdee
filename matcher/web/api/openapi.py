"""The OpenAPI 3 document of the JSON API, hand-written; one section per resource.

To document new endpoints, add a ``<RESOURCE>_PATHS`` dict (and any schemas to ``SCHEMAS``)
and list it in ``SECTIONS``; ``tests/web/test_openapi.py`` fails for any undocumented route.
"""

from __future__ import annotations

import copy
from typing import Any

from flask import jsonify

from matcher.web.api import bp, openapi_children, openapi_club, openapi_shortlists
from matcher.web.api.openapi_common import BEARER, NULL_INT, NULL_STR, PAGING, errors, json_content, path_id, query, ref

SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["message"],
        "properties": {"message": {"type": "string", "description": "Fejlen på dansk"},
                       "code": {"type": "string", "description": "Fast fejlkode: feltfejlens egen (fx required, "
                                "child.birth_year – den samme i web, API og CLI, også når teksten ændres), ellers "
                                "en for statuskoden (bad_request, unauthorized, not_allowed, not_found, conflict, "
                                "rate_limited, internal …)"},
                       "field": {"type": "string"}}}}},
    "OfferResult": {"type": "object", "required": ["id", "organisation_id", "title", "kind"], "properties": {
        "id": {"type": "integer"}, "external_id": NULL_STR, "title": {"type": "string"},
        "kind": {"type": "string", "enum": ["activity", "leisure-job", "mentoring"]},
        "status": {"type": "string", "enum": ["active", "paused", "closed"]},
        "organisation_id": {"type": "integer"}, "organisation_external_id": NULL_STR,
        "organisation_name": {"type": "string"}, "district_id": NULL_INT, "district_name": NULL_STR,
        "age_min": NULL_INT, "age_max": NULL_INT, "weekdays": {"type": "array", "items": {"type": "string"}},
        "times": {"type": "array", "items": {"type": "string"}}, "monthly_fee_dkk": {"type": ["number", "null"]},
        "fee_support": {"type": "boolean"}, "capacity": NULL_INT, "spots_free": NULL_INT,
        "verified_at": {"type": ["string", "null"], "format": "date"}, "stale": {"type": "boolean"},
        "place_name": NULL_STR, "postcode": NULL_STR, "city": NULL_STR,
        "lat": {"type": ["number", "null"]}, "lon": {"type": ["number", "null"]},
        "interests": {"type": "array", "items": {"type": "string"}},
        "distance_km": {"type": ["number", "null"]}, "score": {"type": "number"},
        "gender": {"type": ["string", "null"], "enum": ["girls", "boys", None]}}},
    "Offer": {"type": "object", "required": ["id", "organisation_id", "title", "version"], "properties": {
        "id": {"type": "integer"}, "external_id": NULL_STR, "organisation_id": {"type": "integer"},
        "organisation_external_id": NULL_STR, "organisation_name": {"type": "string"},
        "kind": {"type": "string"}, "status": {"type": "string"}, "title": {"type": "string"},
        "description": {"type": "string"}, "age_min": NULL_INT, "age_max": NULL_INT, "gender": NULL_STR,
        "monthly_fee_dkk": {"type": ["number", "null"]}, "fee_support": {"type": "boolean"},
        "capacity": NULL_INT, "spots_free": NULL_INT, "languages": {"type": "array", "items": {"type": "string"}},
        "verified_at": {"type": ["string", "null"], "format": "date"}, "stale": {"type": "boolean"},
        "district_id": NULL_INT, "district_name": NULL_STR, "place": {"type": "object"},
        "schedules": {"type": "array", "items": {"type": "object"}},
        "times": {"type": "array", "items": {"type": "string"}},
        "interests": {"type": "array", "items": {"type": "object"}},
        "version": {"type": "integer", "description": "Send den med i PATCH for at opdage samtidige ændringer"}}},
    "OfferPatch": {"type": "object", "minProperties": 1, "additionalProperties": False, "properties": {
        "version": {"type": "integer"}, "title": {"type": "string", "maxLength": 200},
        "description": {"type": "string"}, "age_min": NULL_INT, "age_max": NULL_INT,
        "monthly_fee_dkk": {"type": ["number", "string", "null"]}, "fee_support": {"type": "boolean"},
        "capacity": NULL_INT, "spots_free": NULL_INT,
        "status": {"type": "string", "enum": ["active", "paused", "closed"]},
        "schedules": {"type": "array", "items": {"type": "object", "properties": {
            "weekdays": {"type": "array", "items": {"type": "string", "enum": ["mon", "tue", "wed", "thu", "fri",
                                                                            "sat", "sun"]}},
            "opens_at": {"type": ["string", "null"], "example": "16:30"},
            "closes_at": {"type": ["string", "null"], "example": "17:45"}}}}}},
    "Organisation": {"type": "object", "required": ["id", "name"], "properties": {
        "id": {"type": "integer"}, "external_id": NULL_STR, "name": {"type": "string"}, "kind": {"type": "string"},
        "description": {"type": "string"}, "email": NULL_STR, "phone": NULL_STR, "website": NULL_STR,
        "address": NULL_STR, "postcode": NULL_STR, "city": NULL_STR, "district_id": NULL_INT,
        "childcert_policy": {"type": "boolean"}, "vulnerable_experience": {"type": "boolean"},
        "offers": {"type": "array", "items": {"type": "object"}}}},
    "Mentor": {"type": "object", "required": ["id", "name"], "properties": {
        "id": {"type": "integer"}, "external_id": NULL_STR, "name": {"type": "string"}, "gender": NULL_STR,
        "postcode": NULL_STR, "district_id": NULL_INT, "district_name": NULL_STR, "organisation_id": NULL_INT,
        "organisation_external_id": NULL_STR, "interests": {"type": "array", "items": {"type": "string"}},
        "languages": {"type": "array", "items": {"type": "string"}},
        "weekdays": {"type": "array", "items": {"type": "string"}}, "age_min": NULL_INT, "age_max": NULL_INT,
        "max_children": {"type": "integer"}, "current_children": {"type": "integer"},
        "childcert_valid_until": {"type": ["string", "null"], "format": "date"}, "approved": {"type": "boolean"}}},
    "HsdsPage": {"type": "object", "required": ["total_items", "total_pages", "page_number", "size",
                                                "first_page", "last_page", "empty", "contents"], "properties": {
        "total_items": {"type": "integer"}, "total_pages": {"type": "integer"}, "page_number": {"type": "integer"},
        "size": {"type": "integer"}, "first_page": {"type": "boolean"}, "last_page": {"type": "boolean"},
        "empty": {"type": "boolean"},
        "contents": {"type": "array", "items": {"type": "object", "description": "HSDS 3.1 service"}}}},
}


def page_of(item: str) -> dict[str, Any]:
    """Return the schema of a results page of ``item``."""
    return {"type": "object", "required": ["results", "total", "limit", "offset"], "properties": {
        "results": {"type": "array", "items": ref(item)}, "total": {"type": "integer"},
        "limit": {"type": "integer"}, "offset": {"type": "integer"}}}


META_PATHS: dict[str, Any] = {
    "/api/v1/openapi.json": {"get": {"summary": "Dette dokument", "security": [], "tags": ["meta"],
                                     "responses": {"200": {"description": "OpenAPI 3.1"}}}},
    "/api/v1/me": {"get": {"summary": "Hvem tokenet tilhører", "tags": ["meta"], "responses": {
        "200": {"description": "Brugeren", **json_content({"type": "object"})}, **errors(401)}}},
}

OFFER_PATHS: dict[str, Any] = {
    "/api/v1/offers": {"get": {
        "summary": "Søg tilbud (samme søgning som siden Søg tilbud)", "tags": ["offers"],
        "description": "Alle roller. Kun aktive tilbud. Fritekst forstår synonymer og stavefejl.",
        "parameters": [
            query("q", {"type": "string", "maxLength": 200}, "Fritekst, fx 'fodbold' eller 'soccer'"),
            query("district", {"type": "string"}, "Bydel: id eller slug (fx noerrebro)"),
            query("age", {"type": "integer", "minimum": 0, "maximum": 30}, "Barnets alder"),
            query("kind", {"type": "string", "enum": ["activity", "leisure-job", "mentoring", "aktivitet",
                                                      "fritidsjob", "mentor"]}, "Type"),
            query("weekday", {"type": "string", "enum": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]},
                  "Ugedag"),
            query("free", {"type": "boolean"}, "Kun gratis"),
            query("fee_support", {"type": "boolean"}, "Kun med kontingentstøtte"),
            query("postcode", {"type": "string", "pattern": "^[0-9]{4}$"}, "Afstand måles fra postnummerets midte"),
            query("max_km", {"type": "number", "exclusiveMinimum": 0, "maximum": 100}, "Højst så langt væk"),
            query("gender", {"type": "string", "enum": ["girl", "boy", "girls-only", "boys-only"]},
                  "girl/boy: tilbud en pige/dreng kan gå til; girls-only/boys-only: kun pige-/drengehold"),
            query("time", {"type": "string", "enum": ["morning", "afternoon", "evening"]},
                  "Tidspunkt: før 12, 12–17 eller efter 17 (samme dag som weekday, når den er givet)"),
            query("sort", {"type": "string", "enum": ["relevance", "distance", "price", "spots"], "default": "relevance"},
                  "Rækkefølge; distance kræver postcode eller district (måles fra bydelens midte)"),
            *PAGING],
        "responses": {"200": {"description": "Resultater", **json_content({
            "type": "object", "required": ["results", "total"], "properties": {
                "results": {"type": "array", "items": ref("OfferResult")}, "total": {"type": "integer"},
                "limit": {"type": "integer"}, "offset": {"type": "integer"},
                "interests": {"type": "array", "items": {"type": "string"}},
                "nearby": {"type": "array", "items": ref("OfferResult"),
                           "description": "Med district og færre end 3 resultater: de nærmeste uden for bydelen"},
                "nearby_summary": NULL_STR,
                "distance_from": {"type": ["string", "null"], "description": "Hvorfra afstande måles"}}})},
            **errors(400, 401)}}},
    "/api/v1/offers/{offer_id}": {
        "parameters": [path_id("offer_id")],
        "get": {"summary": "Ét tilbud", "tags": ["offers"], "responses": {
            "200": {"description": "Tilbuddet", **json_content(ref("Offer"))}, **errors(401, 404)}},
        "patch": {"summary": "Ret et tilbuds offentlige oplysninger", "tags": ["offers"],
                  "description": "club_rep: kun egen forening; key_staff og admin: alle; contact_person: 403. "
                                 "Hver ændring logges (hvem, før, efter, hvornår). En forenings egen ændring "
                                 "bekræfter samtidig, at tilbuddet er korrekt (verified_at = i dag).",
                  "requestBody": {"required": True, **json_content(ref("OfferPatch"))},
                  "responses": {"200": {"description": "Det rettede tilbud (+ `changed`: de ændrede felter)",
                                        **json_content(ref("Offer"))}, **errors(400, 401, 403, 404, 409)}}},
    "/api/v1/offers/{offer_id}/confirm": {
        "parameters": [path_id("offer_id")],
        "post": {"summary": "Bekræft at oplysningerne stadig er korrekte (verified_at = i dag)", "tags": ["offers"],
                 "requestBody": {"required": False, **json_content({"type": "object", "properties": {
                     "version": {"type": "integer"}}})},
                 "responses": {"200": {"description": "Tilbuddet", **json_content(ref("Offer"))},
                               **errors(400, 401, 403, 404, 409)}}},
}

ORGANISATION_PATHS: dict[str, Any] = {
    "/api/v1/organisations/{organisation_id}": {
        "parameters": [path_id("organisation_id")],
        "get": {"summary": "Én forening med dens tilbud", "tags": ["organisations"], "responses": {
            "200": {"description": "Foreningen", **json_content(ref("Organisation"))}, **errors(401, 404)}}},
}

MENTOR_PATHS: dict[str, Any] = {
    "/api/v1/mentors": {"get": {
        "summary": "Frivillige mentorer", "tags": ["mentors"],
        "description": "Kun key_staff, contact_person og admin (aldrig club_rep).",
        "parameters": [query("district", {"type": "string"}, "Bydel: id eller slug"), *PAGING],
        "responses": {"200": {"description": "Mentorer", **json_content(page_of("Mentor"))},
                      **errors(400, 401, 403)}}},
}

HSDS_PATHS: dict[str, Any] = {
    "/api/hsds/services": {"get": {
        "summary": "Offentligt HSDS 3.1-feed af tilbud (uden token; ingen børn, ingen mentorer)", "tags": ["hsds"],
        "description": "Hele HSDS 3.1-API'et (alle stier og parametre, ndjson, POST) er beskrevet i "
                       "Open Referrals officielle OpenAPI-dokument på /api/hsds/openapi.json.",
        "security": [],
        "parameters": [query("page", {"type": "integer", "minimum": 1, "default": 1}, "Side"),
                       query("per_page", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
                             "Services pr. side")],
        "responses": {"200": {"description": "En side", **json_content(ref("HsdsPage"))}, **errors(400)}}},
}

SCHEMAS.update(openapi_children.SCHEMAS)
SCHEMAS.update(openapi_club.SCHEMAS)
SCHEMAS.update(openapi_shortlists.SCHEMAS)
SCHEMAS["OfferPatch"]["properties"].update(openapi_shortlists.OFFER_EXTRA)
SCHEMAS["OfferPatch"]["properties"]["schedules"]["maxItems"] = 20
SECTIONS: list[dict[str, Any]] = [META_PATHS, OFFER_PATHS, openapi_shortlists.REVIEW_PATHS, ORGANISATION_PATHS,
                                  MENTOR_PATHS, openapi_shortlists.SHORTLIST_PATHS,
                                  openapi_children.MATCH_PATHS, openapi_children.CHILD_PATHS,
                                  openapi_children.FOLLOWUP_PATHS, openapi_club.CLUB_PATHS, HSDS_PATHS]


def document() -> dict[str, Any]:
    """Return the OpenAPI document."""
    paths: dict[str, Any] = {}
    for section in SECTIONS:
        paths.update(copy.deepcopy(section))
    paths["/api/v1/children/{child_id}/participation"].update(copy.deepcopy(openapi_club.PARTICIPATION_GET))
    for item in paths.values():  # answers any operation can give
        for method in set(item) & {"get", "post", "patch", "put", "delete"}:
            item[method]["responses"] = {**item[method]["responses"], **errors(429, 503)}
    return {
        "openapi": "3.1.0",
        "info": {"title": "matcher API", "version": "1",
                 "description": "En plads i fællesskabet – tilbud, foreninger og mentorer. Fejl er JSON: "
                                "{\"error\": {\"message\", \"field\"}}. Lister tager limit/offset."},
        "servers": [{"url": "/"}],
        "security": BEARER,
        "paths": paths,
        "components": {"schemas": SCHEMAS,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                      "description": "Udstedes med `matcher users token EMAIL`"}}},
    }


@bp.get("/openapi.json")
def openapi_document():
    """Return the OpenAPI document (public)."""
    return jsonify(document())
