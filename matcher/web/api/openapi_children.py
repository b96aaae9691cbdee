"""OpenAPI sections for children, referrals, participation, warnings, indicators and the match profile."""

from __future__ import annotations

from typing import Any

from matcher.pathways.models import (
    ACCOMPANIED_BY,
    END_REASONS,
    GENDERS,
    MAX_KEY_LENGTH,
    PHASE_KINDS,
    REFERRAL_STATUSES,
)
from matcher.languages import LANGUAGE_NAMES
from matcher.pathways.warnings import WARNING_TYPES
from matcher.web.api.openapi_common import NULL_INT, NULL_STR, PAGING, errors, json_content, path_id, query, ref

NULL_DATE = {"type": ["string", "null"], "format": "date"}
DATE = {"type": "string", "format": "date"}
WEEKDAYS = {"type": "array", "items": {"type": "string", "enum": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}}
LANGS = {"type": "array", "items": {"type": "string", "enum": [*LANGUAGE_NAMES, *LANGUAGE_NAMES.values()]},
         "example": ["da", "ar"], "description": "Sprogkoder eller danske navne, fx ['da', 'arabisk']"}
PROFILE = {
    "birth_year": {"type": "integer", "minimum": 1990}, "birth_date": DATE,
    "gender": {"type": "string", "enum": list(GENDERS), "default": "unknown"},
    "postcode": {"type": "string", "pattern": "^[0-9]{4}$"}, "district_id": {"type": "integer"},
    "interests": {"type": "string"}, "weekdays": WEEKDAYS,
    "contact_person_id": {"type": "integer",
                          "description": "Kun key_staff og admin; en kontaktperson får altid barnet selv"}}
COMPONENTS = {"type": "object", "additionalProperties": {"type": "number"},
              "example": {"interest": 1.0, "distance": 0.65, "weekday": 1.0}}

