"""Quality check of the matching engine on the graded evaluation set (bench/eval/).

Checks the shape of the set (profiles, districts, ages, grades, ids) and that the engine's
mean nDCG@10 beats the text-only and distance-only baselines by a clear margin, with no
hard-constraint violation in its top 10. Runs the same code as ``bench/eval_match.py``.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

from matcher.matching import ChildProfile
from matcher.matching.geo import OfflineGeocoder

ROOT = Path(__file__).resolve().parents[2]
MARGIN = 0.05


def _load_eval_module():
    name = "eval_match"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "eval_match.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


em = _load_eval_module()


@pytest.fixture(scope="module")
def profiles():
    return em.load_profiles()


@pytest.fixture(scope="module")
def judgements():
    return em.load_judgements()


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory, profiles, judgements):
    session = em.build_database(tmp_path_factory.mktemp("evaldb"))
    try:
        evaluator = em.Evaluator.from_session(session)
        result = em.evaluate(evaluator, profiles, judgements, em.ConstraintChecker())
    finally:
        session.close()
    return result, em.summary(result["rows"])


def test_profiles_shape(profiles):
    assert len(profiles) >= 40
    assert len({p["id"] for p in profiles}) == len(profiles)
    kinds = Counter(p["kind"] for p in profiles)
    assert set(kinds) == {"activity", "leisure-job", "mentor"}
    assert kinds["leisure-job"] >= 6 and kinds["mentor"] >= 6
    for p in profiles:
        ChildProfile.from_dict(p["child"], today=em.EVAL_TODAY)  # the exact engine shape
        assert p["child"]["interests"].strip() and p["note"].strip()
        if p["kind"] == "leisure-job":
            assert 13 <= p["child"]["age"] <= 17, p["id"]


def test_profiles_cover_all_districts_and_ages(profiles):
    geo = OfflineGeocoder()
    districts = set()
    for p in profiles:
        child = p["child"]
        name = geo.normalise_district(child["district"]) if child.get("district") else \
            geo.postcode_district(str(child["postcode"]))
        districts.add(name)
    assert set(geo.districts()) <= districts
    ages = Counter(p["child"]["age"] for p in profiles)
    assert all(ages[a] >= 2 for a in range(6, 18)), ages


def test_judgements_shape(profiles, judgements):
    ids = em.catalogue_ids()
    assert {p["id"] for p in profiles} == set(judgements)
    # A child the catalogue cannot serve well is a real finding (p02: ponies beyond the
    # family's budget), but the set must mostly consist of children it can serve.
    without_relevant = [pid for pid, grades in judgements.items() if not any(g >= 2 for g in grades.values())]
    assert len(without_relevant) <= len(judgements) // 10, without_relevant
    for pid, grades in judgements.items():
        assert grades, pid
        for ext, g in grades.items():
            assert g in (0, 1, 2, 3), (pid, ext, g)
            assert ext in ids, f"{pid}: {ext} is not in the demo catalogue or mentors.csv"


def test_metrics():
    grades = {"a": 3, "b": 2, "c": 0}
    assert em.ndcg_at(["a", "b", "c"], grades) == pytest.approx(1.0)
    assert em.ndcg_at(["c", "b", "a"], grades) < em.ndcg_at(["b", "a", "c"], grades) < 1.0
    assert em.ndcg_at(["x"], {"x": 0}) == 0.0
    assert em.precision_at(["a", "c", "b", "z"], grades) == pytest.approx(2 / 5)


def test_engine_beats_both_baselines(evaluation):
    result, summ = evaluation
    overall = summ["all"]
    engine = overall["engine"]["ndcg"]
    assert engine >= overall["text-only"]["ndcg"] + MARGIN, em.markdown(summ)
    assert engine >= overall["distance-only"]["ndcg"] + MARGIN, em.markdown(summ)
    assert overall["engine"]["p5"] > overall["text-only"]["p5"], em.markdown(summ)
    assert overall["engine"]["p5"] > overall["distance-only"]["p5"], em.markdown(summ)
    for kind in ("activity", "leisure-job", "mentor"):
        group = summ[kind]
        assert group["engine"]["ndcg"] > group["text-only"]["ndcg"], (kind, em.markdown(summ))
        assert group["engine"]["ndcg"] > group["distance-only"]["ndcg"], (kind, em.markdown(summ))


def test_engine_top10_respects_hard_constraints(evaluation):
    result, _ = evaluation
    assert result["violations"] == []
