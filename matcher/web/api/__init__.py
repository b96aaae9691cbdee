"""The JSON API under /api/v1: bearer tokens, JSON errors naming the field."""

from __future__ import annotations

from flask import Blueprint, Flask, request
from flask_cors import CORS
from flask_login import current_user
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from matcher.catalogue.errors import ImportFailed, RecordError
from matcher.db import MAX_ID, parse_id
from matcher.jsonio import MAX_DEPTH, JSONInputError, loads
from matcher.messages import Problem, render
from matcher.pathways.checks import NotAllowed
from matcher.web import csrf
from matcher.web.api.limits import oversized
from matcher.web.errors import error_body, error_page

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Endpoints anyone may read without a token.
PUBLIC_ENDPOINTS = {"api.openapi_document"}


class ApiError(Exception):
    """An error answered as JSON with a status code and the field at fault."""

    def __init__(self, status: int, message: str, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.status, self.message, self.field, self.code = status, message, field, code


def init_app(app: Flask) -> None:
    """Register the API blueprint; it uses bearer tokens, so it needs no CSRF token."""
    from matcher.web.api import hsds

    csrf.exempt(bp)
    csrf.exempt(hsds.bp)
    app.register_blueprint(bp)
    app.register_blueprint(hsds.bp)
    # The public HSDS API may be read from any web page (the specification's compliance rules); the
    # rest of the app sends no CORS headers at all.
    CORS(app, resources={r"/api/hsds(/.*)?$": {"origins": "*", "methods": ["GET", "POST", "OPTIONS"]}},
         supports_credentials=False, send_wildcard=True, vary_header=False, max_age=86400)
    app.register_error_handler(NotFound, _unrouted)
    app.register_error_handler(MethodNotAllowed, _unrouted)


def _unrouted(exc: HTTPException):
    """Answer a URL under /api/ that matches no route (e.g. ``/children/abc``) with a JSON error, too."""
    if request.path.startswith("/api/"):
        # Ids beyond the INTEGER range match no route (matcher.web.strict.IdConverter) and end here.
        message = (f"Ingen API-adresse {request.path} (id'er i stien er hele tal fra 0 til {MAX_ID})"
                   if isinstance(exc, NotFound) else f"Metoden {request.method} findes ikke for {request.path}")
        return error_body(message, "path" if isinstance(exc, NotFound) else "method", exc.code or 404)
    return error_page(exc)


@bp.before_request
def _require_token():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    # current_user comes from the bearer token only (matcher.web.auth ignores session cookies here).
    if not current_user.is_authenticated:
        return error_body("Mangler eller ugyldigt bearer-token (Authorization: Bearer ...)", status=401)
    return None


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    return error_body(exc.message, exc.field, exc.status, exc.code)


@bp.errorhandler(RecordError)
def _record_error(exc: RecordError):
    return error_body(exc.message, exc.field, 400, exc.code)


@bp.errorhandler(NotAllowed)
def _not_allowed(exc: NotAllowed):
    return error_body(exc.message, exc.field, status=403, code="not_allowed")


@bp.errorhandler(ImportFailed)
def _import_failed(exc: ImportFailed):
    first = exc.errors[0] if exc.errors else None
    return error_body(str(exc), first.field if first else None, 400, first.code if first else None)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    return error_body(exc.description or exc.name, status=exc.code or 500)


@bp.errorhandler(OperationalError)
@bp.errorhandler(InterfaceError)
def _database_unavailable(exc: OperationalError | InterfaceError):
    """The blueprint's catch-all below would shadow the app's 503 handlers: answer them here too."""
    return database_unavailable(exc)


@bp.errorhandler(Exception)
def _unexpected(exc: Exception):
    from flask import current_app

    current_app.logger.exception("API error")
    return error_body("Intern fejl", status=500)




def json_body() -> dict:
    """Return the request's JSON object or raise a 400 naming the body or the field at fault."""
    if not request.is_json:
        raise ApiError(400, "Forventede et JSON-objekt i forespørgslens krop (Content-Type: application/json)",
                       "body")
    try:
        data = loads(request.get_data(cache=True))
    except JSONInputError as exc:
        code = f"body.{exc.problem}"
        problem = Problem(code, {"max": MAX_DEPTH} if exc.problem == "depth" else {})
        if exc.line is not None:
            problem = Problem("json.at", {"problem": problem, "line": exc.line, "column": exc.column})
        raise ApiError(400, render(problem.code, problem.params), exc.field or "body", code) from None
    if not isinstance(data, dict):
        raise ApiError(400, "Forventede et JSON-objekt i forespørgslens krop", "body")
    too_long = oversized(data)
    if too_long:
        field, limit, length = too_long
        raise ApiError(400, f"{field}: højst {limit} elementer (fik {length})", field)
    return data


def require_role(*roles: str) -> None:
    """Raise a 403 ApiError unless the token's user has one of ``roles``."""
    if not current_user.has_role(*roles):
        raise ApiError(403, "Din rolle giver ikke adgang til dette")


def page_params(default_limit: int = 50, max_limit: int = 500) -> tuple[int, int]:
    """Return validated ``limit`` and ``offset`` query parameters (400 naming the field)."""
    out = []
    for name, default, lo, hi in (("limit", default_limit, 1, max_limit), ("offset", 0, 0, 1_000_000)):
        raw = request.args.get(name, "").strip()
        if raw == "":
            out.append(default)
            continue
        if not (raw.isascii() and raw.isdigit()) or not lo <= int(raw) <= hi:
            raise ApiError(400, f"{name} skal være et helt tal mellem {lo} og {hi}", name)
        out.append(int(raw))
    return out[0], out[1]


def district_ref(name: str = "district") -> str | None:
    """Return the ``name`` query parameter naming a district by id or slug (400 for an impossible id)."""
    ref = request.args.get(name, "").strip()
    if ref.isdigit() and parse_id(ref) is None:
        raise ApiError(400, f"ukendt bydel {ref!r}", name)
    return ref or None


from matcher.web.api import (  # noqa: E402,F401  (registers routes)
    children,
    club,
    followup,
    match,
    mentors,
    offers,
    openapi,
    organisations,
    shortlists,
)
from matcher.web.security import database_unavailable
