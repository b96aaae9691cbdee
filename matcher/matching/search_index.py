"""An in-memory index of the catalogue's listings for search: filters as numpy masks, free text in C.

The index reproduces the catalogue search's rules exactly (``matcher.catalogue.search``): an
offer matches free text through its interests (with the confidence the interest matcher gives the
query's codes), through its title or organisation name (1.0 when the folded query is a substring,
else rapidfuzz ``partial_ratio`` ≥ 82 scaled by 0.9) or, failing those, through its description
(0.5 when the folded query of at least four letters is a substring). The interest matcher's
``NameGuard`` keeps a real word from matching as a typo: a query of known terms gets no fuzzy name
hits, and a name or description whose only word near the query is another real term is refused
("ridning" never finds "Brydning"). Results are ordered by text score, then distance, then folded
organisation name and title.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from .features import weekday_mask
from .distance import haversine_km
from .text import normalise

__all__ = ["DAYPARTS", "FUZZY_CUTOFF", "GENDER_RULES", "Listing", "SORTS", "SearchHits", "SearchIndex",
           "schedule_slots"]

#: rapidfuzz partial_ratio an offer's title or organisation name must reach to match a typo.
FUZZY_CUTOFF = 82.0
#: Queries shorter than this match names only as substrings, and never descriptions.
FUZZY_MIN_LEN = 4
#: Distance used to order offers without a location (or any offer when no origin is given).
NO_DISTANCE = 1e9
# A partial_ratio of 82 needs ≥ 0.6949·m of the shorter string's m characters in common
# (2·LCS/(m+w) ≥ 0.82 with LCS ≤ w ≤ m); 0.69 keeps the pre-filter a safe superset.
_FUZZY_OVERLAP = 0.69
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 "
_CHAR_INDEX = {c: i for i, c in enumerate(_ALPHABET)}
_BYTE_COLUMN = np.array([_CHAR_INDEX.get(chr(b), len(_ALPHABET)) for b in range(256)], dtype=np.int64)
_CHUNK = 20_000
_CACHE_SIZE = 256
#: Text hits kept in the cache of recent queries, all queries together (16 bytes each).
_CACHE_MAX_HITS = 4_000_000
#: Parts of the day (minutes after midnight, end exclusive) a schedule may overlap.
DAYPARTS = {"morning": (0, 12 * 60), "afternoon": (12 * 60, 17 * 60), "evening": (17 * 60, 24 * 60)}
_PART_INDEX = {p: i for i, p in enumerate(DAYPARTS)}
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Gender filters: offers a girl (boy) may join, or offers only for girls (boys).
GENDER_RULES = ("girl", "boy", "girls-only", "boys-only")
#: Orders a search can ask for.
SORTS = ("relevance", "distance", "price", "spots")


def schedule_slots(schedules: Iterable[tuple[Iterable[str], int | None, int | None]]) -> int:
    """Return the day-by-daypart bitmask (bit = day * 3 + part) of schedules given as (days, opens, closes).

    ``opens`` and ``closes`` are minutes after midnight; a schedule without an opening time
    occupies no daypart, one without a closing time is taken to last an hour.
    """
    mask = 0
    for days, opens, closes in schedules:
        if opens is None:
            continue
        end = closes if closes is not None and closes > opens else opens + 60
        for part, (lo, hi) in DAYPARTS.items():
            if opens < hi and end > lo:
                for day in days:
                    if day in _DAYS:
                        mask |= 1 << (_DAYS.index(day) * 3 + _PART_INDEX[part])
    return mask


def slot_mask(weekday: str | None, daypart: str) -> int:
    """Return the bits of ``daypart`` on ``weekday`` (every day when None)."""
    days = [weekday] if weekday else list(_DAYS)
    return sum(1 << (_DAYS.index(d) * 3 + _PART_INDEX[daypart]) for d in days)


@dataclass(frozen=True, slots=True)
class Listing:
    """One offer as search sees it: filter facts and the texts free text is matched against."""

    id: int
    status: str
    kind: str
    title: str
    organisation: str
    description: str = ""
    interests: tuple[str, ...] = ()  # interest codes as tagged (mapped codes are resolved per query)
    district_id: int | None = None
    age_min: int | None = None
    age_max: int | None = None
    weekdays: tuple[str, ...] = ()
    monthly_fee_dkk: float | None = None
    fee_support: bool = False
    lat: float | None = None
    lon: float | None = None
    gender: str | None = None  # "girls" or "boys" when only for them
    spots_free: int | None = None
    slots: int = 0  # schedule_slots of the offer's schedules


@dataclass
class SearchHits:
    """One page of matching offers (ids best first) and how many matched in all."""

    total: int
    ids: list[int]
    scores: list[float]
    distances: list[float | None]


class _Strings:
    """Distinct folded strings with per-character counts, for cheap pre-filtering before C-level matching."""

    def __init__(self, strings: list[str]):
        self.strings = strings
        #: The same strings as an object array, to pick many at once without a Python loop.
        self.array = np.array(strings, dtype=object) if strings else np.zeros(0, dtype=object)
        self.lengths = np.fromiter(map(len, strings), dtype=np.int32, count=len(strings))
        self.counts = np.zeros((len(strings), len(_ALPHABET)), dtype=np.uint8)
        width = len(_ALPHABET)
        for start in range(0, len(strings), _CHUNK):  # folded text is ASCII: count characters a chunk at a time
            part = strings[start:start + _CHUNK]
            data = np.frombuffer("".join(part).encode("ascii", "replace"), dtype=np.uint8)
            row = np.repeat(np.arange(len(part), dtype=np.int32), self.lengths[start:start + len(part)])
            col = _BYTE_COLUMN[data]
            known = col < width
            flat = np.bincount(row[known].astype(np.int64) * width + col[known], minlength=len(part) * width)
            self.counts[start:start + len(part)] = np.minimum(flat, 255).reshape(len(part), width)
        #: Per string, bit j set when it holds character j of _ALPHABET (a cheap first pre-filter).
        self.bits = np.zeros(len(strings), dtype=np.uint64)
        for j in range(width):
            self.bits |= (self.counts[:, j] > 0).astype(np.uint64) << np.uint64(j)

    def overlap(self, query: str, rows: np.ndarray | None) -> np.ndarray:
        """Return, per string, how many of the query's characters (with repeats) it contains."""
        n = len(self.strings) if rows is None else len(rows)
        out = np.zeros(n, dtype=np.int32)
        for ch in set(query):
            j = _CHAR_INDEX.get(ch)
            if j is None:
                continue
            col = self.counts[:, j] if rows is None else self.counts[rows, j]
            out += np.minimum(col, query.count(ch))
        return out

    def candidates(self, query: str, rows: np.ndarray | None, fuzzy: bool) -> np.ndarray:
        """Return the strings (of ``rows``, default all) whose character counts allow a match of ``query``.

        A substring holds every character of the query; a ``partial_ratio`` of FUZZY_CUTOFF needs
        ``_FUZZY_OVERLAP`` of the shorter string's characters in common. A first pass bounds the
        overlap from above by the strings' character sets (one popcount per string); the exact
        counts are then compared for the few that pass, so the result equals comparing the exact
        counts of every string.
        """
        m = len(query)
        known = [ch for ch in set(query) if ch in _CHAR_INDEX]
        qbits = np.uint64(sum(1 << _CHAR_INDEX[ch] for ch in known))
        repeats = sum(query.count(ch) - 1 for ch in known)  # overlap <= common characters + repeats
        bits = self.bits if rows is None else self.bits[rows]
        bound = np.bitwise_count(bits & qbits)
        if fuzzy:
            lengths = self.lengths if rows is None else self.lengths[rows]
            short = np.arange(min(m, int(lengths.max(initial=0))) + 1)
            need = np.ceil(_FUZZY_OVERLAP * 100 * short)  # by string length below m; m and longer need short[-1]
            least = np.ceil(need / 100).astype(np.int32) - repeats
            pick = np.flatnonzero(bound >= least[np.minimum(lengths, len(short) - 1)])
        else:
            pick = np.flatnonzero(bound >= m - repeats)
        cand = pick if rows is None else rows[pick]
        overlap = self.overlap(query, cand)
        if fuzzy:
            maybe = overlap * 100 >= np.ceil(_FUZZY_OVERLAP * 100 * np.minimum(self.lengths[cand], m))
        else:
            maybe = overlap >= m
        return cand[maybe]


