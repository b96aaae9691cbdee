"""Links taken from outside (imports, feeds, forms): only schemes a browser can open safely."""

from __future__ import annotations

from urllib.parse import urlsplit

#: Schemes a link may have; anything else (javascript:, data:, vbscript:, file:, ...) is refused.
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def safe_url(value: str | None) -> str | None:
    """Return ``value`` when it is an http(s), mailto or tel link, else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    # Browsers drop tabs/newlines and leading control characters before reading the scheme.
    if not text or any(ch < " " or ch == "\x7f" for ch in text):
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
