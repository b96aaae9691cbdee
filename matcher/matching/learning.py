"""Propose component weights learned from referral outcomes, with an honest comparison."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from .ranker import DEFAULT_WEIGHTS
from .types import COMPONENTS

__all__ = ["WeightProposal", "propose_weights"]

#: Learned weights must beat the defaults by at least this cross-validated ROC-AUC.
MIN_AUC_GAIN = 0.02


@dataclass(frozen=True, slots=True)
class WeightProposal:
    """Weights proposed from outcomes, with cross-validated ROC-AUC against the defaults."""

    weights: dict[str, float]
    cv_auc_learned: float
    cv_auc_default: float
    n_samples: int
    use_learned: bool
    #: The fitted weights even when the defaults are kept (for reporting their effect).
    fitted: dict[str, float] | None = None


def _default_vector() -> np.ndarray:
    w = np.array([DEFAULT_WEIGHTS[k] for k in COMPONENTS], dtype=np.float64)
    return w / w.sum()


def _learn(x: np.ndarray, y: np.ndarray, random_state: int) -> np.ndarray:
    """Fit a logistic regression and turn its clipped coefficients into normalised weights."""
    model = LogisticRegression(C=1.0, max_iter=1000, random_state=random_state)
    model.fit(x, y)
    coef = np.clip(model.coef_.ravel(), 0.0, None)
    return coef / coef.sum() if coef.sum() > 0 else _default_vector()


def propose_weights(
    component_rows: np.ndarray,
    outcomes: np.ndarray,
    min_samples: int = 50,
    random_state: int = 0,
    n_splits: int = 5,
) -> WeightProposal:
    """Learn weights from ``(n, 6)`` component rows and 0/1 outcomes; keep defaults unless clearly better.

    Parameters
    ----------
    component_rows : ndarray of shape (n, 6)
        Score components of past proposals, columns in ``types.COMPONENTS`` order.
    outcomes : ndarray of shape (n,)
        1 if the referral led to steady participation, else 0.
    min_samples : int, default 50
        Below this many rows (or with one class only) the defaults are kept.
    random_state : int, default 0
        Seed for the fold split and the solver.
    n_splits : int, default 5
        Number of stratified cross-validation folds.

    Returns
    -------
    WeightProposal
        ``use_learned`` is True only with enough samples and a CV ROC-AUC gain of at least 0.02.
    """
    x = np.asarray(component_rows, dtype=np.float64)
    y = np.asarray(outcomes).astype(int).ravel()
    if x.ndim != 2 or x.shape[1] != len(COMPONENTS) or len(x) != len(y):
        raise ValueError(f"component_rows must have shape (n, {len(COMPONENTS)}) matching outcomes")
    if not set(np.unique(y)) <= {0, 1}:
        raise ValueError("outcomes must be 0 or 1")
    default = _default_vector()
    n = len(y)
    minority = int(min(np.sum(y == 0), np.sum(y == 1)))
    if n < min_samples or minority < n_splits:
        return WeightProposal(dict(zip(COMPONENTS, default.tolist())), float("nan"), float("nan"), n, False)

    folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    learned_auc, default_auc = [], []
    for train, test in folds.split(x, y):
        w = _learn(x[train], y[train], random_state)
        learned_auc.append(roc_auc_score(y[test], x[test] @ w))
        default_auc.append(roc_auc_score(y[test], x[test] @ default))
    final = _learn(x, y, random_state)
    auc_l, auc_d = float(np.mean(learned_auc)), float(np.mean(default_auc))
    use = auc_l >= auc_d + MIN_AUC_GAIN
    weights = final if use else default
    return WeightProposal(dict(zip(COMPONENTS, weights.tolist())), auc_l, auc_d, n, bool(use),
                          dict(zip(COMPONENTS, final.tolist())))
