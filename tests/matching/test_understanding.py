"""Reading a child's interest text: "not" scopes, needs, umbrellas, typos and confusable terms."""

from __future__ import annotations

from pathlib import Path

import pytest
from rapidfuzz.distance import Levenshtein

from matcher.matching import InterestMatcher, InterestTerm, load_interest_terms
from matcher.matching.graph import TaxonomyGraph
from matcher.matching.negation import spans

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "interests.json"


@pytest.fixture(scope="module")
def taxonomy():
    return InterestMatcher(load_interest_terms(SEEDS))


# --- "not" scopes ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, refused, wanted", [
    ("IKKE fodbold, han vil hellere noget med kamp", {"fodbold"}, {"kampsport"}),
    ("ikke fodbold men boksning", {"fodbold"}, {"boksning"}),
    ("gider ikke sport, kan lide at tegne", {"fodbold", "svoemning", "boksning"}, {"tegning"}),
    ("hun vil ikke danse, men hun kan godt lide at synge", {"dans"}, {"sang"}),
    ("kan ikke lide fodbold", {"fodbold"}, set()),
    ("alt andet end ballet! kan lide heste", {"ballet"}, {"ridning"}),
    ("hader svømning", {"svoemning"}, set()),
    ("no football, maybe basketball", {"fodbold"}, {"basketball"}),
    ("not boxing, no fighting. Gym and running", {"boksning", "kampsport"}, {"fitness", "loeb"}),
    ("I don't like football but I like chess", {"fodbold"}, {"skak"}),
    ("no more gaming, wants music", {"gaming"}, {"musik"}),
])
def test_refusals_are_read_in_danish_and_english(taxonomy, text, refused, wanted):
    u = taxonomy.understand(text)
    assert refused <= set(u.negated), u
    assert wanted <= set(u.wanted), u
    assert not set(u.negated) & set(u.wanted)
    assert not refused & set(taxonomy.expand(text))  # search does not look for what the child refused


@pytest.mark.parametrize("text", ["svømning... ved ik", "kan ikke svømme endnu, vil gerne lære det",
                                  "ved ikke, måske fodbold", "can't swim yet"])
def test_not_knowing_or_not_yet_being_able_is_not_a_refusal(taxonomy, text):
    u = taxonomy.understand(text)
    assert not u.negated and u.wanted


def test_a_refusal_ends_at_the_clause():
    assert [(s.words, s.negated) for s in spans("ikke fodbold, men gerne basket. Ikke svømning")] == [
        (["fodbold"], True), (["men", "gerne", "basket"], False), (["svoemning"], True)]


def test_explicitly_named_interest_beats_a_refused_umbrella(taxonomy):
    u = taxonomy.understand("gider ikke sport, men svømning er ok")
    assert "svoemning" in u.wanted and "svoemning" not in u.negated and "fodbold" in u.negated


# --- needs, settings, media and making -----------------------------------------------------------

@pytest.mark.parametrize("text, code", [
    ("et sted at være efter skole med vennerne", "ungdomsklub"),
    ("hænge ud", "ungdomsklub"),
    ("lektiehjælp", "lektiehjaelp"),
    ("en voksen at snakke med", "mentor"),
    ("noget med dyr", "ridning"),
    ("slå på noget", "boksning"),
    ("filme", "foto"),
    ("youtube", "foto"),
    ("tage billeder", "foto"),
    ("lave mad", "madlavning"),
    ("vil være kok", "madlavning"),
])
def test_needs_and_making_reach_the_offers_that_meet_them(taxonomy, text, code):
    wanted = taxonomy.understand(text).wanted
    assert wanted.get(code, 0) >= 0.8, wanted
    assert "teater" not in wanted  # film and YouTube are media workshops, not drama


def test_every_named_interest_is_a_wish_of_its_own(taxonomy):
    u = taxonomy.understand("football and basketball")
    assert [code for code, _ in u.mentioned] == ["fodbold", "basketball"]
    kampsport = dict(taxonomy.understand("kampsport").mentioned)["kampsport"]
    assert {"judo", "karate", "boksning"} <= kampsport


