"""The word-at-a-time TF-IDF gives scikit-learn's char_wb matrix, vocabulary and idf."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.matching.text import normalise
from matcher.matching.tfidf import CharTfidf, word_ngrams

DOCS = [normalise(t) for t in (
    "Pigefodbold U12 Eksempel Boldklub træning for piger", "Fritidsjob som bagerhjælper", "Kor og sang",
    "Dans & hiphop for børn", "a", "ab cd", "Skak  klub\tfor børn", "fodbold fodbold fodbold", "",
    "Svømning i Østerbro Svømmehal", "Gaming LAN counter strike", "Karate judo kampsport")]


def sklearn_tfidf(max_df: float) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), dtype=np.float32, sublinear_tf=True, max_df=max_df)


@pytest.mark.parametrize("max_df", [0.5, 1.0])
def test_fit_transform_equals_scikit_learn(max_df):
    theirs, ours = sklearn_tfidf(max_df), CharTfidf(max_df=max_df)
    expected, got = theirs.fit_transform(DOCS).tocsr(), ours.fit_transform(DOCS)
    assert ours.vocabulary_ == theirs.vocabulary_
    assert np.array_equal(ours.idf_, theirs.idf_) and ours.idf_.dtype == np.float32
    assert got.shape == expected.shape and got.dtype == np.float32
    assert abs(got - expected).max() <= 1e-7
    queries = ["skak og fodbold", "fotbold", "", "zzz"]
    assert abs(ours.transform(queries) - theirs.transform(queries)).max() <= 1e-7


def test_analyser_equals_scikit_learn():
    theirs, ours = sklearn_tfidf(1.0).build_analyzer(), CharTfidf().build_analyzer()
    for doc in [*DOCS, "Hello   World", "x"]:
        assert ours(doc) == theirs(doc)
    assert word_ngrams("ab", 3, 5) == [" ab", "ab ", " ab "]


@pytest.mark.parametrize("docs", [[], ["a"], ["", ""], ["kor", "kor"]])
def test_refuses_what_scikit_learn_refuses(docs):
    with pytest.raises(ValueError):
        sklearn_tfidf(0.5).fit_transform(docs)
    with pytest.raises(ValueError):
        CharTfidf().fit_transform(docs)
