"""Danish labels and template filters for codes, money, dates and distances."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from flask import Flask

from matcher.accounts.models import Role
from matcher.clock import COPENHAGEN
from matcher.languages import LANGUAGE_NAMES
from matcher.urls import safe_url

WEEKDAY_NAMES = {"mon": "mandag", "tue": "tirsdag", "wed": "onsdag", "thu": "torsdag", "fri": "fredag",
                 "sat": "lørdag", "sun": "søndag"}
KIND_NAMES = {"activity": "Aktivitet", "leisure-job": "Fritidsjob", "mentoring": "Mentor"}
STATUS_NAMES = {"active": "Aktiv", "paused": "På pause", "closed": "Lukket", "pending": "Afventer godkendelse"}
GENDER_FILTERS = {"girl": "Piger kan deltage", "boy": "Drenge kan deltage", "girls-only": "Kun pigehold",
                  "boys-only": "Kun drengehold"}
DAYPART_NAMES = {"morning": "Formiddag (før kl. 12)", "afternoon": "Eftermiddag (kl. 12–17)",
                 "evening": "Aften (efter kl. 17)"}
SORT_NAMES = {"relevance": "Bedste match", "distance": "Afstand", "price": "Pris, billigste først",
              "spots": "Flest ledige pladser"}
AUDIT_OBJECT_NAMES = {"child": "barn", "user": "bruger", "audit_log": "revisionslog", "referral": "henvisning",
                      "participation": "deltagelse", "warning": "advarsel"}
AUDIT_ACTION_NAMES = {
    "view": "Så", "create": "Oprettede", "update": "Ændrede", "export": "Eksporterede", "erase": "Slettede",
    "retention": "Slettet efter opbevaringsfrist", "login": "Loggede ind", "login_failed": "Mislykket login",
    "logout": "Loggede ud", "totp_enrolled": "Opsatte totrinsbekræftelse", "totp_reset": "Nulstillede totrin",
    # Labels of audit actions, not passwords.
    "password_changed": "Skiftede adgangskode", "password_reset": "Gav ny adgangskode",  # nosec B105
}
ORGANISATION_KIND_NAMES = {"association": "Forening", "sports-club": "Idrætsforening", "youth-club": "Klub",
                           "culture-house": "Kulturhus / bibliotek", "leisure-job-employer": "Fritidsjob-arbejdsplads",
                           "mentor-programme": "Mentorordning"}
INTEREST_GROUP_NAMES = {"sport": "Sport", "kampsport": "Kampsport", "vand": "I vandet", "dans": "Dans",
                        "musik": "Musik", "kreativ": "Kreativt", "kultur": "Kultur", "digital": "Digitalt",
                        "spil": "Spil", "natur": "Natur og friluftsliv", "dyr": "Dyr", "mad": "Mad",
                        "laering": "Lektier og læring", "faellesskab": "Fællesskab", "fritidsjob": "Fritidsjob",
                        "andet": "Andet"}
MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december")
FIELD_NAMES = {"title": "Titel", "description": "Beskrivelse", "age_min": "Alder fra", "age_max": "Alder til",
               "monthly_fee_dkk": "Pris pr. måned", "fee_support": "Kontingentstøtte", "capacity": "Pladser i alt",
               "spots_free": "Ledige pladser", "status": "Status", "schedules": "Mødetider",
               "verified_at": "Bekræftet korrekt", "name": "Navn", "email": "E-mail", "phone": "Telefon",
               "website": "Hjemmeside", "address": "Adresse", "postcode": "Postnummer", "city": "By",
               "version": "Version", "created": "Nyt tilbud", "review_note": "Begrundelse", "place_name": "Sted",
               "reason": "Begrundelse", "child_id": "Barn", "search_name": "Navn på søgningen",
               # children, referrals and participation
               "code": "Kode", "birth_year": "Fødselsår", "birth_date": "Fødselsdato", "gender": "Køn",
               "district_id": "Bydel", "district": "Bydel", "interests": "Interesser", "languages": "Sprog",
               "weekdays": "Ugedage", "age": "Alder", "max_distance_km": "Højst afstand",
               "max_monthly_fee_dkk": "Højst pris pr. måned", "waiting_list": "Venteliste", "kind": "Type",
               "limit": "Antal", "date": "Dato", "attended": "Fremmøde", "accompanied_by": "Fulgt af",
               "network_person_id": "Netværksperson", "note": "Note", "referral_id": "Henvisning",
               "end_reason": "Årsag", "end_note": "Note om afslutningen", "on": "Dato",
               "shared_with_club_on": "Samtykke givet", "shared_with_club_scope": "Hvad må foreningen vide",
               "shared_with_club_name": "Fornavn eller initialer", "label": "Fornavn eller rolle",
               "relation": "Relation", "start_date": "Startdato", "goal": "Mål", "closing_reason": "Årsag",
               "end_date": "Slutdato", "closing_note": "Note", "period": "Periode",
               "offer_id": "Tilbud", "sort": "Sortér efter", "time": "Tidspunkt", "mentor_id": "Mentor", "idempotency_key": "Registrering",
               "consent": "Samtykke", "contact_person_id": "Kontaktperson", "suggested_on": "Foreslået den",
               "note_handled": "Note", "snoozed_until": "Udsat til", "child_code": "Barnets kode",
               "status_on": "Dato", "child": "Barnets kode", "actor": "Bruger", "from": "Fra dato",
               "to": "Til dato", "action": "Handling", "warning": "Advarsel", "role": "Rolle",
               "organisation": "Organisation", "mapped_to": "Kobl til", "q": "Søgning",
               "max_km": "Højst afstand", "district_slug": "Bydel"}
# The labels of the password fields: Danish words for a form, not passwords.
FIELD_NAMES.update({"password": "Adgangskode", "current_password": "Nuværende adgangskode",  # nosec B105
                    "new_password": "Ny adgangskode"})  # nosec B105
#: Why the matcher left candidates out (``RankResult.excluded``), as short Danish phrases.
EXCLUSION_NAMES = {"not_active": "ikke aktive", "age": "alder", "gender": "køn",
                   "young_worker": "regler for unges arbejde", "mentor_not_approved": "mentor ikke godkendt",
                   "childcert": "børneattest mangler", "mentor_capacity": "mentor har ikke plads",
                   "no_free_spots": "ingen ledige pladser", "fee": "pris", "distance": "afstand"}


def kroner(value: Decimal | float | None) -> str:
    """Return '150 kr.' / 'Gratis' / '–' for a monthly fee."""
    if value is None:
        return "–"
    if value == 0:
        return "Gratis"
    whole = f"{float(value):,.0f}".replace(",", ".")
    return f"{whole} kr."


def km(value: float | None) -> str:
    """Return a distance with a Danish decimal comma: '2,3 km'."""
    return "" if value is None else f"{value:.1f} km".replace(".", ",")


def danish_date(value: dt.date | dt.datetime | str | None) -> str:
    """Return '1. september 2026' (also for an ISO date string)."""
    if value is None:
        return "aldrig"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return f"{value.day}. {MONTHS[value.month - 1]} {value.year}"


def short_date(value: dt.date | str | None) -> str:
    """Return '16.10.2026' (for narrow table columns; also for an ISO date string)."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return "–" if value is None else f"{value.day}.{value.month}.{value.year}"


