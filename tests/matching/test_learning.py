"""Weight proposals from referral outcomes."""

import numpy as np
import pytest

from matcher.matching import COMPONENTS, DEFAULT_WEIGHTS, propose_weights


def _synthetic(n, truth, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, len(COMPONENTS)))
    logit = (x @ truth - truth.sum() / 2) * 12
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return x, y


def test_learns_a_truth_that_differs_from_the_defaults():
    truth = np.array([0.0, 0.0, 1.0, 0.0, 0.0, 0.0])  # only weekday fit drives success
    x, y = _synthetic(2000, truth)
    p = propose_weights(x, y)
    assert p.use_learned and p.n_samples == 2000
    assert p.cv_auc_learned > p.cv_auc_default + 0.05
    assert max(p.weights, key=p.weights.get) == "weekday"
    assert p.weights["weekday"] > 0.6
    assert sum(p.weights.values()) == pytest.approx(1.0)
    assert all(w >= 0 for w in p.weights.values())


def test_defaults_hold_when_they_are_already_right():
    truth = np.array([DEFAULT_WEIGHTS[k] for k in COMPONENTS])
    x, y = _synthetic(2000, truth, seed=1)
    p = propose_weights(x, y)
    assert not p.use_learned
    assert abs(p.cv_auc_learned - p.cv_auc_default) < 0.02
    assert p.weights["interest"] == pytest.approx(DEFAULT_WEIGHTS["interest"] / sum(DEFAULT_WEIGHTS.values()))


def test_too_few_samples_keep_defaults():
    x, y = _synthetic(30, np.eye(6)[2])
    p = propose_weights(x, y, min_samples=50)
    assert not p.use_learned and p.n_samples == 30
    assert np.isnan(p.cv_auc_learned)
    assert p.weights == pytest.approx({k: v / sum(DEFAULT_WEIGHTS.values()) for k, v in DEFAULT_WEIGHTS.items()})


def test_one_class_only_keeps_defaults():
    p = propose_weights(np.random.default_rng(0).random((100, 6)), np.ones(100))
    assert not p.use_learned


def test_bad_shapes_raise():
    with pytest.raises(ValueError):
        propose_weights(np.zeros((60, 5)), np.zeros(60))
    with pytest.raises(ValueError):
        propose_weights(np.zeros((60, 6)), np.full(60, 2))
