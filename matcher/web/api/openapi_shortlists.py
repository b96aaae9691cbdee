"""OpenAPI sections for new offers and their review, a child's shortlist and saved searches."""

from __future__ import annotations

from typing import Any

from matcher.shortlists.models import SOURCES
from matcher.shortlists.operations import SEARCH_KEYS
from matcher.web.api.openapi_common import NULL_INT, NULL_STR, errors, json_content, path_id, ref

SCHEDULES = {"type": "array", "maxItems": 20, "items": {"type": "object", "properties": {
    "weekdays": {"type": "array", "items": {"type": "string", "enum": ["mon", "tue", "wed", "thu", "fri", "sat",
                                                                     "sun"]}},
    "opens_at": {"type": ["string", "null"], "example": "16:30"},
    "closes_at": {"type": ["string", "null"], "example": "17:45"}}}}
#: Fields an edit may change besides those of OfferPatch's first version.
OFFER_EXTRA = {
    "gender": {"type": ["string", "null"], "enum": ["girls", "boys", "", None],
               "description": "Kun for piger/drenge; tom eller null = for alle"},
    "interests": {"type": "array", "maxItems": 30, "items": {"type": "string"},
                  "description": "Interessekoder fra taksonomien, fx ['fodbold']"},
    "place_name": NULL_STR, "address": NULL_STR,
    "postcode": {"type": ["string", "null"], "pattern": "^[0-9]{4}$"}, "city": NULL_STR,
}

SCHEMAS: dict[str, Any] = {
    "OfferCreate": {"type": "object", "required": ["title"], "additionalProperties": False, "properties": {
        "kind": {"type": "string", "enum": ["activity", "leisure-job", "mentoring"], "default": "activity"},
        "title": {"type": "string", "minLength": 1, "maxLength": 200}, "description": {"type": "string"},
        "age_min": NULL_INT, "age_max": NULL_INT, "monthly_fee_dkk": {"type": ["number", "string", "null"]},
        "fee_support": {"type": "boolean"}, "capacity": NULL_INT, "spots_free": NULL_INT,
        "status": {"type": "string", "enum": ["active", "paused", "closed"],
                   "description": "Kun key_staff/admin; en forenings nye tilbud er altid `pending`"},
        "schedules": SCHEDULES, **OFFER_EXTRA}},
    "ShortlistItem": {"type": "object", "required": ["id", "offer_id", "title"], "properties": {
        "id": {"type": "integer"}, "offer_id": {"type": "integer"}, "title": {"type": "string"},
        "organisation_name": {"type": "string"}, "status": {"type": "string"},
        "source": {"type": "string", "enum": list(SOURCES)}, "note": NULL_STR,
        "added_at": {"type": "string", "format": "date-time"}}},
    "SavedSearch": {"type": "object", "required": ["id", "name", "query"], "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"},
        "query": {"type": "object", "additionalProperties": {"type": "string"}},
        "created_at": {"type": "string", "format": "date-time"}}},
}

REVIEW_PATHS: dict[str, Any] = {
    "/api/v1/organisations/{organisation_id}/offers": {
        "parameters": [path_id("organisation_id")],
        "post": {"summary": "Opret et tilbud", "tags": ["offers"],
                 "description": "club_rep: kun egen forening, og tilbuddet venter (`status: pending`) på at en "
                                "nøglemedarbejder godkender det; key_staff og admin: synligt med det samme.",
                 "requestBody": {"required": True, **json_content(ref("OfferCreate"))},
                 "responses": {"201": {"description": "Det nye tilbud", **json_content(ref("Offer"))},
                               **errors(400, 401, 403, 404)}}},
    "/api/v1/offers/{offer_id}/review": {
        "parameters": [path_id("offer_id")],
        "post": {"summary": "Godkend eller afvis en forenings nye tilbud (key_staff, admin)", "tags": ["offers"],
                 "requestBody": {"required": True, **json_content({
                     "type": "object", "required": ["decision"], "properties": {
                         "decision": {"type": "string", "enum": ["approve", "reject"]},
                         "reason": {"type": "string", "maxLength": 500,
                                    "description": "Påkrævet ved reject; vises for foreningen"}}})},
                 "responses": {"200": {"description": "Tilbuddet (active eller closed)", **json_content(ref("Offer"))},
                               **errors(400, 401, 403, 404)}}},
}

SHORTLIST_PATHS: dict[str, Any] = {
    "/api/v1/children/{child_id}/shortlist": {
        "parameters": [path_id("child_id")],
        "get": {"summary": "Barnets kortliste (tilbud at tale med familien om)", "tags": ["children"],
                "responses": {"200": {"description": "Kortlisten", **json_content({
                    "type": "object", "required": ["results"],
                    "properties": {"results": {"type": "array", "items": ref("ShortlistItem")}}})},
                    **errors(401, 403, 404)}},
        "post": {"summary": "Sæt et tilbud på barnets kortliste", "tags": ["children"],
                 "requestBody": {"required": True, **json_content({
                     "type": "object", "required": ["offer_id"], "additionalProperties": False, "properties": {
                         "offer_id": {"type": "integer"}, "source": {"type": "string", "enum": list(SOURCES)},
                         "note": {"type": "string", "maxLength": 2000}}})},
                 "responses": {"201": {"description": "Sat på", **json_content(ref("ShortlistItem"))},
                               "200": {"description": "Stod der allerede (noten opdateret)",
                                       **json_content(ref("ShortlistItem"))},
                               **errors(400, 401, 403, 404)}}},
    "/api/v1/children/{child_id}/shortlist/{item_id}": {
        "parameters": [path_id("child_id"), path_id("item_id")],
        "delete": {"summary": "Fjern et tilbud fra barnets kortliste", "tags": ["children"],
                   "responses": {"204": {"description": "Fjernet"}, **errors(401, 403, 404)}}},
    "/api/v1/saved-searches": {
        "get": {"summary": "Mine gemte søgninger", "tags": ["offers"],
                "responses": {"200": {"description": "Søgningerne", **json_content({
                    "type": "object", "required": ["results"],
                    "properties": {"results": {"type": "array", "items": ref("SavedSearch")}}})},
                    **errors(401)}},
        "post": {"summary": "Gem en søgning (samme navn erstatter den)", "tags": ["offers"],
                 "requestBody": {"required": True, **json_content({
                     "type": "object", "required": ["name", "query"], "additionalProperties": False, "properties": {
                         "name": {"type": "string", "minLength": 1, "maxLength": 80},
                         "query": {"type": "object", "minProperties": 1,
                                   "propertyNames": {"enum": list(SEARCH_KEYS)},
                                   "additionalProperties": {"type": ["string", "number"]},
                                   "description": "Felterne fra GET /api/v1/offers"}}})},
                 "responses": {"201": {"description": "Gemt", **json_content(ref("SavedSearch"))},
                               "200": {"description": "Erstattet", **json_content(ref("SavedSearch"))},
                               **errors(400, 401)}}},
    "/api/v1/saved-searches/{search_id}": {
        "parameters": [path_id("search_id")],
        "delete": {"summary": "Slet en gemt søgning", "tags": ["offers"],
                   "responses": {"204": {"description": "Slettet"}, **errors(401, 404)}}},
}
