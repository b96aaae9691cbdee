"""Links taken from outside (imports, feeds, forms): only schemes a browser can open safely.

One allow-list for every outside URL the product renders or republishes: a page links to one, and
the HSDS feed and export republish one, only when :func:`safe_url` accepts it — an absolute
``http``, ``https``, ``mailto`` or ``tel`` URL. ``javascript:``, ``data:``, ``vbscript:`` and
anything without a scheme are refused, including the spellings browsers forgive (``JaVaScRiPt:``,
``java\\tscript:``, leading spaces or control characters).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

#: Schemes a link may have; anything else (javascript:, data:, vbscript:, file:, ...) is refused.
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
ALLOWED_SCHEMES = SAFE_SCHEMES
#: Fields of HSDS objects that hold a URL.
URL_FIELDS = frozenset({"url", "website", "logo", "uri"})
MAX_URL_LENGTH = 2000


def safe_url(value: str | None) -> str | None:
    """Return ``value`` when it is an http(s), mailto or tel link, else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    # Browsers drop tabs/newlines and leading control characters before reading the scheme.
    if not text or len(text) > MAX_URL_LENGTH or any(ch < " " or ch == "\x7f" for ch in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in SAFE_SCHEMES:
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