SCHEMAS: dict[str, Any] = {
    "ChildProfile": {
        "type": "object", "additionalProperties": False,
        "description": "Barnets pseudonyme profil til matchning. `age` eller `birth_date` skal angives; "
                       "bydelen udledes af postnummeret, når den ikke er givet.",
        "properties": {
            "age": {"type": "integer", "minimum": 0, "maximum": 25},
            "birth_date": {"type": "string", "format": "date", "description": "Skal give samme alder som `age`"},
            "gender": {"type": "string", "enum": list(GENDERS), "default": "unknown"},
            "interests": {"oneOf": [{"type": "string", "maxLength": 2000},
                                    {"type": "array", "items": {"type": "string"}}],
                          "description": "Fritekst eller liste, fx 'fodbold, tegne'"},
            "postcode": {"type": "string", "pattern": "^[0-9]{4}$"},
            "district": {"type": "string", "description": "En af Københavns 10 bydele, fx Nørrebro"},
            "max_distance_km": {"type": "number", "exclusiveMinimum": 0},
            "weekdays": {"oneOf": [WEEKDAYS, {"type": "string"}],
                         "description": "mon..sun eller mandag..søndag, som liste eller kommasepareret"},
            "max_monthly_fee_dkk": {"type": "number", "minimum": 0},
            "languages": {"oneOf": [LANGS, {"type": "string"}]},
            "waiting_list": {"type": "boolean", "default": False,
                             "description": "Medtag tilbud uden ledige pladser"}}},
    "MatchResult": {"type": "object", "required": ["results", "excluded"], "properties": {
        "results": {"type": "array", "items": {"type": "object", "required": ["id", "kind", "name", "score"],
                                               "properties": {
            "id": {"type": "integer", "description": "Tilbuddets id (activity, leisure-job) eller mentorens id"},
            "external_id": NULL_STR, "kind": {"type": "string", "enum": ["activity", "leisure-job", "mentor"]},
            "name": {"type": "string"}, "organisation": NULL_STR, "score": {"type": "number"},
            "distance_km": {"type": ["number", "null"]}, "components": COMPONENTS,
            "reasons": {"type": "array", "items": {"type": "string"}},
            "moved_up": {"type": "boolean",
                         "description": "Placeret over et tilbud med højere score (spredning eller et andet ønske)"}}}},
        "excluded": {"type": "object", "additionalProperties": {"type": "integer"},
                     "description": "Antal udelukkede pr. grund, fx {\"age\": 80, \"no_free_spots\": 12}"},
        "understood": {"type": "object", "description": "Sådan blev interesserne forstået", "properties": {
            "interests": {"type": "array", "items": {"type": "string"}},
            "not_wanted": {"type": "array", "items": {"type": "string"}},
            "excluded_wishes": {"type": "object", "additionalProperties": {"type": "string"}}}}}},
    "ChildCreate": {
        "type": "object", "additionalProperties": False,
        "description": "Kun det nødvendige: ingen navne, CPR-numre eller adresser. Fritekst med noget, der ligner "
                       "et CPR-nummer, afvises (400 med `field`). Uden `code` laver systemet en (fx BU-7F3KX).",
        "properties": {
            "code": {"type": "string", "pattern": "^[A-Z0-9][A-Z0-9-]{2,19}$", "example": "BU-7F3K2"},
            "languages": LANGS, **PROFILE}},
    "ChildUpdate": {
        "type": "object", "additionalProperties": False,
        "description": "Et eller flere af profilens felter; koden kan ikke ændres. Ændringen logges med "
                       "feltnavnene i barnets historik.",
        "properties": {"languages": LANGS, **PROFILE}},
    "Child": {"type": "object", "required": ["id", "code"], "properties": {
        "id": {"type": "integer"}, "code": {"type": "string"}, "birth_date": NULL_DATE, "birth_year": NULL_INT,
        "age": NULL_INT, "gender": {"type": "string", "enum": list(GENDERS)}, "postcode": NULL_STR,
        "district_id": NULL_INT, "district_name": NULL_STR, "interests": NULL_STR,
        "languages": {"type": "array", "items": {"type": "string"}}, "weekdays": WEEKDAYS,
        "contact_person_id": NULL_INT, "created_at": {"type": "string", "format": "date-time"},
        "current_phase": {"type": ["object", "null"], "properties": {
            "id": {"type": "integer"}, "kind": {"type": "string", "enum": list(PHASE_KINDS)},
            "label": {"type": "string"}, "start_date": DATE}}}},
    "Referral": {"type": "object", "required": ["id", "child_id", "status"], "properties": {
        "id": {"type": "integer"}, "child_id": {"type": "integer"}, "phase_id": NULL_INT,
        "offer_id": NULL_INT, "offer_external_id": NULL_STR, "mentor_id": NULL_INT, "mentor_external_id": NULL_STR,
        "target_name": {"type": "string"}, "status": {"type": "string", "enum": list(REFERRAL_STATUSES)},
        "status_label": {"type": "string"}, "status_since": DATE, "suggested_on": DATE, "active_since": NULL_DATE,
        "ended_on": NULL_DATE, "end_reason": {"type": ["string", "null"], "enum": [*END_REASONS, None]},
        "end_note": NULL_STR, "first_session_on": NULL_DATE, "match_score": {"type": ["number", "null"]},
        "match_components": {"type": ["object", "null"], "additionalProperties": {"type": "number"}},
        "shared_with_club_on": NULL_DATE, "shared_with_club_scope": NULL_STR, "shared_with_club_name": NULL_STR,
        "created_at": {"type": "string", "format": "date-time"},
        "club_answer": {"type": ["string", "null"], "enum": ["welcome", "no_room", None],
                        "description": "Foreningens seneste svar (i GET /children/{id} og efter deling)"},
        "club_answer_detail": {"type": ["object", "null"], "description": "Svaret: dato, hvem, besked"}}},
    "Participation": {"type": "object", "required": ["id", "referral_id", "date", "attended"], "properties": {
        "id": {"type": "integer"}, "referral_id": {"type": "integer"}, "date": DATE, "attended": {"type": "boolean"},
        "accompanied_by": {"type": "string", "enum": list(ACCOMPANIED_BY)}, "network_person_id": NULL_INT,
        "note": NULL_STR, "logged_at": {"type": "string", "format": "date-time"}, "logged_by_id": NULL_INT,
        "supersedes_id": NULL_INT, "voided": {"type": "boolean"}}},
    "Warning": {"type": "object", "required": ["id", "type", "child_id", "referral_id", "message", "since",
                                               "target_name", "last_session_on", "state"], "properties": {
        "id": {"type": "string", "description": "type:barn:henvisning:siden, fx no_participation:4:9:2025-09-16"},
        "type": {"type": "string", "enum": list(WARNING_TYPES)}, "child_id": {"type": "integer"},
        "referral_id": NULL_INT, "message": {"type": "string"}, "since": DATE,
        "offer_id": NULL_INT, "offer_name": NULL_STR, "mentor_id": NULL_INT, "mentor_name": NULL_STR,
        "target_name": NULL_STR, "last_session_on": NULL_DATE,
        "state": {"type": "string", "enum": ["open", "handled", "snoozed"]}, "handled_note": NULL_STR,
        "snoozed_until": NULL_DATE, "acted_on": {"type": ["string", "null"], "format": "date-time"}}},
    "WarningAction": {"type": "object", "required": ["id", "state"], "properties": {
        "id": {"type": "string"}, "state": {"type": "string", "enum": ["handled", "snoozed"]}, "note": NULL_STR,
        "snoozed_until": NULL_DATE, "acted_on": {"type": "string", "format": "date-time"}}},
}


