"""Danish-aware normalisation and interest expansion."""

import pytest

from matcher.matching import InterestMatcher, InterestTerm, normalise, tokenise


def test_normalise_folds_danish_letters_and_punctuation():
    assert normalise("Ærø, Øster-Søgade & Å!") == "aeroe oester soegade aa"
    assert normalise("Brønshøj") == normalise("Broenshoej")
    assert normalise("Café Ñandú") == "cafe nandu"


def test_tokenise_drops_filler_words():
    assert tokenise("Hun kan godt lide at spille fodbold og gaming") == ["fodbold", "gaming"]
    assert tokenise("I like to play football") == ["football"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("fotbold og gaming", {"fodbold", "gaming"}),
        ("kan lide heste", {"ridning"}),
        ("vil gerne lave musik", {"musik"}),
        ("dans & hiphop", {"dans", "hiphop"}),
        ("footbal", {"fodbold"}),
        ("football", {"fodbold"}),
        ("minecraft", {"gaming"}),
        ("han spiller counter strike", {"gaming"}),
        ("fodboldhold", {"fodbold"}),
        ("svømning", {"svoemning"}),
        ("svoemning", {"svoemning"}),
    ],
)
def test_expand_examples(matcher, text, expected):
    assert set(matcher.expand(text)) == expected


def test_aa_and_aa_ring_spellings_match_the_same_term(matcher):
    assert matcher.expand("åroning") == matcher.expand("aaroning") == {"aarhus_roning": 1.0}


def test_exact_beats_fuzzy_confidence(matcher):
    assert matcher.expand("fodbold")["fodbold"] == 1.0
    assert 0.5 < matcher.expand("fotbold")["fodbold"] < 1.0


@pytest.mark.parametrize("text", ["hej", "bil", "xyz", "lol", "", "kan lide at", "qwertyuiop", "1234"])
def test_short_or_nonsense_words_match_nothing(matcher, text):
    assert matcher.expand(text) == {}


def test_multi_word_synonym_needs_all_words():
    m = InterestMatcher([InterestTerm("gaming", "Gaming", ("counter strike",))])
    assert m.expand("counter strike") == {"gaming": 1.0}
    assert m.expand("strike") == {}


def test_missing_word_start_is_another_word_not_a_typo():
    m = InterestMatcher([InterestTerm("esport", "E-sport", ("esport",)), InterestTerm("fodbold", "Fodbold")])
    assert m.expand("sport") == {}
    assert set(m.expand("fodbol")) == {"fodbold"}


def test_have_is_a_verb_not_a_garden():
    m = InterestMatcher([InterestTerm("gartneri", "Gartneri", ("have", "havearbejde"))])
    assert m.expand("vil gerne have et job") == {}
    assert set(m.expand("havearbejde")) == {"gartneri"}
