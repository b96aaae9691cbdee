"""Quality evaluation of the matching engine against two honest baselines.

Loads the demo catalogue (``seeds/demo_catalogue.json`` + ``seeds/mentors.csv``) into a
temporary SQLite database exactly as ``matcher db upgrade && matcher seed`` would, fits
the engine the way ``matcher.services.matching.MatchService`` does, and ranks every
profile of ``bench/eval/profiles.json`` with

* ``engine``              the product's ranker (hard constraints + scoring + diversity);
* ``text-only``           TF-IDF cosine (word 1-2-grams + char 3-5-grams) of the child's
                          interests against title + description + interest names, over all
                          candidates of the kind, no constraints;
* ``distance-only``       nearest first over all candidates of the kind, no constraints;
* ``text + constraints``  / ``distance + constraints``: the same two, restricted to the
                          candidates the engine itself does not exclude (so the reader
                          sees how much comes from filtering vs. from scoring).

Metrics against the graded judgements of ``bench/eval/judgements.json`` (0-3, keyed by
external id; unjudged = 0): nDCG@10 with gain 2^g - 1 and the ideal ranking of all judged
items of the profile, and precision@5 with "relevant" = grade >= 2. It also counts
hard-constraint violations in the engine's top 10 with an independent checker that reads
the raw seed files, not the engine's candidates.

Run::

    .venv/bin/python bench/eval_match.py            # Markdown table
    .venv/bin/python bench/eval_match.py --per-profile
    .venv/bin/python bench/eval_match.py --pool p07  # print the judging pool of one profile

The evaluation fixes "today" to ``EVAL_TODAY`` (the demo catalogue's build date) so that
certificate validity and freshness do not drift with the calendar.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import random
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from matcher.matching import ChildProfile, OfflineGeocoder, haversine_km  # noqa: E402
from matcher.matching.text import normalise, tokenise  # noqa: E402
from seeds.demo.common import TODAY as EVAL_TODAY  # noqa: E402 - the demo catalogue's build date

EVAL_DIR = ROOT / "bench" / "eval"
SEEDS_DIR = ROOT / "seeds"
PROFILES_PATH = EVAL_DIR / "profiles.json"
JUDGEMENTS_PATH = EVAL_DIR / "judgements.json"
KINDS = ("activity", "leisure-job", "mentor")
SYSTEMS = ("engine", "text-only", "distance-only", "text + constraints", "distance + constraints")
K_NDCG = 10
K_PREC = 5
#: Seed of the fixed split of the profiles into a tuning half and a held-out half.
SPLIT_SEED = 14
HALVES = ("tuning", "held-out")


# --------------------------------------------------------------------------- data
def load_profiles(path: Path = PROFILES_PATH) -> list[dict]:
    """Return the evaluation profiles (``id``, ``kind``, ``child``, ``note``)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def split(profiles: list[dict], seed: int = SPLIT_SEED) -> dict[str, str]:
    """Return ``{profile_id: "tuning" | "held-out"}``: per kind, a seeded shuffle cut in half."""
    out: dict[str, str] = {}
    for kind in KINDS:
        ids = sorted(p["id"] for p in profiles if p["kind"] == kind)
        random.Random(f"{seed}:{kind}").shuffle(ids)
        cut = (len(ids) + 1) // 2
        out.update({pid: HALVES[0] if i < cut else HALVES[1] for i, pid in enumerate(ids)})
    return out