def _page(item: str) -> dict[str, Any]:
    return {"type": "object", "required": ["results", "total", "limit", "offset"], "properties": {
        "results": {"type": "array", "items": ref(item)}, "total": {"type": "integer"},
        "limit": {"type": "integer"}, "offset": {"type": "integer"}}}


IDEMPOTENCY_KEY = {"name": "Idempotency-Key", "in": "header", "required": False,
                   "schema": {"type": "string", "maxLength": MAX_KEY_LENGTH},
                   "description": "Din egen nøgle til forespørgslen (fx en UUID); samme nøgle to gange ændrer "
                                  "én gang og giver det første svar (statuskode og krop). Længere end "
                                  f"{MAX_KEY_LENGTH} tegn: 400."}
KEY_REUSED = {"422": {"description": "`Idempotency-Key` er brugt før til en anden forespørgsel (anden krop eller "
                                     "sti); `error.field` er `Idempotency-Key`", **json_content(ref("Error"))}}

WHO = "contact_person: egne børn; key_staff: børn i egen bydel; admin: alle; club_rep: 403."

MATCH_PATHS: dict[str, Any] = {
    "/api/v1/match": {"post": {
        "summary": "Rangér tilbud, fritidsjob eller mentorer til et barns profil", "tags": ["match"],
        "description": "key_staff, contact_person og admin (club_rep: 403). Fejl i profilen navngiver feltet som "
                       "`child.<felt>`. Intet gemmes.",
        "requestBody": {"required": True, **json_content({
            "type": "object", "required": ["child"], "additionalProperties": False, "properties": {
                "child": ref("ChildProfile"),
                "kind": {"type": "string", "enum": ["activity", "leisure-job", "mentor"], "default": "activity"},
                "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}}})},
        "responses": {"200": {"description": "Rangerede kandidater og antal udelukkede pr. grund",
                              **json_content(ref("MatchResult"))}, **errors(400, 401, 403)}}},
}

CHILD_PATHS: dict[str, Any] = {
    "/api/v1/children": {
        "get": {"summary": "De børn, du følger", "tags": ["children"], "description": WHO, "parameters": PAGING,
                "responses": {"200": {"description": "Børn", **json_content(_page("Child"))},
                              **errors(400, 401, 403)}},
        "post": {"summary": "Opret et barn (pseudonymt)", "tags": ["children"],
                 "description": "contact_person: barnet tildeles dig; key_staff/admin kan angive "
                                "`contact_person_id`. key_staff kun i egen bydel.",
                 "requestBody": {"required": True, **json_content(ref("ChildCreate"))},
                 "responses": {"201": {"description": "Barnet", **json_content(ref("Child"))},
                               **errors(400, 401, 403)}}},
    "/api/v1/children/{child_id}": {
        "parameters": [path_id("child_id")],
        "get": {"summary": "Ét barn med igangværende fase, henvisninger og netværk", "tags": ["children"],
                "description": WHO + " Et andet barns id giver 403; ukendt id 404.",
                "responses": {"200": {"description": "Barnet", **json_content({"allOf": [ref("Child"), {
                    "type": "object", "properties": {
                        "referrals": {"type": "array", "items": ref("Referral")},
                        "network": {"type": "array", "items": {"type": "object", "properties": {
                            "id": {"type": "integer"}, "label": {"type": "string"},
                            "relation": {"type": "string"}}}}}}]})},
                              **errors(401, 403, 404)}},
        "patch": {"summary": "Ret barnets profil", "tags": ["children"],
                  "description": WHO + " Kun de felter, der sendes, ændres. Flytter key_staff barnet uden for "
                                 "egen bydel: 403.",
                  "requestBody": {"required": True, **json_content(ref("ChildUpdate"))},
                  "responses": {"200": {"description": "Barnet", **json_content(ref("Child"))},
                                **errors(400, 401, 403, 404)}}},
    "/api/v1/children/{child_id}/referrals": {
        "parameters": [path_id("child_id")],
        "post": {"summary": "Foreslå barnet til ét tilbud eller én mentor (status suggested)", "tags": ["referrals"],
                 "requestBody": {"required": True, **json_content({
                     "type": "object", "additionalProperties": False,
                     "description": "Præcis ét af offer_id og mentor_id. Ukendt id: 404 med `field`.",
                     "properties": {"offer_id": {"type": "integer"}, "mentor_id": {"type": "integer"},
                                    "suggested_on": {**DATE, "description": "Standard i dag; ikke i fremtiden. "
                                                     "Bruges til forløb, der allerede kører"},
                                    "match_score": {"type": "number"}, "match_components": COMPONENTS}})},
                 "responses": {"201": {"description": "Henvisningen", **json_content(ref("Referral"))},
                               **errors(400, 401, 403, 404)}}},
    "/api/v1/referrals/{referral_id}": {
        "parameters": [path_id("referral_id")],
        "patch": {"summary": "Flyt en henvisning frem; afslutning kræver en årsag", "tags": ["referrals"],
                  "description": "Status kan kun gå frem (suggested → contacted → trial → active → ended). "
                                 "`ended` kræver `end_reason`; `other` kræver også `end_note`. Med "
                                 "`Idempotency-Key` gemmes det første vellykkede svar: samme nøgle og krop "
                                 "igen giver det svar uden at ændre noget; samme nøgle med en anden krop "
                                 "eller henvisning giver 422. Fejlsvar gemmes ikke, så et rettet forsøg "
                                 "kan bruge samme nøgle.",
                  "parameters": [IDEMPOTENCY_KEY],
                  "requestBody": {"required": True, **json_content({
                      "type": "object", "required": ["status"], "additionalProperties": False, "properties": {
                          "status": {"type": "string", "enum": list(REFERRAL_STATUSES)},
                          "end_reason": {"type": "string", "enum": list(END_REASONS)},
                          "end_note": {"type": "string"},
                          "on": {**DATE, "description": "Dagen skiftet skete (standard i dag): ikke i fremtiden og "
                                 "ikke før den nuværende status; bliver `status_since`"}}})},
                  "responses": {"200": {"description": "Henvisningen og eventuelle advarsler", **json_content({
                      "allOf": [ref("Referral"), {"type": "object", "required": ["warnings"], "properties": {
                          "warnings": {"type": "array", "items": ref("Warning")}}}]})},
                      **errors(400, 401, 403, 404), **KEY_REUSED}}},
    "/api/v1/children/{child_id}/participation": {
        "parameters": [path_id("child_id"),
                       {"name": "Idempotency-Key", "in": "header", "required": False,
                        "schema": {"type": "string", "maxLength": MAX_KEY_LENGTH},
                        "description": "Samme nøgle og krop to gange gemmer én registrering og giver det første "
                                       "svar; samme nøgle med en anden krop giver 422. Nøgler hører til brugeren"}],
        "post": {"summary": "Registrér deltagelse", "tags": ["participation"],
                 "requestBody": {"required": True, **json_content({
                     "type": "object", "required": ["referral_id", "attended"], "additionalProperties": False,
                     "properties": {
                         "referral_id": {"type": "integer", "description": "En af barnets egne henvisninger"},
                         "date": {"type": "string", "format": "date", "description": "Standard i dag; ikke i "
                                                                                     "fremtiden"},
                         "attended": {"type": "boolean"},
                         "accompanied_by": {"type": "string", "enum": list(ACCOMPANIED_BY), "default": "alone"},
                         "network_person_id": {"type": "integer"}, "note": {"type": "string"}}})},
                 "responses": {"201": {"description": "Registreringen", **json_content(ref("Participation"))},
                               **errors(400, 401, 403, 404), **KEY_REUSED}}},
}

FOLLOWUP_PATHS: dict[str, Any] = {
    "/api/v1/warnings": {"get": {
        "summary": "Advarsler om de børn, du følger", "tags": ["warnings"], "description": WHO,
        "parameters": PAGING,
        "parameters": [*PAGING, query("state", {"type": "string", "enum": ["open", "all"], "default": "open"},
                                      "open: kun åbne; all: også håndterede og udsatte")],
        "responses": {"200": {"description": "Advarsler, ældste først", **json_content(_page("Warning"))},
                      **errors(400, 401, 403)}}},
    "/api/v1/warnings/{warning}/handle": {
        "parameters": [{"name": "warning", "in": "path", "required": True, "schema": {"type": "string"}}],
        "post": {"summary": "Markér en advarsel som håndteret", "tags": ["warnings"],
                 "description": "Kun dine egne advarsler (ellers 404). Logges i revisionsloggen.",
                 "requestBody": {"required": True, **json_content({
                     "type": "object", "required": ["note"], "additionalProperties": False,
                     "properties": {"note": {"type": "string", "minLength": 1}}})},
                 "responses": {"200": {"description": "Beslutningen", **json_content(ref("WarningAction"))},
                               **errors(400, 401, 403, 404)}}},
    "/api/v1/warnings/{warning}/snooze": {
        "parameters": [{"name": "warning", "in": "path", "required": True, "schema": {"type": "string"}}],
        "post": {"summary": "Udsæt en advarsel til en dag", "tags": ["warnings"],
                 "description": "Advarslen vises igen den dag (senest 183 dage frem).",
                 "requestBody": {"required": True, **json_content({
                     "type": "object", "required": ["until"], "additionalProperties": False,
                     "properties": {"until": DATE, "note": {"type": "string"}}})},
                 "responses": {"200": {"description": "Beslutningen", **json_content(ref("WarningAction"))},
                               **errors(400, 401, 403, 404)}}},
    "/api/v1/indicators": {"get": {
        "summary": "Planens indikatorer for en periode med baseline", "tags": ["indicators"],
        "description": "key_staff og admin (andre: 403). Ikke-undertrykte tal; CSV-eksporten på siden "
                       "Indikatorer undertrykker tal under 5.",
        "parameters": [query("period", {"type": "string", "pattern": "^[0-9]{4}(Q[1-4]|H[12])?$"},
                             "Fx 2025, 2025H1 eller 2025Q3"),
                       query("district", {"type": "string"}, "Bydel: navn, slug eller id (tom: hele byen)")],
        "responses": {"200": {"description": "Indikatorerne (se matcher/pathways/indicators.py)",
                              **json_content({"type": "object", "required": ["period", "children_counted",
                                                                             "baseline", "catalogue"]})},
                      **errors(400, 401, 403)}}},
}
