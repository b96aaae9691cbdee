"""The Danish HSDS 3.1 profile: taxonomies and value mappings shared by import and export."""

from __future__ import annotations

from matcher.catalogue.models import GenderRestriction, OfferKind, OfferStatus, OrganisationKind

INTEREST = "interest"
OFFER_KIND = "offer-kind"
GENDER = "gender"
SUPPORT = "support"
ORGANISATION_KIND = "organisation-kind"
INCLUSION = "inclusion"
MODELLED_TAXONOMIES = {INTEREST, OFFER_KIND, GENDER, SUPPORT, ORGANISATION_KIND, INCLUSION}

FEE_SUPPORT = "fee-support"
VULNERABLE_EXPERIENCE = "vulnerable-experience"
CHILDCERT_POLICY = "childcert-policy"

TAXONOMY_DESCRIPTIONS = {
    INTEREST: "Interessekategorier i den danske HSDS-profil (fodbold, dans, e-sport, fritidsjob-brancher ...).",
    OFFER_KIND: "Tilbudstype: aktivitet, fritidsjob eller mentor.",
    GENDER: "Kønsbegrænsning på et hold eller tilbud.",
    SUPPORT: "Støtteordninger, som tilbuddet kan dækkes af (fx kontingentstøtte).",
    ORGANISATION_KIND: "Hvem der står bag tilbuddet: forening, idrætsforening, klub, kulturhus, arbejdsgiver, mentorprogram.",
    INCLUSION: "Foreningens inklusionsparathed: erfaring med udsatte børn, børneattest-politik.",
}

TERM_NAMES = {
    OFFER_KIND: {OfferKind.activity.value: "Aktivitet", OfferKind.leisure_job.value: "Fritidsjob",
                 OfferKind.mentoring.value: "Mentor"},
    GENDER: {GenderRestriction.girls.value: "Kun for piger", GenderRestriction.boys.value: "Kun for drenge"},
    SUPPORT: {FEE_SUPPORT: "Kontingentstøtte"},
    ORGANISATION_KIND: {
        OrganisationKind.association.value: "Forening",
        OrganisationKind.sports_club.value: "Idrætsforening",
        OrganisationKind.youth_club.value: "Fritids- og ungdomsklub",
        OrganisationKind.culture_house.value: "Kulturhus eller bibliotek",
        OrganisationKind.leisure_job_employer.value: "Fritidsjob-arbejdsplads",
        OrganisationKind.mentor_programme.value: "Mentorprogram",
    },
    INCLUSION: {VULNERABLE_EXPERIENCE: "Erfaring med udsatte børn",
                CHILDCERT_POLICY: "Indhenter børneattest på alle voksne"},
}

# HSDS service status <-> offer status. Export keeps the imported status when it maps the same way.
STATUS_FROM_HSDS = {
    "active": OfferStatus.active,
    "temporarily closed": OfferStatus.paused,
    "inactive": OfferStatus.closed,
    "defunct": OfferStatus.closed,
}
STATUS_TO_HSDS = {OfferStatus.active: "active", OfferStatus.paused: "temporarily closed",
                  OfferStatus.closed: "inactive"}

BYDAY = {"MO": "mon", "TU": "tue", "WE": "wed", "TH": "thu", "FR": "fri", "SA": "sat", "SU": "sun"}
BYDAY_REVERSE = {v: k for k, v in BYDAY.items()}

# Denmark's bounding box (incl. Bornholm, excl. the Faroes and Greenland).
DENMARK_LAT = (54.4, 57.9)
DENMARK_LON = (7.9, 15.3)


def default_organisation_kind(kind: OfferKind) -> OrganisationKind:
    """Return the organisation kind assumed when an import does not state one."""
    return {OfferKind.leisure_job: OrganisationKind.leisure_job_employer,
            OfferKind.mentoring: OrganisationKind.mentor_programme}.get(kind, OrganisationKind.association)