def load_judgements(path: Path = JUDGEMENTS_PATH) -> dict[str, dict[str, int]]:
    """Return ``{profile_id: {external_id: grade}}`` (keys starting with ``_`` are comments)."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    return {pid: {k: int(v) for k, v in grades.items() if not k.startswith("_")}
            for pid, grades in raw.items() if not pid.startswith("_")}


def catalogue_ids(seeds_dir: Path = SEEDS_DIR) -> set[str]:
    """Return every external id in the demo catalogue and the mentor CSV."""
    services = json.loads((seeds_dir / "demo_catalogue.json").read_text(encoding="utf-8"))
    with open(seeds_dir / "mentors.csv", encoding="utf-8", newline="") as fh:
        mentors = [row["id"] for row in csv.DictReader(fh)]
    return {s["id"] for s in services} | set(mentors)


def build_database(directory: str | Path):
    """Create and seed a SQLite database in ``directory``; return an open session."""
    from matcher import seeding
    from matcher.db import make_engine
    from matcher.migrate import upgrade
    from matcher.runtime import Runtime

    url = f"sqlite:///{Path(directory) / 'eval.db'}"
    upgrade(url)
    session = Runtime.from_env().sessions(make_engine(url))()
    seeding.seed(session, log=lambda *_: None)
    session.commit()
    return session


# ------------------------------------------------------------------- the systems
@dataclass
class Evaluator:
    """The fitted engine plus the two baselines over the same candidates."""

    ranker: object
    candidates: dict[str, list]  # kind -> candidates
    geocoder: OfflineGeocoder = field(default_factory=OfflineGeocoder)

    @classmethod
    def from_session(cls, session, fit_engine: bool = True) -> Evaluator:
        """Fit the engine exactly as the match service does (today fixed to EVAL_TODAY)."""
        from matcher.services.matching import MatchService, load_candidates, load_terms
        from matcher.matching import InterestMatcher

        ranker = None
        if fit_engine:  # the default weights; --learned adds a row with the weights outcomes propose
            ranker = MatchService(learn=False).ranker(session)
            ranker.set_params(today=EVAL_TODAY)
        matcher = InterestMatcher(load_terms(session))
        by_kind: dict[str, list] = {k: [] for k in KINDS}
        for c in load_candidates(session, matcher):
            by_kind[c.kind].append(c)
        self = cls(ranker, by_kind)
        self._names = {t.code: t.name for t in load_terms(session)}
        self._fit_text()
        return self

    # -- text baseline
    def _doc(self, c) -> str:
        names = [self._names.get(code, code) for code in c.interests]
        return normalise(" ".join([c.name, c.description, *names]))

    def _fit_text(self) -> None:
        self._text = {}
        for kind, cands in self.candidates.items():
            docs = [self._doc(c) for c in cands]
            word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                   preprocessor=normalise)
            char = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                   preprocessor=normalise)
            matrix = hstack([word.fit_transform(docs), char.fit_transform(docs)]).tocsr()
            norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1))).ravel()
            norms[norms == 0] = 1.0
            self._text[kind] = (word, char, matrix, norms)

    def text_scores(self, child: dict, kind: str) -> np.ndarray:
        """Return the TF-IDF cosine of the child's interests to every candidate of ``kind``."""
        word, char, matrix, norms = self._text[kind]
        query = " ".join(tokenise(child.get("interests") or ""))
        q = hstack([word.transform([query]), char.transform([query])]).tocsr()
        qn = math.sqrt(q.multiply(q).sum()) or 1.0
        return np.asarray((matrix @ q.T).todense()).ravel() / norms / qn

    # -- distance baseline
    def location(self, child: dict) -> tuple[float, float] | None:
        """Return the child's (lat, lon): postcode centroid, else district centroid."""
        if child.get("postcode"):
            hit = self.geocoder.postcode(str(child["postcode"]))
            if hit:
                return hit[0], hit[1]
        if child.get("district"):
            name = self.geocoder.normalise_district(child["district"])
            return self.geocoder.district_centroid(name) if name else None
        return None

    def distances(self, child: dict, kind: str) -> np.ndarray:
        """Return km from the child to every candidate of ``kind`` (inf when unknown)."""
        where = self.location(child)
        out = np.full(len(self.candidates[kind]), np.inf)
        if where is None:
            return out
        for i, c in enumerate(self.candidates[kind]):
            if c.lat is not None and c.lon is not None:
                out[i] = haversine_km(where[0], where[1], c.lat, c.lon)
        return out

    # -- rankings (lists of external ids, best first)
    def profile(self, child: dict) -> ChildProfile:
        return ChildProfile.from_dict(child, today=EVAL_TODAY, geocoder=self.ranker.geocoder_)

    def engine(self, child: dict, kind: str, k: int = K_NDCG) -> list[str]:
        """Return the engine's top ``k`` (default diversity, as the product serves it)."""
        result = self.ranker.rank(self.profile(child), kind=kind, limit=k)
        return [m.candidate.external_id for m in result.results]

    def eligible(self, child: dict, kind: str) -> set[str]:
        """Return the external ids the engine does not exclude (rank everything, diversity 0)."""
        old = self.ranker.diversity
        self.ranker.set_params(diversity=0.0)
        try:
            result = self.ranker.rank(self.profile(child), kind=kind, limit=10**6)
        finally:
            self.ranker.set_params(diversity=old)
        return {m.candidate.external_id for m in result.results}

    def _order(self, kind: str, key: np.ndarray, only: set[str] | None, k: int) -> list[str]:
        cands = self.candidates[kind]
        order = np.lexsort((np.array([c.id for c in cands]), key))  # key ascending, id tie-break
        out = [cands[i].external_id for i in order if only is None or cands[i].external_id in only]
        return out[:k]

    def text_only(self, child: dict, kind: str, k: int = K_NDCG, only: set[str] | None = None) -> list[str]:
        return self._order(kind, -self.text_scores(child, kind), only, k)

    def distance_only(self, child: dict, kind: str, k: int = K_NDCG, only: set[str] | None = None) -> list[str]:
        return self._order(kind, self.distances(child, kind), only, k)

    def run_all(self, child: dict, kind: str, k: int = K_NDCG) -> dict[str, list[str]]:
        """Return every system's top ``k`` for one profile."""
        ok = self.eligible(child, kind)
        return {
            "engine": self.engine(child, kind, k),
            "text-only": self.text_only(child, kind, k),
            "distance-only": self.distance_only(child, kind, k),
            "text + constraints": self.text_only(child, kind, k, ok),
            "distance + constraints": self.distance_only(child, kind, k, ok),
        }

    def pool(self, pid: str, child: dict, kind: str, depth: int = 20, n_random: int = 10) -> list[str]:
        """TREC-style judging pool: top ``depth`` of engine, text and distance + random eligible."""
        ids: dict[str, None] = {}
        for ranking in (self.engine(child, kind, depth), self.text_only(child, kind, depth),
                        self.distance_only(child, kind, depth)):
            ids.update(dict.fromkeys(ranking))
        rest = sorted(self.eligible(child, kind) - set(ids))
        ids.update(dict.fromkeys(random.Random(pid).sample(rest, min(n_random, len(rest)))))
        return list(ids)


