"""Write bench/eval/judgements.json from the assessor's reading (criteria.py) of each child.

Judging is exhaustive: every candidate of the profile's kind in the demo catalogue is graded
0-3 from its own facts (seed files) and the assessor's reading of the child in
``criteria.py`` (rubric there); ``OVERRIDES`` apply last. No system's ranking is consulted —
the engine is not run at all — so the grades are blind to which system would propose what
and a changed engine cannot move them. Grades of 0 are left out of the file (unjudged = 0).

    .venv/bin/python bench/eval/make_judgements.py
"""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from criteria import CRITERIA, OVERRIDES, reach_km  # noqa: E402

from matcher.matching.rules import FEE_SUPPORT_MONTHLY_DKK  # noqa: E402
from matcher.matching.text import normalise  # noqa: E402


def _load_eval():
    spec = importlib.util.spec_from_file_location("eval_match", ROOT / "bench" / "eval_match.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_match"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def topic(words: set[str], title: str, want: list[str], near: list[str], avoid: list[str] = ()) -> int:
    """2 = the child's interest, 1 = related, 0 = neither, -1 = what the child said no to."""
    def hit(terms):
        return any(t in words or (len(t) >= 5 and t in title) for t in terms)
    if hit(avoid):
        return -1
    return 2 if hit(want) else 1 if hit(near) else 0


def grade(c, child: dict, crit: dict, km: float, bad: list[str], mentor_row: dict | None) -> int:
    """The rubric of criteria.py applied to one candidate."""
    if bad:
        return 0
    age = int(child["age"])
    if mentor_row is not None:
        words = {normalise(w) for w in mentor_row["interests"].split(";")}
        words |= {w for x in words for w in x.split()}
    else:
        words = set(c.interests) | set(normalise(c.name).split())
    t = topic(words, normalise(c.name), crit["want"], crit["near"], crit.get("avoid", ()))
    if t < 0:
        return 0
    r = reach_km(age, c.kind)
    if t == 2:
        g = 3 if km <= r else 2 if km <= 2 * r else 1
    elif t == 1:
        g = 2 if km <= r else 1 if km <= 2 * r else 0
    else:
        g = 1 if km <= r else 0
    caps = []
    if child.get("max_distance_km") and km > child["max_distance_km"]:
        caps.append(1)
    fee = c.monthly_fee_dkk
    if fee is not None and c.kind == "activity":
        eff = max(fee - FEE_SUPPORT_MONTHLY_DKK, 0) if c.fee_support else fee
        if child.get("max_monthly_fee_dkk") is not None and eff > child["max_monthly_fee_dkk"]:
            caps.append(1)
        elif eff > 300:
            caps.append(2)
    if child.get("weekdays") and c.weekdays and not set(c.weekdays) & set(child["weekdays"]) \
            and len(c.weekdays) < 7:
        caps.append(1)
    if crit.get("girls_bonus") and t == 2 and c.gender != "girls":
        caps.append(2)  # mixed football is good, a girls' team is what she asked for
    if mentor_row is not None:
        if crit.get("male") and mentor_row["gender"] != "male":
            caps.append(2)
        if crit.get("cert_wanted") and not mentor_row["childcert_valid_until"]:
            caps.append(2)
        if crit.get("lang") and crit["lang"] in mentor_row["languages"].split(";") \
                and t == 2 and km <= 2 * r:
            g = min(3, g + 1)
    return min([g, *caps])


def main() -> int:
    em = _load_eval()
    out_path = HERE / "judgements.json"
    with open(ROOT / "seeds" / "mentors.csv", encoding="utf-8", newline="") as fh:
        mentors = {row["id"]: row for row in csv.DictReader(fh)}
    checker = em.ConstraintChecker()
    totals = [0, 0, 0, 0]
    result = {"_about": "Graded judgements 0-3 per profile, keyed by HSDS service id / mentor id. "
                        "Made with bench/eval/make_judgements.py from the assessor's reading in "
                        "bench/eval/criteria.py (rubric there), exhaustively over every candidate "
                        "of the profile's kind; grade 0 is left out (missing = 0)."}
    with tempfile.TemporaryDirectory() as tmp:
        session = em.build_database(tmp)
        ev = em.Evaluator.from_session(session, fit_engine=False)
        for p in em.load_profiles():
            pid, child, kind = p["id"], p["child"], p["kind"]
            crit = CRITERIA[pid]
            by_id = {c.external_id: c for c in ev.candidates[kind]}
            dist = dict(zip([c.external_id for c in ev.candidates[kind]], ev.distances(child, kind)))
            grades = {}
            for ext in by_id:
                grades[ext] = grade(by_id[ext], child, crit, dist[ext], checker.violations(ext, child),
                                    mentors.get(ext))
            for key, (g, _why) in OVERRIDES.get(pid, {}).items():
                hits = [e for e in by_id if e.startswith(key)]
                if len(hits) != 1:
                    raise SystemExit(f"override {pid}/{key} matches {len(hits)} candidates")
                grades[hits[0]] = g
            counts_all = [0, 0, 0, 0]
            for g in grades.values():
                counts_all[g] += 1
            result[pid] = {"_why": crit["why"], **{k: g for k, g in sorted(grades.items()) if g > 0}}
            totals = [a + b for a, b in zip(totals, counts_all)]
        session.close()
    out_path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print("grades 0..3 over all candidates:", totals)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
