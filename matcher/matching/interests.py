"""Understand a child's interest text: taxonomy terms, typos, "not" scopes, needs and umbrellas.

One :class:`InterestMatcher` serves both search (``matcher.catalogue.search``) and matching
(the ranker), so a word means the same thing in both: "ridning" is riding, never wrestling.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from .graph import DEFAULT_GRAPH_PATH, TaxonomyGraph
from .negation import spans
from .text import STOP_WORDS, tokenise
from .types import InterestTerm

__all__ = ["InterestMatcher", "NameGuard", "Understanding"]


@dataclass(frozen=True)
class Understanding:
    """What the matcher understood of one interest text.

    ``wanted``: code -> confidence of what the child asks for (umbrella members and the offers
    a need calls for included, refused codes left out); ``mentioned``: the interests named
    directly, in the order written, each as the codes that cover it; ``negated``: codes the
    child said no to; ``text``: the words outside "not" scopes (for text similarity);
    ``rivals``: codes one short edit away from a word of the text ("brydning" for "ridning"),
    which text similarity must not reward.
    """

    wanted: dict[str, float] = field(default_factory=dict)
    mentioned: tuple[tuple[str, frozenset[str]], ...] = ()
    negated: dict[str, float] = field(default_factory=dict)
    text: str = ""
    rivals: frozenset[str] = frozenset()


class NameGuard:
    """Decide whether an offer name matched by a query word is really about that word.

    A name hit is refused when the name's only word near a query word is another real
    term ("brydning" for the query "ridning", "dansk" for "dans"). ``fuzzy`` is False when
    every word of the query is a known term: a real word is not a typo, so names then match
    it only as written ("ridning" does not find "varepåfyldning").
    """

    __slots__ = ("pairs", "fuzzy", "key", "_needles")

    def __init__(self, pairs: list[tuple[str, tuple[str, ...]]], fuzzy: bool = True):
        self.pairs = pairs
        self.fuzzy = fuzzy
        self.key = (tuple(pairs), fuzzy)
        self._needles = tuple({r for _, rivals in pairs for r in rivals})

    def __call__(self, name: str) -> bool:
        """Return False when ``name`` (folded) matches the query only through a rival term."""
        if not any(r in name for r in self._needles):
            return True
        words = name.split()
        for token, rivals in self.pairs:
            if not any(w.startswith(r) for w in words for r in rivals):
                continue
            own = any(w.startswith(token) and not any(w.startswith(r) for r in rivals) for w in words)
            if not own:
                return False
        return True


class InterestMatcher:
    """Map free text about a child's interests to interest codes with confidence.

    The text is first cut into clauses and "not" scopes (``negation.spans``). In each span,
    matching runs over the stop-word-free tokens: exact phrase lookup (code, name and
    synonyms, up to three words), compound prefix lookup ("fodboldhold" -> fodbold) and
    finally typo tolerance for unknown tokens of at least four letters ("fotbold" ->
    fodbold). A typo maps to a term only when no other term (of another code) explains it
    about as well, and a real term never maps to another one however close ("ridning" is
    not "brydning", "dans" is not "dansk"). An umbrella term (its code names its group, or
    the graph lists its members: "kampsport", "sport") brings in its members, and a need
    ("et sted at være efter skole") the kinds of offer that meet it (``TaxonomyGraph``).

    Parameters
    ----------
    terms : iterable of InterestTerm
        The interest taxonomy.
    graph : TaxonomyGraph, optional
        Umbrellas, alternatives and needs; the bundled graph restricted to ``terms`` by default.
    """

    #: Confidence of an exact code/name/synonym hit.
    EXACT = 1.0
    #: Confidence of a compound-word prefix hit.
    PREFIX = 0.85
    #: Multiplier applied to the rapidfuzz ratio (0..1) of a typo hit.
    FUZZY = 0.9
    #: Confidence factor for the members of an umbrella term ("kampsport" -> karate, judo, ...).
    UMBRELLA = 0.8
    #: A typo is ambiguous (and maps to nothing) when a term of another code scores within this much.
    AMBIGUITY = 6.0
    #: Terms of another code this close (rapidfuzz ratio) to a word are its rivals.
    RIVAL_RATIO = 60.0
    #: Rival terms this close (or starting with the word) lose the text similarity the word gives.
    CLOSE_RIVAL = 75.0

    def __init__(self, terms: Iterable[InterestTerm], graph: TaxonomyGraph | None = None):
        self.terms = {t.code: t for t in terms}
        self.graph = graph if graph is not None else (
            TaxonomyGraph.load(self.terms) if DEFAULT_GRAPH_PATH.exists() else TaxonomyGraph())
        self._phrases: dict[str, str] = {}
        for term in self.terms.values():
            for phrase in (term.code, term.name, *term.synonyms):
                key = " ".join(tokenise(phrase.replace("_", " ")))
                if key:
                    self._phrases.setdefault(key, term.code)
        self._single = sorted(k for k in self._phrases if " " not in k)
        self._prefixes = sorted((k for k in self._single if len(k) >= 4), key=len, reverse=True)
        self._max_words = max((k.count(" ") + 1 for k in self._phrases), default=1)
        members: dict[str, list[str]] = {
            code: [t.code for t in self.terms.values() if t.group == code and t.code != code]
            for code in self.terms if any(t.group == code for t in self.terms.values())}
        for code, extra in self.graph.umbrellas.items():
            members[code] = list(dict.fromkeys([*members.get(code, []), *extra]))
        self._members = {code: m for code, m in members.items() if m}
        self._rival_cache: dict[str, tuple[str, ...]] = {}

    @property
    def codes(self) -> list[str]:
        """Return the taxonomy codes in insertion order."""
        return list(self.terms)

    def name(self, code: str) -> str:
        """Return the Danish display name of an interest code."""
        term = self.terms.get(code)
        return term.name if term else code

    def is_need(self, code: str) -> bool:
        """Return whether ``code`` is a need (met by other offers) rather than an activity."""
        return code in self.graph.needs

    def members(self, code: str) -> list[str]:
        """Return the codes an umbrella term covers (empty for other terms)."""
        return self._members.get(code, [])

    # ------------------------------------------------------------------ reading text
    #: ``expand`` (search) leaves out codes below this confidence (a need's side offers).
    SEARCH_MIN = 0.5

    def expand(self, text: str) -> dict[str, float]:
        """Return ``{code: confidence}`` for the interests ``text`` asks for (refusals and side offers left out)."""
        return {c: v for c, v in self.understand(text).wanted.items() if v >= self.SEARCH_MIN}

    def understand(self, text: str) -> Understanding:
        """Return what ``text`` asks for, names, refuses and which rival terms to distrust."""
        direct: dict[str, float] = {}
        order: list[str] = []
        refused: dict[str, float] = {}
        words: list[str] = []
        rivals: set[str] = set()
        for span in spans(text):
            tokens = [t for t in span.words if t not in STOP_WORDS]
            found = self._lookup(tokens)
            target = refused if span.negated else direct
            for code, confidence, token in found:
                target[code] = max(target.get(code, 0.0), confidence)
                if not span.negated:
                    order.append(code)
                    rivals.update(self._phrases[r] for r in self.rivals(token, code)
                                  if r.startswith(token) or fuzz.ratio(token, r) >= self.CLOSE_RIVAL)
            if not span.negated:
                words += tokens
        wanted = self._widen(direct)
        negated = {c: v for c, v in self._widen(refused).items() if c not in direct}
        wanted = {c: v for c, v in wanted.items() if c not in negated}
        mentioned = []
        for code in dict.fromkeys(order):
            if code in negated:
                continue
            cover = {code, *self._members.get(code, ())}
            for target, weight in self.graph.needs.get(code, {}).items():
                if weight >= 0.8:
                    cover |= {target, *self._members.get(target, ())}
            mentioned.append((code, frozenset(cover - set(negated))))
        return Understanding(wanted, tuple(mentioned), negated, " ".join(words),
                             frozenset(rivals - set(wanted)))

    def _widen(self, found: dict[str, float]) -> dict[str, float]:
        """Add the offers needs call for, then umbrella members, each with a lower confidence."""
        out = dict(found)
        for need in [c for c in found if c in self.graph.needs]:
            for code, weight in self.graph.needs[need].items():
                out[code] = max(out.get(code, 0.0), round(found[need] * weight, 3))
        for umbrella in [c for c in out if self._members.get(c)]:
            for member in self._members[umbrella]:
                out.setdefault(member, round(self.UMBRELLA * out[umbrella], 3))
        return out

    def _lookup(self, tokens: list[str]) -> list[tuple[str, float, str]]:
        """Return ``(code, confidence, token)`` for the terms in one span's tokens."""
        out: list[tuple[int, str, float, str]] = []
        used = [False] * len(tokens)
        for width in range(min(self._max_words, 3), 0, -1):
            for start in range(len(tokens) - width + 1):
                if any(used[start:start + width]):
                    continue
                phrase = " ".join(tokens[start:start + width])
                code = self._phrases.get(phrase)
                if code is not None:
                    out.append((start, code, self.EXACT, phrase))
                    used[start:start + width] = [True] * width
        for i, token in enumerate(tokens):
            if not used[i]:
                code, confidence = self._match_token(token)
                if code is not None:
                    out.append((i, code, confidence, token))
        return [(code, conf, token) for _, code, conf, token in sorted(out, key=lambda x: x[0])]

    def _match_token(self, token: str) -> tuple[str | None, float]:
        """Match one unknown token by compound prefix, then as a typo of exactly one term."""
        if len(token) >= 6:
            for key in self._prefixes:
                if len(key) >= 5 and token.startswith(key):
                    return self._phrases[key], self.PREFIX
        if len(token) < 4 or token.isdigit():
            return None, 0.0
        cutoff = 88.0 if len(token) <= 5 else 80.0
        hits = [(key, score) for key, score, _ in process.extract(
                    token, self._single, scorer=fuzz.ratio, score_cutoff=cutoff - self.AMBIGUITY, limit=8)
                # "sport" is not a typo of "esport": a missing word start means another word.
                if abs(len(key) - len(token)) <= 2 and not (key != token and key.endswith(token))]
        if not hits or hits[0][1] < cutoff:
            return None, 0.0
        key, score = hits[0]
        code = self._phrases[key]
        if any(self._phrases[k] != code and s >= score - self.AMBIGUITY for k, s in hits[1:]):
            return None, 0.0  # two real terms explain the word about equally: guess neither
        return code, round(self.FUZZY * score / 100.0, 3)

    # ------------------------------------------------------------------ rival terms
    def rivals(self, token: str, code: str | None = None) -> tuple[str, ...]:
        """Return the single-word terms of other codes a short edit from ``token`` or starting with it."""
        if code is None:
            code = self._phrases.get(token) or self._match_token(token)[0]
        if code is None or len(token) < 3 or " " in token:
            return ()
        cached = self._rival_cache.get(token)
        if cached is not None:
            return cached
        near = {key for key, _, _ in process.extract(token, self._single, scorer=fuzz.ratio,
                                                      score_cutoff=self.RIVAL_RATIO, limit=20)}
        at = bisect.bisect_left(self._single, token)
        while at < len(self._single) and self._single[at].startswith(token):
            near.add(self._single[at])
            at += 1
        out = tuple(sorted(k for k in near if k != token and len(k) >= 4 and self._phrases[k] != code))
        if len(self._rival_cache) > 4096:
            self._rival_cache.clear()
        self._rival_cache[token] = out
        return out

    def name_guard(self, text: str) -> NameGuard | None:
        """Return the guard search applies to name hits for ``text``, or None when it needs none."""
        tokens = tokenise(text)
        pairs = []
        for token in tokens:
            rivals = self.rivals(token)
            if rivals:
                pairs.append((token, rivals))
        known = bool(tokens) and all(t in self._phrases for t in tokens)
        return NameGuard(pairs, fuzzy=not known) if pairs or known else None
