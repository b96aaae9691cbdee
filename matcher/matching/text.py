"""Danish-aware text normalisation, tokens and the interest taxonomy file (the matcher is in ``interests``)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from matcher import jsonio

from .types import InterestTerm

__all__ = [
    "STOP_WORDS",
    "InterestMatcher",
    "load_interest_terms",
    "normalise",
    "tokenise",
]

_NON_WORD = re.compile(r"[^a-z0-9]+")
_ASCII_TO_WORDS = bytes(c if chr(c) in "abcdefghijklmnopqrstuvwxyz0123456789" else 32 for c in range(256))

#: Danish and English filler words that never carry an interest.
STOP_WORDS = frozenset(
    """
    kan lide vil gerne og at lave i paa med til for en et den det de der som er
    har hun han jeg mig min mit mine sin sit sine os vi du dig hans hendes deres
    meget lidt godt god gode ogsaa eller men naar hvis saa bare ikke noget nogle
    alle alt mest helst elsker synes kunne ville skal skulle gaa spille spiller
    spiller laver lege leger interesseret interesse interesser med af om fra ud
    op ind efter hjemme tit ofte altid nogle gange barnet drengen pigen hun han
    like likes love loves to and or the a an in on of for with play plays playing
    do does doing want wants would really very much also he she his her is are
    interested interest interests have har haft faa faar vaere er
    """.split()
)


def normalise(text: str) -> str:
    """Fold Danish letters, strip accents and punctuation, lowercase and squeeze spaces."""
    text = (text or "").lower()
    if not text.isascii():
        # str.replace runs in C; none of the replacements contains a letter replaced after it.
        text = text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa").replace("ß", "ss")
    if text.isascii():  # the common case: no accents to strip; map every non-word byte to a space
        return " ".join(text.encode("ascii").translate(_ASCII_TO_WORDS).decode("ascii").split())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", text).split())


def tokenise(text: str, *, drop_stop_words: bool = True) -> list[str]:
    """Split normalised text into tokens, optionally without stop words."""
    tokens = normalise(text).split()
    if drop_stop_words:
        tokens = [t for t in tokens if t not in STOP_WORDS]
    return tokens


def load_interest_terms(path: str | Path) -> list[InterestTerm]:
    """Read an interest taxonomy JSON list (``code``, ``name``, ``synonyms``)."""
    with open(path, "rb") as fh:
        rows = jsonio.load(fh)
    return [
        InterestTerm(
            code=str(row["code"]),
            name=str(row.get("name") or row["code"]),
            synonyms=tuple(str(s) for s in row.get("synonyms", ())),
            group=row.get("group"),
        )
        for row in rows
    ]

