"""Danish labels of the codes used in data and code: weekdays, statuses, kinds, roles, reasons, fields.

One place for the words the screens, mails, exports and the ranking core show for an id. This module
imports nothing of ours but ``matcher.languages`` (the language names), so every layer may use it —
the ranking core included.
Error messages are not here: they are gettext texts (``matcher.error_texts``, ``matcher.messages``).
"""

from __future__ import annotations

from matcher.languages import LANGUAGE_NAMES

__all__ = ["ACCOMPANIED_BY", "AUDIT_ACTION_NAMES", "AUDIT_OBJECT_NAMES", "CLOSING_REASONS", "CLUB_ANSWERS",
           "DAYPART_NAMES", "END_REASONS", "EXCLUSION_NAMES", "FIELD_NAMES", "GENDERS", "GENDER_FILTERS",
           "INTEREST_GROUP_NAMES", "KIND_NAMES", "LANGUAGE_NAMES", "MONTHS", "ORGANISATION_KIND_NAMES",
           "PHASE_KINDS", "REFERRAL_STATUSES", "ROLE_NAMES", "SORT_NAMES", "STATUS_NAMES", "WEEKDAY_NAMES",
           "WEEKDAY_SHORT"]

#: Weekday codes (``matcher.catalogue.models.WEEKDAYS``) with their Danish names, and the short forms.
WEEKDAY_NAMES = {"mon": "mandag", "tue": "tirsdag", "wed": "onsdag", "thu": "torsdag", "fri": "fredag",
                 "sat": "lørdag", "sun": "søndag"}
WEEKDAY_SHORT = {"mon": "man", "tue": "tir", "wed": "ons", "thu": "tor", "fri": "fre", "sat": "lør", "sun": "søn"}

#: Role ids (``matcher.accounts.models.Role``) with their Danish names.
ROLE_NAMES = {"admin": "Administrator", "key_staff": "Nøglemedarbejder", "contact_person": "Kontaktperson",
              "club_rep": "Foreningskontakt"}

#: Gender ids of a child with Danish labels.
GENDERS = {"girl": "Pige", "boy": "Dreng", "other": "Andet", "unknown": "Ikke oplyst"}

#: The club's answers to a shared referral.
CLUB_ANSWERS = {"welcome": "Velkommen", "no_room": "Ingen plads"}

#: Referral status ids in pathway order, with Danish labels.
REFERRAL_STATUSES = {
    "suggested": "Foreslået",
    "contacted": "Kontaktet",
    "trial": "Prøvetræning/første møde",
    "active": "Aktiv",
    "ended": "Afsluttet",
}

#: Why a referral ended (fixed list); ``other`` needs a note.
END_REASONS = {
    "lost_interest": "Barnet mistede interessen",
    "moved": "Flyttet",
    "too_far": "For langt væk",
    "cost": "Prisen",
    "conflict": "Konflikt",
    "club_could_not_include": "Foreningen kunne ikke rumme barnet",
    "job_ended": "Jobbet ophørte",
    "completed": "Gennemført/for gammel",
    "other": "Andet",
}

#: Who accompanied the child to a session.
ACCOMPANIED_BY = {
    "alone": "Alene",
    "contact_person": "Kontaktperson",
    "network": "En fra netværket",
    "club_contact": "Foreningens kontaktperson",
}

#: Phase kinds (ids in code, Danish labels in the interface); extend by adding an entry.
PHASE_KINDS = {
    "fritidspakke": "Fritidspakke",
    "fritidsjob": "Fritidsjob",
    "mentor": "Fritidsliv med Mentor",
    "selvstaendigt": "Selvstændigt fritidsliv",
}

#: Why a phase ended. ``bridged`` is set only by starting the successor phase.
CLOSING_REASONS = {
    "bridged": "Videre i næste fase",
    "goal_reached": "Målet er nået – aktivt fritidsliv på egen hånd",
    "moved": "Flyttet",
    "declined": "Barnet/familien ønsker ikke at fortsætte",
    "aged_out": "For gammel til indsatsen",
    "case_closed": "Sagen er afsluttet",
    "other": "Andet",
}

#: Offers, organisations and the search form's choices; audit log words; form and API field names.
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
