"""The HSDS taxonomies of the demo and the attribute rows that link a service to their terms."""

from __future__ import annotations

from seeds.demo.common import uid

TAXONOMIES = {
    "interest": "Interessekategorier i den danske HSDS-profil (fodbold, dans, e-sport, fritidsjob-brancher ...).",
    "offer-kind": "Tilbudstype: aktivitet, fritidsjob eller mentor.",
    "gender": "Kønsbegrænsning på et hold eller tilbud.",
    "support": "Støtteordninger, som tilbuddet kan dækkes af (fx kontingentstøtte).",
    "organisation-kind": "Hvilken slags organisation der står bag tilbuddet (forening, idrætsklub, klub, "
                         "kulturhus, fritidsjob-arbejdsplads, mentorprogram).",
    "inclusion": "Organisationens erfaring og politik for at inkludere og passe på børn "
                 "(erfaring med udsatte børn, børneattest på alle voksne).",
}
OFFER_KIND_NAMES = {"activity": "Aktivitet", "leisure-job": "Fritidsjob", "mentoring": "Mentor"}
ORG_KIND_NAMES = {"association": "Forening", "sports-club": "Idrætsforening", "youth-club": "Fritids- og ungdomsklub",
                  "culture-house": "Bibliotek eller kulturhus", "leisure-job-employer": "Fritidsjob-arbejdsplads",
                  "mentor-programme": "Mentorprogram"}
INCLUSION = {"vulnerable-experience": ("Erfaring med udsatte børn",
                                       "Foreningen har erfaring med at inkludere udsatte børn og unge"),
             "childcert-policy": ("Børneattest på alle voksne",
                                  "Organisationen indhenter børneattest på alle voksne med kontakt til børn")}


class Terms:
    def __init__(self, interests: list[dict]) -> None:
        self.interest = {t["code"]: t["name"] for t in interests}

    def term(self, taxonomy: str, code: str) -> tuple[str, str, str]:
        """Return (name, label, description)."""
        if taxonomy == "interest":
            n = self.interest[code]
            return n, n, f"Interessekategori: {n}"
        if taxonomy == "offer-kind":
            n = OFFER_KIND_NAMES[code]
            return n, n, f"Tilbudstype: {n}"
        if taxonomy == "gender":
            n = {"girls": "Kun for piger", "boys": "Kun for drenge"}[code]
            return n, n, n
        if taxonomy == "support":
            return "Kontingentstøtte", "Kontingentstøtte", "Kan dækkes af kommunens kontingentstøtte"
        if taxonomy == "organisation-kind":
            n = ORG_KIND_NAMES[code]
            return n, n, f"Organisationstype: {n}"
        if taxonomy == "inclusion":
            n, d = INCLUSION[code]
            return n, n, d
        raise KeyError(taxonomy)

    def attribute(self, service_id: str, taxonomy: str, code: str) -> dict:
        """Return the HSDS attribute linking ``service_id`` to the term ``code`` of ``taxonomy``."""
        name, label, desc = self.term(taxonomy, code)
        tax_id = uid("taxonomy", taxonomy)
        term_id = uid("term", taxonomy, code)
        return {
            "id": uid("attribute", service_id, taxonomy, code),
            "link_id": service_id,
            "link_type": "service",
            "link_entity": "service",
            "taxonomy_term_id": term_id,
            "value": code,
            "label": label,
            "taxonomy_term": {
                "id": term_id,
                "code": code,
                "name": name,
                "description": desc,
                "taxonomy": taxonomy,
                "taxonomy_detail": {"id": tax_id, "name": taxonomy, "description": TAXONOMIES[taxonomy]},
                "taxonomy_id": tax_id,
                "language": "da",
            },
        }