# ----------------------------------------------------------------------- metrics
def dcg(gains: list[int]) -> float:
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(ranking: list[str], grades: dict[str, int], k: int = K_NDCG) -> float:
    """Graded nDCG@k (gain 2^g-1); the ideal ranking uses all judged items; 0 if none relevant."""
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    if ideal <= 0:
        return 0.0
    return dcg([grades.get(x, 0) for x in ranking[:k]]) / ideal


def precision_at(ranking: list[str], grades: dict[str, int], k: int = K_PREC, relevant: int = 2) -> float:
    """Share of the top ``k`` slots holding an item graded >= ``relevant`` (missing slots count 0)."""
    return sum(1 for x in ranking[:k] if grades.get(x, 0) >= relevant) / k


# ----------------------------------------------------------- independent checker
class ConstraintChecker:
    """Checks hard constraints from the raw seed files (not from the engine's candidates)."""

    def __init__(self, seeds_dir: Path = SEEDS_DIR, today: dt.date = EVAL_TODAY):
        self.today = today
        self.services = {s["id"]: s for s in json.loads((seeds_dir / "demo_catalogue.json").read_text("utf-8"))}
        with open(seeds_dir / "mentors.csv", encoding="utf-8", newline="") as fh:
            self.mentors = {row["id"]: row for row in csv.DictReader(fh)}

    @staticmethod
    def _hours(t0: str, t1: str) -> float:
        h0, m0 = map(int, t0.split(":")[:2])
        h1, m1 = map(int, t1.split(":")[:2])
        return (h1 * 60 + m1 - h0 * 60 - m0) / 60

    def violations(self, ext_id: str, child: dict) -> list[str]:
        """Return the hard rules ``ext_id`` breaks for ``child`` (empty if none)."""
        age, gender = int(child["age"]), child.get("gender", "unknown")
        if ext_id in self.mentors:
            m = self.mentors[ext_id]
            out = []
            if not int(m["age_min"]) <= age <= int(m["age_max"]):
                out.append("age")
            cert = m["childcert_valid_until"]
            if age < 15 and (not cert or dt.date.fromisoformat(cert) < self.today):
                out.append("childcert")
            if int(m["current_children"]) >= int(m["max_children"]):
                out.append("mentor_capacity")
            return out
        s = self.services[ext_id]
        out = []
        if s["status"] != "active":
            out.append("status")
        lo, hi = s.get("minimum_age"), s.get("maximum_age")
        if (lo is not None and age < lo) or (hi is not None and age > hi):
            out.append("age")
        codes = {a["taxonomy_term"]["code"] for a in s["attributes"] if a["taxonomy_term"]["taxonomy"] == "gender"}
        if (gender == "boy" and "girls" in codes) or (gender == "girl" and "boys" in codes):
            out.append("gender")
        caps = s.get("capacities") or []
        if caps and caps[0].get("available") == 0 and not child.get("waiting_list"):
            out.append("no_free_spots")
        kind = next(a["taxonomy_term"]["code"] for a in s["attributes"] if a["taxonomy_term"]["taxonomy"] == "offer-kind")
        if kind == "leisure-job":
            out += self._young_worker(s, age)
        return out

    def _young_worker(self, s: dict, age: int) -> list[str]:
        if age < 13:
            return ["young_worker"]
        per_day: dict[str, float] = {}
        night = False
        for sch in s.get("schedules") or []:
            if not (sch.get("opens_at") and sch.get("closes_at")):
                continue
            h = self._hours(sch["opens_at"], sch["closes_at"])
            night |= sch["closes_at"][:5] > "20:00" or sch["opens_at"][:5] < "06:00"
            for day in (sch.get("byday") or "").split(","):
                per_day[day] = per_day.get(day, 0.0) + h
        week = sum(per_day.values())
        school = max([v for d, v in per_day.items() if d in ("MO", "TU", "WE", "TH", "FR")], default=0)
        other = max([v for d, v in per_day.items() if d in ("SA", "SU")], default=0)
        if age < 16:
            if school > 2 or other > 7 or week > 12 or night:
                return ["young_worker"]
        elif max(per_day.values(), default=0) > 8 or week > 40:
            return ["young_worker"]
        return []


