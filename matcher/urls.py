"""One allow-list of URL schemes for every outside URL the product renders or republishes.

Imported listings carry URLs written by others. A page links to one, and the HSDS feed and export
republish one, only when :func:`safe_url` accepts it: an absolute ``http``, ``https``, ``mailto``
or ``tel`` URL. ``javascript:``, ``data:``, ``vbscript:`` and anything without a scheme are refused,
including the spellings browsers forgive (``JaVaScRiPt:``, ``java\\tscript:``, leading spaces or
control characters).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
#: Fields of HSDS objects that hold a URL.
URL_FIELDS = frozenset({"url", "website", "logo", "uri"})
MAX_URL_LENGTH = 2000


def safe_url(value: Any) -> str | None:
    """Return ``value`` when it is an absolute URL with an allowed scheme, else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > MAX_URL_LENGTH:
        return None
    # Browsers drop tabs and line breaks anywhere in a URL and ignore leading control characters:
    # judge the URL as the browser will read it, and refuse it if it holds any of them.
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        return None
    if scheme in ("http", "https") and not parts.netloc:
        return None
    if scheme in ("mailto", "tel") and not parts.path:
        return None
    return text


def without_unsafe_urls(document: Any) -> Any:
    """Remove, in place, every URL field of ``document`` whose value :func:`safe_url` refuses; return it."""
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key in [k for k, v in item.items() if k in URL_FIELDS and isinstance(v, str) and safe_url(v) is None]:
                del item[key]
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, (dict, list)))
    return document
