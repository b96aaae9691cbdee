"""Import hygiene: unsafe links, invisible characters in names, one id for two organisations, and a
re-import of the product's own fresh export that must change nothing."""

import copy
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from matcher.catalogue.errors import ImportFailed
from matcher.catalogue.hsds_export import iter_services
from matcher.catalogue.hsds_import import import_services, load_services, read_services
from matcher.catalogue.models import Offer, Organisation
from matcher.urls import safe_url

DATA = Path(__file__).resolve().parent.parent / "data" / "hsds-3.1"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def danish_example():
    return json.loads((DATA / "danish-profile-example.json").read_text(encoding="utf-8"))


def refused(session, services) -> list[tuple[str, str]]:
    """Import ``services`` as a list and as streamed bytes; return the errors (the same both ways)."""
    found = []
    for source in (services, read_services(json.dumps(services, ensure_ascii=False).encode())):
        with pytest.raises(ImportFailed) as info:
            import_services(session, source)
        session.rollback()
        assert session.scalar(select(func.count(Offer.id))) == 0  # nothing stored half
        found.append([(e.field, e.message) for e in info.value.errors])
    assert found[0] == found[1]
    return found[0]


@pytest.mark.parametrize("value", ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:x", "data:text/html,<b>",
                                   "vbscript:msgbox", "file:///etc/passwd", "java\tscript:alert(1)", "//evil.example",
                                   "http://"])
def test_safe_url_refuses_everything_but_web_mail_and_phone_links(value):
    assert safe_url(value) is None


@pytest.mark.parametrize("value", ["https://kk.dk/fritid", "http://example.com", "mailto:klub@example.dk",
                                   "tel:+4533663366", "HTTPS://KK.DK"])
def test_safe_url_keeps_web_mail_and_phone_links(value):
    assert safe_url(value) == value


@pytest.mark.parametrize(("where", "value"), [
    (("organization", "website"), "javascript:alert(document.cookie)"),
    (("organization", "logo"), "data:image/svg+xml,<svg onload=alert(1)>"),
    (("url",), "javascript:void(0)"),
])
def test_unsafe_links_refuse_the_file_naming_the_field(reference, where, value):
    services = danish_example()
    target = services[1]
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    errors = refused(reference, services)
    assert [f for f, _ in errors] == [".".join(where)]
    assert "http(s), mailto or tel" in errors[0][1] and value.split(":")[0] in errors[0][1]


def test_links_deep_in_the_tree_are_checked_too(reference):
    services = danish_example()
    services[0]["service_at_locations"][0]["location"]["url"] = "javascript:alert(1)"
    assert [f for f, _ in refused(reference, services)] == ["service_at_locations[0].location.url"]


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200b", "\u200f", "\ufeff", "\u2060"])
def test_bidi_and_zero_width_characters_in_names_are_refused(reference, char):
    services = danish_example()
    services[0]["name"] = f"Pige{char}fodbold"
    services[1]["organization"]["name"] = f"Klub{char}"
    errors = refused(reference, services)
    assert sorted(f for f, _ in errors) == ["name", "organization.name"]
    assert all(f"U+{ord(char):04X}" in m for _, m in errors)


def test_invisible_characters_in_descriptions_are_allowed(reference):
    services = danish_example()
    services[0]["description"] = "Emoji med ZWJ: \U0001F469\u200d\U0001F467"
    assert import_services(reference, services).created == 2


def test_one_organisation_id_with_different_content_is_refused(reference):
    services = danish_example()
    services[1]["organization"] = copy.deepcopy(services[0]["organization"])
    services[1]["organization"]["name"] = "Et helt andet navn"
    errors = refused(reference, services)
    assert errors[0][0] == "organization"
    assert services[0]["organization"]["id"] in errors[0][1] and "service[0]" in errors[0][1]


def test_one_organisation_id_with_the_same_content_is_one_organisation(reference):
    services = danish_example()
    services[1]["organization"] = copy.deepcopy(services[0]["organization"])
    assert import_services(reference, services).created == 2
    assert reference.scalar(select(func.count(Organisation.id))) == 1


def test_reimporting_a_fresh_export_of_the_demo_catalogue_changes_nothing(reference):
    """The demo file states organisation kinds and lists interests out of code order: both used to come
    back different from the export, so the first re-import reported hundreds of updates."""
    demo = load_services((SEEDS / "demo_catalogue.json").read_bytes())
    assert import_services(reference, demo).created == len(demo)
    reference.commit()
    exported = list(iter_services(reference))
    summary = import_services(reference, json.loads(json.dumps(exported)))
    assert summary.as_dict() == {"created": 0, "updated": 0, "unchanged": len(demo), "flagged": 0}
    assert not reference.dirty and not reference.new
    assert list(iter_services(reference)) == exported


@pytest.mark.parametrize(("service", "expected"), [
    ({"id": "a", "name": "Fodbold"}, False),
    ({"id": "a", "url": "https://example.org"}, True),
    ({"id": "a", "organization": {"website": "https://example.org"}}, True),
    ({"id": "a", "name": "Fod\u200bbold"}, True),
])
def test_the_text_precheck_never_skips_a_record_the_walk_would_refuse(service, expected):
    from matcher.catalogue.hsds_hygiene import may_hold_bad_links_or_names

    assert may_hold_bad_links_or_names(json.dumps(service, ensure_ascii=False)) is expected
    assert may_hold_bad_links_or_names(json.dumps(service)) is expected