def test_graph_keeps_only_known_codes_and_is_symmetric():
    g = TaxonomyGraph.from_dict({"umbrellas": {"a": ["b", "zz"], "zz": ["a"]},
                                 "families": [[0.7, ["a", "b", "zz"]], [0.4, ["a", "b"]]],
                                 "needs": {"n": {"a": 1.0, "zz": 0.5}}}, codes=["a", "b", "n"])
    assert g.umbrellas == {"a": ("b",)}
    assert g.alternatives("a") == {"b": 0.7} and g.alternatives("b") == {"a": 0.7}
    assert g.needs == {"n": {"a": 1.0}}


# --- typos and confusable terms --------------------------------------------------------------------

#: Real terms one short edit from another real term: neither may ever be read as the other.
CONFUSABLE = [
    ("ridning", "brydning"), ("dans", "dansk"), ("boks", "bog"), ("kor", "kort"), ("sang", "spil"),
    ("heste", "hest"), ("skak", "skate"), ("gym", "gaming"), ("klub", "kunst"), ("film", "fisk"),
    ("bage", "bane"), ("rap", "rpg"), ("male", "mad"), ("sejle", "sy"),
]


@pytest.mark.parametrize("word, other", CONFUSABLE)
def test_a_real_term_is_never_read_as_a_confusable_neighbour(taxonomy, word, other):
    mine = taxonomy.expand(word)
    theirs = taxonomy.expand(other)
    assert mine, word
    first = max(mine, key=mine.get)
    second = max(theirs, key=theirs.get) if theirs else None
    if first != second:
        assert second not in mine and first not in theirs, (mine, theirs)


def test_no_two_real_terms_a_short_edit_apart_read_as_each_other(taxonomy):
    keys = [k for k in taxonomy._phrases if " " not in k and len(k) >= 4]
    checked = 0
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            ca, cb = taxonomy._phrases[a], taxonomy._phrases[b]
            if ca == cb or Levenshtein.distance(a, b) > 2:
                continue
            checked += 1
            # b's code may only come in through a's own umbrella or need relations, never as a misreading
            assert cb not in taxonomy.expand(a) or cb in taxonomy._widen({ca: 1.0}), (a, b)
            assert ca not in taxonomy.expand(b) or ca in taxonomy._widen({cb: 1.0}), (a, b)
    assert checked > 20


@pytest.mark.parametrize("typo, code", [("ridnig", "ridning"), ("brydnig", "brydning"), ("fotbold", "fodbold"),
                                        ("basketbal", "basketball"), ("svømnig", "svoemning"),
                                        ("tegnig", "tegning"), ("karatee", "karate")])
def test_a_typo_maps_to_its_closest_term(taxonomy, typo, code):
    assert set(taxonomy.expand(typo)) >= {code}


def test_a_typo_between_two_terms_maps_to_neither():
    m = InterestMatcher([InterestTerm("d1", "Danse"), InterestTerm("s1", "Dansk")], graph=TaxonomyGraph())
    assert m.expand("dansk") == {"s1": 1.0} and m.expand("danse") == {"d1": 1.0}
    assert m.expand("dansr") == {}  # one edit from both "danse" and "dansk": no guess
    assert set(m.expand("dannse")) == {"d1"}


@pytest.mark.parametrize("query, name, kept", [
    ("ridning", "brydning for 9 10 aarige", False),
    ("ridning", "ridning og brydning", True),
    ("ridning", "ponyklub ridning for alle", True),
    ("ridnig", "brydning for 9 10 aarige", False),
    ("dans", "lektiehjaelp i dansk", False),
    ("dans", "dansehold i kulturhuset", True),
    ("fodbold", "fodboldskole", True),
])
def test_search_refuses_names_that_are_another_real_term(taxonomy, query, name, kept):
    guard = taxonomy.name_guard(query)
    assert guard is not None and guard(name) is kept


def test_a_known_word_gets_no_fuzzy_name_matching_but_a_typo_does(taxonomy):
    assert taxonomy.name_guard("ridning").fuzzy is False
    assert taxonomy.name_guard("ridnig").fuzzy is True
    assert taxonomy.name_guard("Eksempel Boldklub") is None or taxonomy.name_guard("Eksempel Boldklub").fuzzy
