"""Danish-aware text normalisation and interest expansion."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from rapidfuzz import fuzz, process

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


class InterestMatcher:
    """Map free text about a child's interests to interest codes with confidence.

    Matching runs in three passes over the stop-word-free tokens: exact phrase
    lookup (code, name and synonyms, up to three words), compound prefix
    lookup ("fodboldhold" -> fodbold) and finally rapidfuzz typo tolerance
    for tokens of at least four letters ("fotbold" -> fodbold). An umbrella
    term (one whose code names its group, e.g. "kampsport" or "musik") also
    brings in the group's members with a lower confidence.

    Parameters
    ----------
    terms : iterable of InterestTerm
        The interest taxonomy.
    """

    #: Confidence of an exact code/name/synonym hit.
    EXACT = 1.0
    #: Confidence of a compound-word prefix hit.
    PREFIX = 0.85
    #: Multiplier applied to the rapidfuzz ratio (0..1) of a typo hit.
    FUZZY = 0.9
    #: Confidence factor for the members of an umbrella term ("kampsport" -> karate, judo, ...).
    UMBRELLA = 0.8

    def __init__(self, terms: Iterable[InterestTerm]):
        self.terms = {t.code: t for t in terms}
        self._phrases: dict[str, str] = {}
        for term in self.terms.values():
            for phrase in (term.code, term.name, *term.synonyms):
                key = normalise(phrase.replace("_", " "))
                if key:
                    self._phrases.setdefault(key, term.code)
        self._single = sorted(k for k in self._phrases if " " not in k)
        self._prefixes = sorted((k for k in self._single if len(k) >= 4), key=len, reverse=True)
        self._max_words = max((k.count(" ") + 1 for k in self._phrases), default=1)
        self._members: dict[str, list[str]] = {
            code: [t.code for t in self.terms.values() if t.group == code and t.code != code]
            for code in self.terms if any(t.group == code for t in self.terms.values())}

    @property
    def codes(self) -> list[str]:
        """Return the taxonomy codes in insertion order."""
        return list(self.terms)

    def name(self, code: str) -> str:
        """Return the Danish display name of an interest code."""
        term = self.terms.get(code)
        return term.name if term else code

    def expand(self, text: str) -> dict[str, float]:
        """Return ``{code: confidence}`` for the interests mentioned in ``text``."""
        tokens = tokenise(text)
        found: dict[str, float] = {}
        used = [False] * len(tokens)
        for width in range(min(self._max_words, 3), 0, -1):
            for start in range(len(tokens) - width + 1):
                if any(used[start:start + width]):
                    continue
                code = self._phrases.get(" ".join(tokens[start:start + width]))
                if code is not None:
                    found[code] = max(found.get(code, 0.0), self.EXACT)
                    used[start:start + width] = [True] * width
        for i, token in enumerate(tokens):
            if used[i]:
                continue
            code, confidence = self._match_token(token)
            if code is not None:
                found[code] = max(found.get(code, 0.0), confidence)
        for umbrella in [c for c in found if self._members.get(c)]:
            for member in self._members[umbrella]:
                found.setdefault(member, round(self.UMBRELLA * found[umbrella], 3))
        return found

    def _match_token(self, token: str) -> tuple[str | None, float]:
        """Match one leftover token by compound prefix, then by typo tolerance."""
        if len(token) >= 6:
            for key in self._prefixes:
                if len(key) >= 5 and token.startswith(key):
                    return self._phrases[key], self.PREFIX
        if len(token) < 4 or token.isdigit():
            return None, 0.0
        cutoff = 88.0 if len(token) <= 5 else 80.0
        hit = process.extractOne(token, self._single, scorer=fuzz.ratio, score_cutoff=cutoff)
        if hit is None:
            return None, 0.0
        key, score, _ = hit
        if abs(len(key) - len(token)) > 2 or (key != token and key.endswith(token)):
            # "sport" is not a typo of "esport": a missing word start means another word.
            return None, 0.0
        return self._phrases[key], round(self.FUZZY * score / 100.0, 3)
