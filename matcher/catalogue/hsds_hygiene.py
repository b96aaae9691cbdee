"""Import hygiene for HSDS services: safe links, visible names, one content per organisation id.

Record-level checks shared by every HSDS import path (files, feeds, streaming or not).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from typing import Any, Protocol

from matcher.catalogue.errors import RecordError
from matcher.urls import safe_url

# Keys whose text is a link wherever they occur in a service tree (all are republished in the feed).
URL_KEYS = frozenset({"url", "website", "uri", "logo", "term_uri"})
# Keys whose text is shown as a name wherever they occur.
NAME_KEYS = frozenset({"name", "alternate_name"})
# Bidirectional controls and zero-width characters: they make a name look like another one.
INVISIBLE = frozenset("\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                      "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff")


class Failing(Protocol):
    """Anything that records a field error for the current record."""

    def fail(self, fieldname: str, message: str) -> None: ...


def invisible_character(value: str) -> str | None:
    """Return why ``value`` cannot be a name (a bidi control or zero-width character), or None."""
    for ch in value:
        if ch in INVISIBLE:
            return (f"contains an invisible control character U+{ord(ch):04X} "
                    f"({unicodedata.name(ch, 'format character')}); names must look like what they are")
    return None


def link_problem(value: str) -> str | None:
    """Return why ``value`` cannot be published as a link, or None."""
    if safe_url(value) is not None:
        return None
    scheme = value.strip().split(":", 1)[0][:20] if ":" in value else ""
    shown = f"{scheme}:" if scheme else repr(value[:40])
    return f"must be an http(s), mailto or tel link, got {shown}"


_INVISIBLE_TEXT = re.compile("[" + "".join(sorted(INVISIBLE)) + "]")
_LINK_KEYS_TEXT = tuple(f'"{key}"' for key in sorted(URL_KEYS))
# An escape that may spell an ASCII letter of a key or an invisible character (a superset of both).
_RISKY_ESCAPE = re.compile(r"\\u(?:00[0-7]|061[cC]|180[eE]|20[0-6]|[fF][eE][fF][fF])")


def may_hold_bad_links_or_names(text: str) -> bool:
    """Tell from a record's JSON text whether it can hold a link or name ``check_links_and_names`` refuses."""
    # Every invisible character is outside ASCII, and ``isascii`` reads a flag the string carries:
    # an ASCII text (every file written with escapes) needs no scan for them.
    return (("\\u" in text and _RISKY_ESCAPE.search(text) is not None)
            or (not text.isascii() and _INVISIBLE_TEXT.search(text) is not None)
            or any(key in text for key in _LINK_KEYS_TEXT))


def check_links_and_names(c: Failing, raw: Any, path: str = "") -> None:
    """Refuse unsafe links and invisible characters in names anywhere in a service tree."""
    if isinstance(raw, dict):
        for key, value in raw.items():
            here = f"{path}.{key}" if path else str(key)
            if isinstance(value, str) and value:
                if key in URL_KEYS and (problem := link_problem(value)):
                    c.fail(here, problem)
                elif key in NAME_KEYS and (problem := invisible_character(value)):
                    c.fail(here, problem)
            elif isinstance(value, (dict, list)):
                check_links_and_names(c, value, here)
    elif isinstance(raw, list):
        for i, item in enumerate(raw):
            check_links_and_names(c, item, f"{path}[{i}]")


#: The canonical text an organisation's content is compared by (one encoder, not one per call).
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str).encode


class Organisation(Protocol):
    """What the ledger reads of a parsed organisation."""

    external_id: str
    source: Any


class Service(Protocol):
    """What the ledger reads of a parsed service (``hsds_parse.ParsedService``, which uses this module)."""

    external_id: str
    organisation: Organisation


def organisation_digest(source: Any) -> str:
    """Return the digest an organisation's HSDS object is compared by (stored on offers for re-imports)."""
    return hashlib.blake2b(_CANONICAL(source).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class OrganisationLedger:
    """Remembers each organisation id's content in one file, to refuse two different ones."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple[str, int]] = {}

    def check(self, service: Service, index: int, errors: list[RecordError]) -> bool:
        """Return False (and append an error) when the service's organisation differs from an earlier one."""
        org = service.organisation
        return self.check_digest(org.external_id, organisation_digest(org.source), service.external_id, index,
                                 errors)

    def check_digest(self, org_id: str, digest: str, service_id: str, index: int,
                     errors: list[RecordError]) -> bool:
        """Check an organisation by its id and content digest (``organisation_digest``), as ``check`` does."""
        first = self.seen.setdefault(org_id, (digest, index))
        if first[0] == digest:
            return True
        errors.append(RecordError(
            f"service[{index}] id={service_id}", "organization",
            "hsds.organisation_conflict", id=repr(org_id), index=first[1]))
        return False

    def digest(self, org_id: str) -> str:
        """Return the content digest of an organisation id met in this file."""
        return self.seen[org_id][0]
