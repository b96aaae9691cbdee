"""Error pages in Danish inside the layout with the menu, and the JSON error body of the API."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

TITLES = {400: "Forespørgslen kunne ikke bruges", 403: "Ingen adgang", 404: "Siden findes ikke",
          405: "Det kan man ikke her", 413: "Filen er for stor", 500: "Der skete en fejl"}
TEXTS = {400: "Noget i forespørgslen var ikke som ventet. Gå tilbage og prøv igen.",
         403: "Du har ikke adgang til denne side med din rolle. Spørg en administrator, hvis du mener, "
              "du burde have adgang.",
         404: "Siden eller posten findes ikke (længere). Tjek adressen, eller gå tilbage.",
         405: "Adressen kan ikke bruges sådan. Gå tilbage og brug knapperne på siden.",
         413: "Filen er større end det tilladte. Del den op, eller kontakt en administrator.",
         500: "Det er ikke din skyld. Fejlen er logget; prøv igen om lidt, og kontakt support, hvis den bliver ved."}


#: The code of an error that has none of its own (``matcher.error_texts``), by HTTP status.
STATUS_CODES = {400: "bad_request", 401: "unauthorized", 403: "not_allowed", 404: "not_found",
                405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
                422: "unprocessable", 429: "rate_limited", 500: "internal", 503: "unavailable"}


def error_body(message: str, field: str | None = None, status: int = 400, code: str | None = None):
    """Return a JSON error response with a stable ``code`` (the error's own, else one for the status)."""
    body = {"error": {"message": message, "code": code or STATUS_CODES.get(status, f"http_{status}")}}
    if field:
        body["error"]["field"] = field
    return jsonify(body), status


def init_app(app: Flask) -> None:
    """Render 400, 403, 404, 405, 413 and 500 as Danish pages inside the layout."""
    for code in (400, 403, 413):
        app.register_error_handler(code, error_page)
    app.register_error_handler(InternalServerError, error_page)


def error_page(exc: HTTPException):
    """Return the Danish error page for ``exc``; a description given with ``abort`` is shown when it is ours."""
    code = exc.code or 500
    if request.path.startswith("/api/"):  # code-specific handlers run before the API blueprint's own
        return error_body(exc.description if code < 500 else "Intern fejl", status=code)
    if code >= 500:
        original = getattr(exc, "original_exception", None)
        if original is not None:
            current_app.logger.error("unhandled error on %s", request.path, exc_info=original)
    default = getattr(type(exc), "description", None)
    detail = exc.description if exc.description and exc.description != default and code < 500 else None
    try:
        body = render_template("error.html", code=code, title=TITLES.get(code, "Der skete en fejl"),
                               text=TEXTS.get(code, TEXTS[500]), detail=detail)
    except Exception:  # noqa: BLE001 - the layout itself failed (e.g. no database): plain Danish text
        body = f"{TITLES.get(code, 'Der skete en fejl')}. {TEXTS.get(code, TEXTS[500])}"
    return body, code