# ------------------------------------------------------------------------ report
def evaluate(evaluator: Evaluator, profiles: list[dict], judgements: dict[str, dict[str, int]],
             checker: ConstraintChecker | None = None) -> dict:
    """Return per-profile metrics for every system and the engine's top-10 violations."""
    rows = []
    violations = []
    for p in profiles:
        runs = evaluator.run_all(p["child"], p["kind"])
        grades = judgements.get(p["id"], {})
        row = {"id": p["id"], "kind": p["kind"], "runs": runs}
        for name, ranking in runs.items():
            row[name] = {"ndcg": ndcg_at(ranking, grades), "p5": precision_at(ranking, grades)}
        rows.append(row)
        if checker is not None:
            for ext in runs["engine"]:
                for rule in checker.violations(ext, p["child"]):
                    violations.append((p["id"], ext, rule))
    return {"rows": rows, "violations": violations}


def summary(rows: list[dict]) -> dict[str, dict[str, dict[str, float]]]:
    """Return ``{group: {system: {"ndcg", "p5", "n"}}}`` for group in all + each kind."""
    out = {}
    for group in ("all", *KINDS):
        sel = [r for r in rows if group == "all" or r["kind"] == group]
        out[group] = {s: {"ndcg": float(np.mean([r[s]["ndcg"] for r in sel])) if sel else float("nan"),
                          "p5": float(np.mean([r[s]["p5"] for r in sel])) if sel else float("nan"),
                          "n": len(sel)} for s in SYSTEMS}
    return out


def markdown(summ: dict) -> str:
    groups = ("all", *KINDS)
    head = "| system | " + " | ".join(f"nDCG@10 {g} (n={summ[g]['engine']['n']})" for g in groups) + \
           " | " + " | ".join(f"P@5 {g}" for g in groups) + " |"
    lines = [head, "|" + "---|" * (1 + 2 * len(groups))]
    for s in SYSTEMS:
        lines.append(f"| {s} | " + " | ".join(f"{summ[g][s]['ndcg']:.3f}" for g in groups) + " | " +
                     " | ".join(f"{summ[g][s]['p5']:.3f}" for g in groups) + " |")
    return "\n".join(lines)


def learned_rows(session, evaluator: Evaluator, profiles: list[dict], judgements: dict) -> dict:
    """Rank every profile with the weights outcome learning proposes from the demo referrals."""
    from matcher.services.matching import propose_from_outcomes

    proposal = propose_from_outcomes(session, EVAL_TODAY)
    fitted = proposal.fitted or proposal.weights  # what learning found, even where the product keeps the defaults
    weights = {k: round(v, 3) for k, v in fitted.items()}
    default = evaluator.ranker
    evaluator.ranker = default.__class__(**{**default.get_params(), "weights": fitted}).fit(
        [c for kind in KINDS for c in evaluator.candidates[kind]])
    try:
        rows = evaluate(evaluator, profiles, judgements)["rows"]
    finally:
        evaluator.ranker = default
    return {"rows": rows, "weights": f"{weights} from {proposal.n_samples} referral outcomes, CV ROC-AUC "
                                     f"{proposal.cv_auc_learned:.3f} vs default {proposal.cv_auc_default:.3f}, "
                                     f"the product uses them: {proposal.use_learned}"}


