"""The languages a child, an offer or a mentor can have: ISO 639 codes with Danish names, in one place."""

from __future__ import annotations

from collections.abc import Iterable

#: Language codes with their Danish names, in the order forms list them (Danish and English first).
LANGUAGE_NAMES: dict[str, str] = {
    "da": "dansk", "en": "engelsk", "ar": "arabisk", "tr": "tyrkisk", "so": "somali", "ur": "urdu",
    "pl": "polsk", "fa": "persisk", "prs": "dari", "ps": "pashto", "ku": "kurdisk", "ti": "tigrinya",
    "uk": "ukrainsk", "ru": "russisk", "bs": "bosnisk", "sq": "albansk", "ro": "rumænsk", "de": "tysk",
    "es": "spansk", "fr": "fransk", "it": "italiensk", "pt": "portugisisk", "vi": "vietnamesisk",
    "ta": "tamil", "th": "thai", "zh": "kinesisk", "tl": "tagalog", "sv": "svensk", "no": "norsk",
    "is": "islandsk", "fo": "færøsk", "kl": "grønlandsk",
}
_BY_NAME = {name: code for code, name in LANGUAGE_NAMES.items()}


def language_code(value: str) -> str | None:
    """Return the code of a language given by code or Danish name (any case), or None when unknown."""
    text = value.strip().lower()
    if text in LANGUAGE_NAMES:
        return text
    return _BY_NAME.get(text)


def language_codes(values: Iterable[str]) -> tuple[list[str], list[str]]:
    """Return the known codes of ``values`` (in order, without repeats) and the values not recognised."""
    codes: list[str] = []
    unknown: list[str] = []
    for value in values:
        code = language_code(value) if isinstance(value, str) else None
        if code is None:
            unknown.append(str(value))
        elif code not in codes:
            codes.append(code)
    return codes, unknown


def language_list(codes: Iterable[str]) -> str:
    """Return codes as Danish names joined by commas: "dansk, arabisk"."""
    return ", ".join(LANGUAGE_NAMES.get(c, c) for c in codes)