def copenhagen() -> dt.tzinfo:
    """Return the Europe/Copenhagen time zone."""
    return COPENHAGEN


def danish_datetime(value: dt.datetime | None) -> str:
    """Return '1. september 2026 kl. 14:05' in Copenhagen time."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(copenhagen())
    return f"{danish_date(value)} kl. {value:%H:%M}"


def change_value(value: str | None, field: str) -> str:
    """Return a ListingChange value as Danish text: dates, money, status and weekdays."""
    if value is None or value == "":
        return "–"
    if field == "verified_at":
        try:
            return danish_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    if field == "monthly_fee_dkk":
        try:
            return kroner(Decimal(value))
        except InvalidOperation:
            return value
    if field == "status":
        return STATUS_NAMES.get(value, value)
    if field == "schedules":
        for code, name in WEEKDAY_NAMES.items():
            value = value.replace(code, name[:3])
        return value.replace(",", ", ").replace(";", ";\n")
    return value


def ages(lo: int | None, hi: int | None) -> str:
    """Return '10–12 år', 'fra 10 år', 'alle aldre'."""
    if lo is None and hi is None:
        return "Alle aldre"
    if hi is None:
        return f"Fra {lo} år"
    if lo is None:
        return f"Til {hi} år"
    return f"{lo}–{hi} år"


#: How an error message starts when it continues the field's name ("Fødselsår skal være …").
_CONTINUES = ("skal ", "kan ", "må ", "er ", "indeholder ", "hører ", "mangler", "findes ", "ligger ")


def field_name(field: str) -> str:
    """Return the Danish name of a form or API field (the key itself only when there is none)."""
    return FIELD_NAMES.get(field, field)


def error_sentence(field: str | None, message: str) -> str:
    """Return an error as one Danish sentence without field keys: "Fødselsdato kan ikke ligge i fremtiden."."""
    message = (message or "").strip()
    if not message:
        return ""
    label = FIELD_NAMES.get(field or "")
    if label and message.startswith(_CONTINUES):
        text = f"{label} {message}"
    else:
        text = message[0].upper() + message[1:]
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def init_app(app: Flask) -> None:
    """Register the filters and label tables with Jinja."""
    app.jinja_env.filters.update(kroner=kroner, km=km, dkdate=danish_date, dkdatetime=danish_datetime,
                                 shortdate=short_date, change_value=change_value, safe_url=safe_url, sentence=lambda message, field=None: error_sentence(field, message),
                                 field_name=field_name)
    app.jinja_env.globals.update(error_sentence=error_sentence)
    app.jinja_env.globals.update(
        ages=ages, WEEKDAY_NAMES=WEEKDAY_NAMES, KIND_NAMES=KIND_NAMES, STATUS_NAMES=STATUS_NAMES,
        ORGANISATION_KIND_NAMES=ORGANISATION_KIND_NAMES, LANGUAGE_NAMES=LANGUAGE_NAMES, FIELD_NAMES=FIELD_NAMES,
        EXCLUSION_NAMES=EXCLUSION_NAMES, GENDER_FILTERS=GENDER_FILTERS, DAYPART_NAMES=DAYPART_NAMES,
        SORT_NAMES=SORT_NAMES, AUDIT_ACTION_NAMES=AUDIT_ACTION_NAMES,
        AUDIT_OBJECT_NAMES=AUDIT_OBJECT_NAMES, ROLE_NAMES={r.value: r.label for r in Role})