def print_pool(evaluator: Evaluator, profile: dict, judged: dict[str, int] | None = None) -> None:
    """Print the facts of one profile's judging pool, compactly, for a human judge."""
    child, kind = profile["child"], profile["kind"]
    ids = evaluator.pool(profile["id"], child, kind)
    by_id = {c.external_id: c for c in evaluator.candidates[kind]}
    dist = dict(zip([c.external_id for c in evaluator.candidates[kind]], evaluator.distances(child, kind)))
    checker = ConstraintChecker()
    print(f"## {profile['id']} {kind} {json.dumps(child, ensure_ascii=False)} -- {profile['note']}")
    for n, ext in enumerate(ids):
        c = by_id[ext]
        bad = checker.violations(ext, child)
        days = ",".join(c.weekdays)
        times = sorted({f"{a}-{b}" for _, a, b in c.schedule})
        fee = "" if c.monthly_fee_dkk is None else f"{c.monthly_fee_dkk:.0f}kr{'(støtte)' if c.fee_support else ''}"
        extra = ""
        if kind == "mentor":
            extra = f" cert={c.childcert_valid_until} cap={c.current_children}/{c.max_children} lang={','.join(c.languages)}"
        else:
            extra = f" spots={c.spots_free} {fee} g={c.gender or '-'} {c.status}"
        print(f"{n:2d} {dist[ext]:4.1f}km {c.district or '?'} | {c.name} | {c.organisation} | "
              f"[{','.join(c.interests)}] {c.age_min}-{c.age_max}{extra} {days} {' '.join(times)}"
              f"{' BAD=' + ','.join(bad) if bad else ''} | {c.description[:90]}"
              f"{'' if judged is None else ' => ' + str(judged.get(ext, '?'))}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-profile", action="store_true", help="also print per-profile nDCG@10")
    parser.add_argument("--pool", nargs="*", help="print the judging pool of these profile ids")
    parser.add_argument("--db-dir", help="keep the SQLite database in this folder (default: a temp dir)")
    parser.add_argument("--half", choices=("tuning", "held-out", "both", "all"), default="both",
                        help="which profiles to report: one half, each half in turn (default) or all together")
    parser.add_argument("--learned", action="store_true",
                        help="also rank with the weights learned from the demo referral outcomes")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        session = build_database(args.db_dir or tmp)
        try:
            evaluator = Evaluator.from_session(session)
            profiles = load_profiles()
            if args.pool is not None:
                judged = load_judgements() if JUDGEMENTS_PATH.exists() else {}
                for p in profiles:
                    if not args.pool or p["id"] in args.pool:
                        print_pool(evaluator, p, judged.get(p["id"]))
                return 0
            judgements = load_judgements()
            result = evaluate(evaluator, profiles, judgements, ConstraintChecker())
            learned = learned_rows(session, evaluator, profiles, judgements) if args.learned else None
        finally:
            session.close()
    halves = split(profiles)
    counts = {g: 0 for g in range(1, 4)}
    for grades in judgements.values():
        for g in grades.values():
            counts[g] += 1
    print(f"{len(profiles)} profiles ({sum(1 for h in halves.values() if h == 'tuning')} tuning, "
          f"{sum(1 for h in halves.values() if h == 'held-out')} held out, seed {SPLIT_SEED}); "
          f"{sum(counts.values())} non-zero judgements "
          f"({', '.join(f'grade {g}: {n}' for g, n in counts.items())}); today = {EVAL_TODAY}")
    groups = {"both": HALVES, "all": ("all",)}.get(args.half, (args.half,))
    for half in groups:
        sel = [r for r in result["rows"] if half == "all" or halves[r["id"]] == half]
        bad = [v for v in result["violations"] if half == "all" or halves[v[0]] == half]
        print(f"\n### {half} ({len(sel)} profiles)\n")
        print(markdown(summary(sel)))
        if learned is not None:
            ids = {r["id"] for r in sel}
            lsel = [r for r in learned["rows"] if r["id"] in ids]
            print(f"| engine, learned weights | " + " | ".join(
                f"{summary(lsel)[g]['engine']['ndcg']:.3f}" for g in ("all", *KINDS)) + " | " + " | ".join(
                f"{summary(lsel)[g]['engine']['p5']:.3f}" for g in ("all", *KINDS)) + " |")
        print(f"\nhard-constraint violations in the engine's top 10: {len(bad)}")
        for v in bad:
            print("  ", *v)
    if learned is not None:
        print(f"\nlearned weights: {learned['weights']}")
    if args.per_profile:
        print("\n| profile | half | kind | " + " | ".join(SYSTEMS) + " |")
        print("|" + "---|" * (3 + len(SYSTEMS)))
        for r in result["rows"]:
            if args.half in ("both", "all") or halves[r["id"]] == args.half:
                print(f"| {r['id']} | {halves[r['id']]} | {r['kind']} | "
                      + " | ".join(f"{r[s]['ndcg']:.2f}" for s in SYSTEMS) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
