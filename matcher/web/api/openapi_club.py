"""OpenAPI section for the referral loop: sharing with the club, the club's answers and attendance."""

from __future__ import annotations

from typing import Any

from matcher.pathways.models import ACCOMPANIED_BY
from matcher.web.api.openapi_common import NULL_INT, NULL_STR, errors, json_content, path_id, ref

DATE = {"type": "string", "format": "date"}
NULL_DATE = {"type": ["string", "null"], "format": "date"}
CLUB_ONLY = "Kun club_rep; andre roller 403. En henvisning, der ikke er delt med din forening, giver 404."

SCHEMAS: dict[str, Any] = {
    "ClubAnswer": {"type": ["object", "null"], "properties": {
        "answer": {"type": "string", "enum": ["welcome", "no_room"]}, "label": {"type": "string"},
        "first_session_on": NULL_DATE, "met_by": NULL_STR, "message": NULL_STR, "suggested_offer_id": NULL_INT,
        "suggested_offer_title": NULL_STR, "answered_at": {"type": "string", "format": "date-time"}}},
    "ClubReferral": {"type": "object", "required": ["id", "offer_id", "status", "club_answer"], "properties": {
        "id": {"type": "integer"}, "offer_id": {"type": "integer"}, "offer_title": {"type": "string"},
        "status": {"type": "string"}, "status_label": {"type": "string"}, "shared_with_club_on": NULL_DATE,
        "shared_with_club_name": NULL_STR, "shared_with_club_scope": NULL_STR,
        "club_answer": {"type": ["string", "null"], "enum": ["welcome", "no_room", None]},
        "answer": ref("ClubAnswer")}},
    "ParticipationEntry": {"type": "object", "required": ["id", "referral_id", "date", "attended", "logged_by"],
                           "properties": {
        "id": {"type": "integer"}, "referral_id": {"type": "integer"}, "date": DATE, "attended": {"type": "boolean"},
        "accompanied_by": {"type": "string", "enum": list(ACCOMPANIED_BY)}, "network_person_id": NULL_INT,
        "note": NULL_STR, "logged_at": {"type": "string", "format": "date-time"}, "logged_by_id": NULL_INT,
        "supersedes_id": NULL_INT, "voided": {"type": "boolean"},
        "logged_by": {"type": "string", "enum": ["contact_person", "club"],
                      "description": "Hvem registrerede: personalet (kontaktperson) eller foreningen"}}},
}

CLUB_PATHS: dict[str, Any] = {
    "/api/v1/referrals/{referral_id}/share": {
        "parameters": [path_id("referral_id")],
        "post": {"summary": "Del henvisningen med foreningen (med samtykke); foreningen får en mail",
                 "tags": ["referrals"],
                 "description": "Samme regler som formularen: samtykkedato (ikke i fremtiden), hvad der må deles, "
                                "kun fornavn eller initialer. Første deling skriver en mail til foreningens "
                                "kontakter (kun fornavnet/initialerne og et link til at logge ind).",
                 "requestBody": {"required": True, **json_content({
                     "type": "object", "additionalProperties": False,
                     "required": ["shared_with_club_on", "shared_with_club_scope", "shared_with_club_name"],
                     "properties": {"shared_with_club_on": DATE, "shared_with_club_scope": {"type": "string"},
                                    "shared_with_club_name": {"type": "string", "maxLength": 40}}})},
                 "responses": {"200": {"description": "Henvisningen", **json_content(ref("Referral"))},
                               **errors(400, 401, 403, 404)}}},
    "/api/v1/club/referrals": {"get": {
        "summary": "Henvisninger delt med din forening", "tags": ["club"], "description": CLUB_ONLY +
        " Hvert opslag skrives i revisionsloggen.",
        "responses": {"200": {"description": "Delte, åbne henvisninger, nyeste deling først", **json_content({
            "type": "object", "required": ["results", "total"], "properties": {
                "results": {"type": "array", "items": ref("ClubReferral")}, "total": {"type": "integer"}}})},
            **errors(401, 403)}}},
    "/api/v1/club/referrals/{referral_id}/answer": {
        "parameters": [path_id("referral_id")],
        "post": {"summary": "Svar: Velkommen (med dato for første gang) eller Ingen plads", "tags": ["club"],
                 "description": CLUB_ONLY + " `welcome` kræver `first_session_on` og flytter henvisningen til "
                                "`trial` med den dato; kontaktpersonen får en mail (uden oplysninger om barnet).",
                 "requestBody": {"required": True, **json_content({
                     "type": "object", "required": ["answer"], "additionalProperties": False, "properties": {
                         "answer": {"type": "string", "enum": ["welcome", "no_room"]},
                         "first_session_on": DATE, "met_by": {"type": "string", "maxLength": 120},
                         "message": {"type": "string", "maxLength": 2000},
                         "suggested_offer_id": {"type": "integer",
                                                "description": "no_room: et andet af foreningens tilbud"}}})},
                 "responses": {"201": {"description": "Henvisningen med svaret", **json_content(ref("ClubReferral"))},
                               **errors(400, 401, 403, 404)}}},
    "/api/v1/club/referrals/{referral_id}/attendance": {
        "parameters": [path_id("referral_id")],
        "post": {"summary": "Registrér fremmøde (kom / kom ikke) på en dato", "tags": ["club"],
                 "description": CLUB_ONLY + " Registreringen lander i barnets deltagelse, markeret som "
                                "registreret af foreningen, og tæller i indikatorerne.",
                 "requestBody": {"required": True, **json_content({
                     "type": "object", "required": ["attended"], "additionalProperties": False, "properties": {
                         "date": {**DATE, "description": "Standard i dag; ikke i fremtiden"},
                         "attended": {"type": "boolean"}, "note": {"type": "string"}}})},
                 "responses": {"201": {"description": "Registreringen", **json_content({
                     "type": "object", "required": ["id", "date", "attended", "logged_by"], "properties": {
                         "id": {"type": "integer"}, "referral_id": {"type": "integer"}, "date": DATE,
                         "attended": {"type": "boolean"}, "note": NULL_STR,
                         "logged_by": {"type": "string", "enum": ["club"]},
                         "logged_at": {"type": "string", "format": "date-time"}}})},
                     **errors(400, 401, 403, 404)}}},
}

PARTICIPATION_GET: dict[str, Any] = {
    "get": {"summary": "Barnets deltagelse, nyeste først, med hvem der registrerede", "tags": ["participation"],
            "description": "contact_person: egne børn; key_staff: egen bydel; admin: alle; club_rep: 403. "
                           "Kun gældende registreringer (ikke rettede eller trukket tilbage).",
            "responses": {"200": {"description": "Registreringerne", **json_content({
                "type": "object", "required": ["results", "total"], "properties": {
                    "results": {"type": "array", "items": ref("ParticipationEntry")}, "total": {"type": "integer"}}})},
                **errors(401, 403, 404)}},
}
