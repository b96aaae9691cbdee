"""Split a child's interest text into clauses and find what the child said no to (Danish and English)."""

from __future__ import annotations

import re

from .text import normalise

__all__ = ["Span", "spans"]

#: A clause ends at punctuation; a negation never reaches past it.
_CLAUSE = re.compile(r"[,.;:!?()\[\]\n/|]+|\s[-–—]\s")
#: Words that start a "not" scope (folded: æ→ae, ø→oe, å→aa).
_CUES = frozenset("""
    ikke ik ikk aldrig ingen intet hader hade uden nej undtagen hverken
    not no never nope hate hates hated without except nor neither dont doesnt didnt isnt wont
""".split())
#: Two- and three-word cues.
_PHRASE_CUES = (("alt", "andet", "end"), ("andet", "end"), ("anything", "but"), ("don", "t"), ("doesn", "t"),
                ("didn", "t"), ("won", "t"), ("isn", "t"), ("no", "more"), ("ikke", "mere"), ("slet", "ikke"))
#: A cue right after these words is about ability or knowledge, not a refusal ("kan ikke svømme endnu",
#: "ved ikke"): no scope starts.
_NOT_A_REFUSAL_AFTER = frozenset("kan kunne ved tror can could know".split())
#: Verbs right after a cue are what is negated ("kan ikke lide", "don't like"), not a new wish.
_NEGATED_VERBS = frozenset("lide like likes love enjoy want wants gerne synes godt om stand".split())
#: Words that end a scope inside a clause: a contrast or a wish follows ("ikke fodbold men boksning").
_SCOPE_END = frozenset("""
    men but hellere rather instead istedet derimod though however maaske maybe perhaps gerne elsker
    love loves like likes enjoy enjoys want wants prefer prefers foretraekker synes kan lide interesseret
    interested drømmer dreams
""".split())


class Span:
    """A run of folded words of the interest text, in a "not" scope or not."""

    __slots__ = ("words", "negated")

    def __init__(self, words: list[str], negated: bool):
        self.words = words
        self.negated = negated

    def __repr__(self) -> str:
        return f"Span({' '.join(self.words)!r}, negated={self.negated})"


def _cue_length(words: list[str], i: int) -> int:
    """Return how many words a negation cue at ``words[i]`` spans (0 = no cue there)."""
    for phrase in _PHRASE_CUES:
        if tuple(words[i:i + len(phrase)]) == phrase:
            if phrase[0] in ("don", "doesn", "didn", "won", "isn") and i and words[i - 1] in _NOT_A_REFUSAL_AFTER:
                return 0
            return len(phrase)
    if words[i] in _CUES:
        follows = words[i + 1] if i + 1 < len(words) else ""
        if i and words[i - 1] in _NOT_A_REFUSAL_AFTER and follows != "lide":
            return 0
        if words[i] in ("ik", "ikke", "ikk") and i + 1 < len(words) and words[i + 1] in ("ved", "know"):
            return 0
        return 1
    return 0


def spans(text: str) -> list[Span]:
    """Return the text as spans of folded words, each marked as inside a "not" scope or outside.

    A scope starts at a cue ("ikke", "gider ikke", "alt andet end", "no", "not", "don't",
    "hate") and runs to the end of the clause (punctuation) or to a word of contrast or wish
    ("men", "hellere", "but", "maybe", "kan lide"). "kan ikke" and "ved ikke" are about ability
    and knowledge, not refusals. The cue words themselves belong to no span.
    """
    out: list[Span] = []
    for clause in _CLAUSE.split(text or ""):
        words = normalise(clause).split()
        current: list[str] = []
        negated = False
        i = 0
        while i < len(words):
            cue = _cue_length(words, i)
            if cue:
                if current:
                    out.append(Span(current, negated))
                current, negated = [], True
                i += cue
                while i < len(words) and words[i] in _NEGATED_VERBS:
                    i += 1
                continue
            if negated and words[i] in _SCOPE_END:
                if current:
                    out.append(Span(current, negated))
                current, negated = [], False
            current.append(words[i])
            i += 1
        if current:
            out.append(Span(current, negated))
    return out
