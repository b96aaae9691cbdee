"""Review finding 4: every outside URL rendered in a page or republished passes one allow-list of schemes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matcher.catalogue.hsds_export import service_dict
from matcher.catalogue.models import Offer
from matcher.urls import safe_url, without_unsafe_urls

HOSTILE = ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "\x01javascript:alert(1)",
           "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "vbscript:msgbox(1)", "//evil.example",
           "www.example.dk", "https://", "mailto:", "", None, 42, "https://x.dk/" + "a" * 3000]


@pytest.mark.parametrize("value", HOSTILE)
def test_safe_url_refuses_other_schemes_and_forgiven_spellings(value):
    assert safe_url(value) is None


@pytest.mark.parametrize("value", ["https://boldklub.dk/hold?u=12", "http://example.dk", "mailto:info@klub.dk",
                                   "tel:+4512345678", "HTTPS://KLUB.DK"])
def test_safe_url_keeps_web_mail_and_phone_links(value):
    assert safe_url(value) == value


def test_unsafe_urls_are_dropped_anywhere_in_a_document():
    doc = {"url": "javascript:x", "organization": {"website": "https://ok.dk", "logo": "data:image/svg+xml,<svg>"},
           "contacts": [{"url": "vbscript:y", "name": "A"}], "description": "javascript: is only text here"}
    assert without_unsafe_urls(doc) == {"organization": {"website": "https://ok.dk"}, "contacts": [{"name": "A"}],
                                        "description": "javascript: is only text here"}


@pytest.fixture
def poisoned(db, ids):
    """Give the club's offer and organisation javascript: URLs, as an import before issue 15 could store them."""
    offer = db.get(Offer, ids.own)
    org = offer.organisation
    org.website = "javascript:alert(document.cookie)"
    org.email = "x@y.dk"
    org.hsds_source = {**(org.hsds_source or {}), "website": "javascript:alert(1)", "url": "JavaScript:alert(2)"}
    offer.hsds_source = {**(offer.hsds_source or {}), "url": "javascript:alert(3)"}
    db.commit()
    return offer


def test_the_offer_page_links_no_javascript_url(login, poisoned):
    page = login("contact_person").get(f"/tilbud/{poisoned.id}").get_data(as_text=True)
    assert "javascript:alert(document.cookie)" in page  # shown as text, so staff can see what is wrong
    assert 'href="javascript' not in page.lower() and "ikke et gyldigt link" in page
    assert 'href="mailto:x@y.dk"' in page


def test_the_hsds_feed_and_export_never_republish_it(client, db, poisoned):
    feed = client.get("/api/hsds/services").get_data(as_text=True)
    assert "javascript:" not in feed.lower()
    exported = service_dict(db.scalars(select(Offer).where(Offer.id == poisoned.id)).one())
    assert "url" not in exported and "website" not in exported["organization"]
    assert "url" not in exported["organization"]


def test_the_json_api_gives_no_unsafe_website(api, poisoned):
    body = api("admin", "GET", f"/api/v1/organisations/{poisoned.organisation_id}").get_json()
    assert body["website"] is None
