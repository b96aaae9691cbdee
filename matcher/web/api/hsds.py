"""The public, read-only HSDS 3.1 API under /api/hsds: the specification's paths and parameters.

No token; only offers and their organisations (never children, referrals or mentors). Lists page
(``page``, ``per_page``) or stream everything as ``format=ndjson``; each list also answers POST with
the same parameters in the query string, a form or a JSON object body.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import Blueprint, Response, jsonify, stream_with_context, url_for
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from matcher.catalogue import hsds_feed as feed
from matcher.catalogue.hsds_export import organisation_dict, service_dict, service_id, service_status
from matcher.catalogue.hsds_schemas import SCHEMA_DIR, openapi_document, schema_file
from matcher.catalogue.hsds_terms import TAXONOMIES, all_terms, find_taxonomy, taxonomy_dict, term_dict
from matcher.web.api import ApiError
from matcher.web.errors import error_body
from matcher.web.api import hsds_params as q
from matcher.web.database import get_session
from matcher.web.security import database_unavailable

bp = Blueprint("hsds_api", __name__, url_prefix="/api/hsds")
LIST = ("GET", "POST")
HSDS_VERSION = "3.1"
STREAM_CHUNK = 50  # items per chunk written while streaming ndjson


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    return error_body(exc.message, exc.field, exc.status, exc.code)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    return error_body(exc.description or exc.name, status=exc.code or 500)


@bp.errorhandler(OperationalError)
@bp.errorhandler(InterfaceError)
def _database_unavailable(exc):
    return database_unavailable(exc)


def _not_found(kind: str, ident: str):
    return error_body(f"Ingen {kind} med id {ident!r}", "id", 404)


def _listing(page: feed.Page | None, render: Callable[[Any], Iterable[dict]], stream: Callable[[], Iterator[Any]],
             fmt: str):
    """Answer a page as JSON, or every row as newline-delimited JSON streamed a batch at a time."""
    if fmt == "ndjson":
        def lines() -> Iterator[str]:
            buffer: list[str] = []
            for row in stream():
                buffer += [json.dumps(item, ensure_ascii=False) + "\n" for item in render(row)]
                if len(buffer) >= STREAM_CHUNK:
                    yield "".join(buffer)
                    buffer = []
            if buffer:
                yield "".join(buffer)

        return Response(stream_with_context(lines()), mimetype="application/x-ndjson")
    contents = [item for row in page.rows for item in render(row)]
    return jsonify(page.envelope(contents))


@bp.get("/")
def meta():
    """Describe this API: HSDS version, profile and OpenAPI document."""
    return jsonify({"version": HSDS_VERSION, "profile": url_for(".profile", _external=True),
                    "openapi_url": url_for(".openapi", _external=True)})


@bp.get("/profile")
def profile():
    """Serve the Danish HSDS profile document (Markdown)."""
    text = (SCHEMA_DIR.parent / "profile.md").read_text(encoding="utf-8")
    return Response(text, mimetype="text/markdown")


@bp.get("/openapi.json")
def openapi():
    """Serve the official HSDS OpenAPI document, its schema references pointing at this server."""
    doc = openapi_document(url_for(".schema", path="", _external=True))
    doc["info"] = {"title": "matcher — HSDS 3.1 (dansk profil)", "version": HSDS_VERSION,
                   "description": "Offentligt, skrivebeskyttet HSDS 3.1-API over Københavns fritidstilbud.",
                   "license": {"name": "CC BY-SA 4.0 (HSDS-specifikationen)",
                               "url": "https://creativecommons.org/licenses/by-sa/4.0/"}}
    doc["servers"] = [{"url": url_for(".meta", _external=True).rstrip("/")}]
    return jsonify(doc)


@bp.get("/schema/<path:path>")
def schema(path: str):
    """Serve an official HSDS schema, or a compiled one built from them."""
    found = schema_file(path)
    if found is None:
        return error_body(f"Intet HSDS-skema {path!r}", "path", 404)
    return jsonify(found)


def _service_item(minimal: bool, full: bool) -> Callable[[Any], list[dict]]:
    def render(offer) -> list[dict]:
        if minimal:
            return [{"id": service_id(offer), "name": offer.title, "status": service_status(offer),
                     "last_modified": feed.last_modified(offer)}]
        service = service_dict(offer)
        return [service if full else {**feed.list_view(service), "last_modified": feed.last_modified(offer)}]
    return render


@bp.route("/services", methods=LIST)
def services():
    """List services (one-to-one fields; ``full`` nests everything, ``minimal`` gives id and last_modified)."""
    p = q.params()
    minimal, full, fmt = q.boolean(p, "minimal"), q.boolean(p, "full"), q.output_format(p)
    page, size = q.paging(p, minimal)
    f = q.feed_filter(p)
    session = get_session()
    return _listing(feed.page_services(session, f, page, size) if fmt == "json" else None,
                    _service_item(minimal, full), lambda: feed.iter_services(session, f), fmt)


@bp.get("/services/<string:id>")
def service(id: str):  # noqa: A002 - the specification's path parameter
    """Return one fully nested service."""
    offer = feed.find_service(get_session(), id)
    return jsonify(service_dict(offer)) if offer else _not_found("service", id)


def _organisation(org, full: bool, full_service: bool) -> dict[str, Any]:
    if not (full or full_service):
        return feed.organisation_view(org)
    out = organisation_dict(org)
    services = []
    for offer in feed.organisation_services(get_session(), org):
        s = service_dict(offer)
        s.pop("organization", None)
        services.append(s if full_service else feed.list_view(s))
    out["services"] = services
    return out


@bp.route("/organizations", methods=LIST)
def organizations():
    """List organisations with offers (``full``/``full_service`` nest their services)."""
    p = q.params()
    full, full_service, fmt = q.boolean(p, "full"), q.boolean(p, "full_service"), q.output_format(p)
    page, size = q.paging(p)
    f = q.feed_filter(p)
    session = get_session()
    return _listing(feed.page_organisations(session, f, page, size) if fmt == "json" else None,
                    lambda org: [_organisation(org, full, full_service)],
                    lambda: feed.iter_organisations(session, f), fmt)


@bp.get("/organizations/<string:id>")
def organization(id: str):  # noqa: A002 - the specification's path parameter
    """Return one organisation with its services (``full_service`` nests them fully)."""
    p = q.params()
    full_service = q.boolean(p, "full_service")
    org = feed.find_organisation(get_session(), id)
    return jsonify(_organisation(org, True, full_service)) if org else _not_found("organization", id)


def _matches(item: dict[str, Any], search: str | None, keys: tuple[str, ...]) -> bool:
    if not search:
        return True
    haystack = " ".join(str(item.get(k) or "") for k in keys).casefold()
    return all(word.casefold() in haystack for word in search.split())


def _static_listing(items: list[dict[str, Any]], p: dict[str, str]):
    fmt = q.output_format(p)
    page, size = q.paging(p)
    rows = items[(page - 1) * size: page * size]
    return _listing(feed.Page(rows, len(items), page, size), lambda item: [item], lambda: iter(items), fmt)


@bp.route("/taxonomies", methods=LIST)
def taxonomies():
    """List the profile's taxonomies."""
    p = q.params()
    search = q.text(p, "search")
    items = [t for t in (taxonomy_dict(name) for name in TAXONOMIES) if _matches(t, search, ("name", "description"))]
    return _static_listing(items, p)


