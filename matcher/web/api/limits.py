"""Bounds on the lists and objects a JSON body may carry, so no request can store or scan without limit."""

from __future__ import annotations

from typing import Any

from matcher.catalogue.operations import MAX_SCHEDULES

#: The longest list a field of that name may hold, anywhere in a body.
LIST_LIMITS = {"schedules": MAX_SCHEDULES, "weekdays": 7, "languages": 20, "interests": 50,
               "match_components": 50}
#: Any other list, and the number of keys of any object.
DEFAULT_LIST_LIMIT = 100
MAX_OBJECT_KEYS = 100


def oversized(body: Any) -> tuple[str, int, int] | None:
    """Return (field path, limit, length) of the first list or object in ``body`` beyond its bound, else None.

    Walks the body with an explicit stack (no recursion), so a deeply nested body cannot exhaust the stack.
    """
    stack: list[tuple[str, str, Any]] = [("", "", body)]
    while stack:
        path, name, value = stack.pop()
        if isinstance(value, list):
            limit = LIST_LIMITS.get(name, DEFAULT_LIST_LIMIT)
            if len(value) > limit:
                return path or "body", limit, len(value)
            stack.extend((f"{path}[{i}]", name, item) for i, item in enumerate(value)
                         if isinstance(item, (list, dict)))
        elif isinstance(value, dict):
            limit = LIST_LIMITS.get(name, MAX_OBJECT_KEYS)
            if len(value) > limit:
                return path or "body", limit, len(value)
            stack.extend((f"{path}.{key}" if path else str(key), str(key), item) for key, item in value.items()
                         if isinstance(item, (list, dict)))
    return None