class SearchIndex:
    """Filter, score and order the catalogue's listings for one search.

    Listings are stored in the order of their folded organisation name, folded title and id, so
    a page of results without free text or distance is a slice of the filtered positions.
    Matching free text runs rapidfuzz over the distinct folded names that survive a character
    set and count pre-filter; the hits of the most recent texts over the whole index are cached
    (positions and scores, built from the matching postings, names and descriptions only) and a
    search intersects them with its filters. A page is picked with partitions (``_first``), not
    by sorting every hit. Each shortcut gives exactly the exhaustive answer
    (tests/matching/test_search_pruning.py).

    Parameters
    ----------
    listings : iterable of Listing
        Every offer that search may return (all statuses).

    Examples
    --------
    >>> index = SearchIndex([Listing(1, "active", "activity", "Pigefodbold", "Boldklubben")])
    >>> index.search("fodbold", {}, {}).ids
    [1]
    """

    def __init__(self, listings: Iterable[Listing]):
        folded: dict[str, str] = {}  # organisation names and descriptions repeat across offers

        def fold(text: str) -> str:
            out = folded.get(text)
            if out is None:
                out = folded[text] = normalise(text)
            return out

        keyed = sorted(((fold(x.organisation), normalise(x.title), x.id, x) for x in listings), key=lambda k: k[:3])
        ordered = [k[3] for k in keyed]
        self.n = len(ordered)
        self.ids = np.fromiter((x.id for x in ordered), dtype=np.int64, count=self.n)
        self._statuses = sorted({x.status for x in ordered})
        self._kinds = sorted({x.kind for x in ordered})
        self.status = np.array([self._statuses.index(x.status) for x in ordered], dtype=np.int8)
        self.kind = np.array([self._kinds.index(x.kind) for x in ordered], dtype=np.int8)
        self.district = np.array([-1 if x.district_id is None else x.district_id for x in ordered], dtype=np.int64)
        self.age_min = np.array([-1 if x.age_min is None else x.age_min for x in ordered], dtype=np.int32)
        self.age_max = np.array([10_000 if x.age_max is None else x.age_max for x in ordered], dtype=np.int32)
        self.weekdays = np.array([weekday_mask(x.weekdays) for x in ordered], dtype=np.uint8)
        fee = [math.nan if x.monthly_fee_dkk is None else float(x.monthly_fee_dkk) for x in ordered]
        self.free = np.asarray(fee, dtype=np.float64) == 0.0
        self.fee_support = np.array([bool(x.fee_support) for x in ordered], dtype=bool)
        self.lat = np.array([math.nan if x.lat is None else x.lat for x in ordered], dtype=np.float64)
        self.lon = np.array([math.nan if x.lon is None else x.lon for x in ordered], dtype=np.float64)
        self.located = np.isfinite(self.lat) & np.isfinite(self.lon)
        self.fee = np.asarray(fee, dtype=np.float64)
        self.gender = np.array([{"girls": 1, "boys": 2}.get(x.gender or "", 0) for x in ordered], dtype=np.int8)
        self.spots = np.array([-1 if x.spots_free is None else x.spots_free for x in ordered], dtype=np.int64)
        self.slots = np.array([x.slots for x in ordered], dtype=np.int64)

        names: dict[str, int] = {}
        self.title_idx = np.array([names.setdefault(k[1], len(names)) for k in keyed], dtype=np.int32)
        self.org_idx = np.array([names.setdefault(k[0], len(names)) for k in keyed], dtype=np.int32)
        self.names = _Strings(list(names))
        texts: dict[str, int] = {}
        self.desc_idx = np.array([texts.setdefault(fold(x.description), len(texts)) for x in ordered],
                                 dtype=np.int32)
        self.descriptions = _Strings(list(texts))

        postings: dict[str, list[int]] = {}
        for pos, x in enumerate(ordered):
            for code in set(x.interests):
                postings.setdefault(code, []).append(pos)
        self.postings = {code: np.asarray(p, dtype=np.int64) for code, p in postings.items()}
        self._cache: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cache_lock = threading.Lock()

    def __len__(self) -> int:
        return self.n

    def __getstate__(self) -> dict:
        """Pickle the index without its cache of recent queries (and the cache's lock)."""
        state = dict(self.__dict__)
        del state["_cache"], state["_cache_lock"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._cache = OrderedDict()
        self._cache_lock = threading.Lock()

    # ------------------------------------------------------------------ filters
    def filter(self, *, statuses: Iterable[str] = ("active",), kind: str | None = None,
               district_id: int | None = None, age: int | None = None, weekday: str | None = None,
               free_only: bool = False, fee_support: bool = False, gender: str | None = None,
               daypart: str | None = None, not_district_id: int | None = None) -> np.ndarray:
        """Return the boolean mask of listings that pass every given filter.

        ``gender`` is one of GENDER_RULES, ``daypart`` one of DAYPARTS (on ``weekday`` when given);
        ``not_district_id`` leaves out one district's listings.
        """
        codes = [self._statuses.index(s) for s in statuses if s in self._statuses]
        mask = self.status == codes[0] if len(codes) == 1 else np.isin(self.status, np.asarray(codes, dtype=np.int8))
        if kind is not None:
            mask &= self.kind == (self._kinds.index(kind) if kind in self._kinds else -1)
        if district_id is not None:
            mask &= self.district == district_id
        if age is not None:
            mask &= (self.age_min <= age) & (self.age_max >= age)
        if not_district_id is not None:
            mask &= self.district != not_district_id
        if weekday is not None:
            mask &= (self.weekdays & np.uint8(weekday_mask([weekday]))) != 0
        if daypart is not None:
            mask &= (self.slots & slot_mask(weekday, daypart)) != 0
        if gender in ("girl", "boy"):
            mask &= (self.gender == 0) | (self.gender == (1 if gender == "girl" else 2))
        elif gender in ("girls-only", "boys-only"):
            mask &= self.gender == (1 if gender == "girls-only" else 2)
        if free_only and fee_support:
            mask &= self.free | self.fee_support
        elif free_only:
            mask &= self.free
        elif fee_support:
            mask &= self.fee_support
        return mask

    # ------------------------------------------------------------------ text
    def _name_scores(self, query: str, which: np.ndarray | None, guard=None) -> np.ndarray:
        """Return the name score of each distinct name (``which``: only these; others stay 0).

        ``guard`` (the interest matcher's ``NameGuard``) refuses names that match the query only
        through another real term ("Brydning" for "ridning", "Dansk" for "dans").
        """
        out = np.zeros(len(self.names.strings))
        fuzzy = len(query) >= FUZZY_MIN_LEN and (guard is None or guard.fuzzy)
        cand = self.names.candidates(query, which, fuzzy)
        strings = self.names.strings
        if not len(cand):
            return out
        if fuzzy:  # partial_ratio is 100 for a substring: only those need the substring test
            ratio = process.cdist([query], self.names.array[cand], scorer=fuzz.partial_ratio,
                                  score_cutoff=FUZZY_CUTOFF, dtype=np.float64, workers=1)[0]
            hit = ratio >= FUZZY_CUTOFF
            out[cand[hit]] = 0.9 * ratio[hit] / 100
            full = cand[ratio >= 100.0]
            subs = np.fromiter((query in strings[i] for i in full.tolist()), dtype=bool, count=len(full))
            out[full[subs]] = 1.0
        else:
            subs = np.fromiter((query in s for s in self.names.array[cand]), dtype=bool, count=len(cand))
            out[cand[subs]] = 1.0
        if guard is not None:
            found = np.flatnonzero(out)
            refused = [i for i in found.tolist() if not guard(strings[i])]
            out[refused] = 0.0
        return out

    def _matching_descriptions(self, query: str, which: np.ndarray | None, guard=None) -> np.ndarray:
        """Return, per distinct description (of ``which``, default all), whether it holds the query (``guard`` allowing)."""
        strings = self.descriptions.strings
        found = np.zeros(len(strings), dtype=bool)
        maybe = self.descriptions.candidates(query, which, fuzzy=False)
        found[[i for i in maybe.tolist() if query in strings[i] and (guard is None or guard(strings[i]))]] = True
        return found

    def _description_hits(self, query: str, rows: np.ndarray, guard=None) -> np.ndarray:
        """Return which of ``rows`` have the query as a substring of their folded description (``guard`` allowing)."""
        desc = self.desc_idx[rows]
        present = np.zeros(len(self.descriptions.strings), dtype=bool)
        present[desc] = True
        return self._matching_descriptions(query, np.flatnonzero(present), guard)[desc]

    def _interest_scores(self, codes: Mapping[str, float], aliases: Mapping[str, Iterable[str]]) -> np.ndarray:
        """Return, per row, the best confidence of the understood codes (or their aliases) the listing has."""
        interest = np.zeros(self.n)
        for code, confidence in codes.items():
            for alias in aliases.get(code, (code,)):
                hit = self.postings.get(alias)
                if hit is not None:
                    interest[hit] = np.maximum(interest[hit], confidence)
        return interest

    def text_scores(self, query: str, codes: Mapping[str, float], aliases: Mapping[str, Iterable[str]],
                    rows: np.ndarray, name_guard=None) -> np.ndarray:
        """Return the free-text score of each position in ``rows`` (0 = no match).

        Parameters
        ----------
        query : str
            The folded query (``normalise``).
        codes : mapping of str to float
            Interest codes the query was understood as, with their confidence.
        aliases : mapping of str to iterable of str
            Per code, the codes whose offers count as it (itself and terms mapped onto it).
        rows : ndarray of int
            Positions to score.
        name_guard : callable, optional
            Refuses name hits that are another real term (``InterestMatcher.name_guard``).
        """
        everything = len(rows) == self.n  # rows are ascending positions: then they are all of them
        best = np.zeros(len(rows))
        if codes:
            interest = self._interest_scores(codes, aliases)
            best = interest if everything else interest[rows]
        if everything:
            names = self._name_scores(query, None, name_guard)
            titles, orgs = self.title_idx, self.org_idx
        else:
            titles, orgs = self.title_idx[rows], self.org_idx[rows]
            mask = np.zeros(len(self.names.strings), dtype=bool)
            mask[titles] = True
            mask[orgs] = True
            names = self._name_scores(query, np.flatnonzero(mask), name_guard)
        best = np.maximum(best, np.maximum(names[titles], names[orgs]))
        if len(query) >= FUZZY_MIN_LEN:
            empty = np.flatnonzero(best == 0.0)
            if len(empty):
                best[empty[self._description_hits(query, rows[empty], name_guard)]] = 0.5
        return best

    def _score_all(self, query: str, codes: Mapping[str, float], aliases: Mapping[str, Iterable[str]],
                   name_guard=None) -> tuple[np.ndarray, np.ndarray]:
        """Return the positions (ascending) and scores of every listing the text matches: ``text_scores`` of all.

        Works from the few interest postings, names and descriptions that match instead of
        scoring every row: a row array is touched only when something matched.
        """
        best = self._interest_scores(codes, aliases)
        names = self._name_scores(query, None, name_guard)
        named = names > 0
        if named.any():
            rows = np.flatnonzero(named[self.title_idx] | named[self.org_idx])
            best[rows] = np.maximum(best[rows], np.maximum(names[self.title_idx[rows]], names[self.org_idx[rows]]))
        if len(query) >= FUZZY_MIN_LEN:
            found = self._matching_descriptions(query, None, name_guard)
            if found.any():
                rows = np.flatnonzero(found[self.desc_idx])
                best[rows[best[rows] == 0.0]] = 0.5
        pos = np.flatnonzero(best)
        return pos, best[pos]

    def _text_key(self, query: str, codes: Mapping[str, float], aliases: Mapping[str, Iterable[str]],
                  name_guard=None) -> tuple:
        return (query, tuple(sorted(codes.items())),
                tuple(sorted((c, tuple(sorted(aliases.get(c, (c,))))) for c in codes)),
                getattr(name_guard, "key", None))

    def _recall(self, key: tuple) -> tuple[np.ndarray, np.ndarray] | None:
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
            return hit

    def _text_hits(self, query: str, codes: Mapping[str, float], aliases: Mapping[str, Iterable[str]],
                   name_guard=None) -> tuple[np.ndarray, np.ndarray]:
        """Return the positions (ascending) and scores of every listing the text matches, from the cache.

        The cache holds the most recent queries, at most _CACHE_SIZE of them and _CACHE_MAX_HITS
        hits in all.
        """
        key = self._text_key(query, codes, aliases, name_guard)
        hit = self._recall(key)
        if hit is None:
            hit = self._score_all(query, codes, aliases, name_guard)
            with self._cache_lock:
                self._cache[key] = hit
                held = sum(len(h[0]) for h in self._cache.values())
                while len(self._cache) > 1 and (len(self._cache) > _CACHE_SIZE or held > _CACHE_MAX_HITS):
                    held -= len(self._cache.popitem(last=False)[1][0])
        return hit

    # ------------------------------------------------------------------ search
    def search(self, query: str | None, codes: Mapping[str, float], aliases: Mapping[str, Iterable[str]], *,
               mask: np.ndarray | None = None, origin: tuple[float, float] | None = None,
               max_km: float | None = None, offset: int = 0, limit: int = 50, name_guard=None,
               sort: str = "relevance") -> SearchHits:
        """Return one page of the listings in ``mask`` that match the free text, best first.

        ``query`` is the folded free text, or None for no text (everything in ``mask`` matches
        with score 0). With ``origin`` distances (km, one decimal) are computed; ``max_km`` then
        drops offers farther away or without a location. ``name_guard`` refuses name hits that
        are another real term (see ``text_scores``). ``sort`` (one of SORTS) puts nearest,
        cheapest or most free spots first, with the relevance order breaking ties.
        """
        base = self.filter() if mask is None else mask
        scores = None
        hit = None
        if query is None:
            rows = np.flatnonzero(base)
        else:
            hit = self._recall(self._text_key(query, codes, aliases, name_guard))
            if hit is None:
                rows = np.flatnonzero(base)
                if origin is not None and max_km is not None:
                    rows = rows[self._near(rows, origin, max_km)]
                if len(rows) * 4 < self.n:  # a narrow filter: score only what it left
                    scores = self.text_scores(query, codes, aliases, rows, name_guard)
                    keep = scores > 0
                    rows, scores = rows[keep], scores[keep]
                else:  # score the whole index once, for this and later searches of the same text
                    hit = self._text_hits(query, codes, aliases, name_guard)
            if hit is not None:  # every position the text matches, ascending: keep those the filters let through
                keep = base[hit[0]]
                rows, scores = hit[0][keep], hit[1][keep]
        dist = None
        if origin is not None:
            if max_km is not None:
                near = self._near(rows, origin, max_km)
                rows = rows[near]
                scores = None if scores is None else scores[near]
            dist = np.full(len(rows), NO_DISTANCE)
            located = self.located[rows]
            if located.any():
                km = haversine_km(origin[0], origin[1], self.lat[rows[located]], self.lon[rows[located]])
                dist[located] = np.round(np.asarray(km, dtype=np.float64), 1)
            if max_km is not None:
                near = dist <= max_km
                rows, dist = rows[near], dist[near]
                scores = None if scores is None else scores[near]
        keys = [] if sort == "relevance" else [self._sort_key(sort, rows, dist)]
        keys += ([] if scores is None else [-scores]) + ([] if dist is None else [dist])
        page = _first(keys, len(rows), offset + limit)[offset:offset + limit]
        return SearchHits(
            total=len(rows), ids=self.ids[rows[page]].tolist(),
            scores=[0.0] * len(page) if scores is None else scores[page].tolist(),
            distances=[None] * len(page) if dist is None else
            [None if d >= NO_DISTANCE else float(d) for d in dist[page].tolist()])

    def _near(self, rows: np.ndarray, origin: tuple[float, float], max_km: float) -> np.ndarray:
        """Return a mask of ``rows`` inside a bounding box around ``origin`` that holds every point within ``max_km``."""
        reach = max_km + 0.1  # distances are rounded to 0.1 km before comparing
        dlat = reach / 110.0  # a degree of latitude is at least 110.57 km
        inside = np.abs(self.lat[rows] - origin[0]) <= dlat
        cos = math.cos(math.radians(min(abs(origin[0]) + dlat, 90.0)))
        if cos > 0.01:
            dlon = reach / (111.0 * cos)
            band = np.flatnonzero(inside)  # longitudes only of the rows in the latitude band
            inside[band] = np.abs((self.lon[rows[band]] - origin[1] + 180.0) % 360.0 - 180.0) <= dlon
        return inside

    def _sort_key(self, sort: str, rows: np.ndarray, dist: np.ndarray | None) -> np.ndarray:
        """Return the key of ``rows`` for ``sort`` (ascending; unknown values last)."""
        if sort == "distance":
            return np.full(len(rows), NO_DISTANCE) if dist is None else dist
        if sort == "price":
            fee = self.fee[rows]
            return np.where(np.isnan(fee), np.inf, fee)
        if sort == "spots":
            spots = self.spots[rows].astype(np.float64)
            return np.where(spots < 0, np.inf, -spots)
        raise ValueError(f"unknown sort {sort!r}")


def _first(keys: list[np.ndarray], n: int, k: int) -> np.ndarray:
    """Return the positions of the first ``k`` of ``n`` rows ordered by ``keys`` (most significant first), then position.

    Equals ``np.lexsort(keys[::-1])[:k]`` (a stable sort), but when ``k`` is much smaller than
    ``n`` each key only narrows the rows down with a partition: the rows strictly before the
    k-th value are in, its ties go on to the next key, and the final sort is over about k rows.
    """
    if not keys or k <= 0:
        return np.arange(max(0, min(n, k)))
    if k * 4 >= n:
        return np.lexsort(keys[::-1])[:k]
    chosen = []
    rest, need = np.arange(n), k
    for key in keys:
        values = key[rest]
        kth = np.partition(values, need - 1)[need - 1]
        before = values < kth
        chosen.append(rest[before])
        need -= int(before.sum())
        rest = rest[values == kth]
        if len(rest) <= need:
            break
    chosen.append(rest[:need])  # ties in every key: the lowest positions first
    pick = np.sort(np.concatenate(chosen))
    return pick[np.lexsort([key[pick] for key in keys[::-1]])]