@bp.get("/taxonomies/<string:id>")
def taxonomy(id: str):  # noqa: A002 - the specification's path parameter
    """Return one taxonomy."""
    name = find_taxonomy(id)
    return jsonify(taxonomy_dict(name)) if name else _not_found("taxonomy", id)


@bp.route("/taxonomy_terms", methods=LIST)
def taxonomy_terms():
    """List taxonomy terms (``taxonomy_id``, ``top_only``: no umbrella term above, ``parent_id``)."""
    p = q.params()
    search, tax, parent = q.text(p, "search"), q.text(p, "taxonomy_id"), q.text(p, "parent_id")
    top_only = q.boolean(p, "top_only")
    items = [d for d in (term_dict(t) for t in all_terms(get_session()))
             if _matches(d, search, ("code", "name", "description"))
             and (tax is None or d["taxonomy_id"] == tax)
             and (not top_only or "parent_id" not in d)
             and (parent is None or d.get("parent_id") == parent)]
    return _static_listing(items, p)


@bp.get("/taxonomy_terms/<string:id>")
def taxonomy_term(id: str):  # noqa: A002 - the specification's path parameter
    """Return one taxonomy term."""
    term = next((t for t in all_terms(get_session()) if t.id == id), None)
    return jsonify(term_dict(term)) if term else _not_found("taxonomy_term", id)


def _sal_items(full: bool) -> Callable[[Any], list[dict]]:
    def render(offer) -> list[dict]:
        service = service_dict(offer)
        out = []
        for sal in service.get("service_at_locations") or []:
            item = dict(sal) if full else {k: v for k, v in sal.items() if not isinstance(v, list)}
            if not full and isinstance(item.get("location"), dict):
                item["location"] = {k: v for k, v in item["location"].items() if not isinstance(v, list)}
            item["service"] = service if full else feed.list_view(service)
            out.append(item)
        return out
    return render


@bp.route("/service_at_locations", methods=LIST)
def service_at_locations():
    """List services at their locations (``postcode``, ``proximity`` in metres from its centroid)."""
    p = q.params()
    full, fmt = q.boolean(p, "full"), q.output_format(p)
    page, size = q.paging(p)
    f = q.feed_filter(p, located=True)
    session = get_session()
    return _listing(feed.page_services(session, f, page, size, located=True) if fmt == "json" else None,
                    _sal_items(full), lambda: feed.iter_services(session, f, located=True), fmt)


@bp.get("/service_at_locations/<string:id>")
def service_at_location(id: str):  # noqa: A002 - the specification's path parameter
    """Return one service at a location, with its location and full service."""
    found = feed.find_service_at_location(get_session(), id)
    if found is None:
        return _not_found("service_at_location", id)
    offer, sal = found
    return jsonify({**sal, "service": service_dict(offer)})
