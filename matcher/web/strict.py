"""What requests bring, read strictly: ids in URLs within the database's range, standard JSON only."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import BaseConverter, ValidationError

from matcher import jsonio
from matcher.db import MAX_ID, parse_id


def digits_up_to(limit: int) -> str:
    """Return a regex matching exactly the strings ``parse_id`` accepts: up to len(limit) ASCII digits, <= limit."""
    top = str(limit)
    width = len(top)
    # Shorter strings are always below the limit; same-width strings compare like the numbers they spell.
    options = [f"[0-9]{{1,{width - 1}}}"] if width > 1 else []
    for i, digit in enumerate(top):
        if digit != "0":
            options.append(top[:i] + f"[0-{int(digit) - 1}]" + (f"[0-9]{{{width - 1 - i}}}" if i < width - 1 else ""))
    options.append(top)
    return "(?:" + "|".join(options) + ")"


class IdConverter(BaseConverter):
    """``<int:…>`` in every route: ASCII digits naming a storable id; anything else matches no route (404).

    The range is in the regex itself, not only in ``to_python``: werkzeug answers 405 instead of 404
    when a rule for another method matches the path, so a huge id must not match any rule at all.
    """

    regex = digits_up_to(MAX_ID)
    part_isolating = True

    def to_python(self, value: str) -> int:
        """Return the id, or refuse the match when it lies beyond the INTEGER range."""
        parsed = parse_id(value)
        if parsed is None:
            raise ValidationError()
        return parsed

    def to_url(self, value: Any) -> str:
        """Return the id as digits."""
        return str(int(value))


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON with strict reading (``request.get_json`` refuses NaN, Infinity and deep nesting)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse standard JSON; a refusal is a ValueError, which Flask answers with 400."""
        return jsonio.loads(s)


def init_app(app: Flask) -> None:
    """Install the id converter (before any route is added) and the strict JSON provider."""
    app.url_map.converters["int"] = IdConverter
    app.json = StrictJSONProvider(app)
