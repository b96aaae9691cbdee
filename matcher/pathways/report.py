"""Exports of the indicators: suppressed figures as rows, CSV and a self-contained HTML report.

Counts of children from 1 to 4 are suppressed ("<5") so no child can be recognised; a
share is suppressed when its numerator or denominator is, and the median time in
Fritidspakke when fewer than 5 bridges lie behind it. Catalogue figures (offers, not
children) are not suppressed.
"""

from __future__ import annotations

import io
from typing import Any

from matcher import csvfile
from matcher.pathways.models import END_REASONS

SUPPRESSED = "<5"
SHARES = ("in_positive_community", "stable_adult_relation", "retention_3m", "retention_6m")
AREA_ALL = "København"

LABELS = {
    "children_counted": "Børn i forløb eller henvist",
    "in_positive_community.count": "Børn i mindst ét positivt fællesskab",
    "in_positive_community.share": "Andel i mindst ét positivt fællesskab",
    "stable_adult_relation.count": "Børn med mindst én stabil voksenrelation",
    "stable_adult_relation.share": "Andel med mindst én stabil voksenrelation",
    "bridges.count": "Broer fra Fritidspakke",
    "bridges.to_fritidsjob": "Broer til Fritidsjob",
    "bridges.to_mentor": "Broer til Fritidsliv med Mentor",
    "bridges.median_days_in_fritidspakke": "Median dage i Fritidspakke før broen",
    "retention_3m.eligible": "Henvisninger med første møde for 3 måneder siden",
    "retention_3m.retained": "Heraf stadig aktive efter 3 måneder",
    "retention_3m.share": "Fastholdelse efter 3 måneder",
    "retention_6m.eligible": "Henvisninger med første møde for 6 måneder siden",
    "retention_6m.retained": "Heraf stadig aktive efter 6 måneder",
    "retention_6m.share": "Fastholdelse efter 6 måneder",
    **{f"end_reasons.{k}": f"Afsluttet: {v}" for k, v in END_REASONS.items()},
}
CATALOGUE_LABELS = {"free_spots": "Ledige pladser", "stale_listings": "Forældede opslag"}


def _small(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 5


def suppressed(ind: dict[str, Any], marker: Any = SUPPRESSED) -> dict[str, Any]:
    """Return a copy of one period's indicators with small child counts (and derived figures) suppressed."""
    out = dict(ind)
    hide = (lambda v: marker if _small(v) else v)
    counted = ind["children_counted"]
    out["children_counted"] = hide(counted)
    for key in ("in_positive_community", "stable_adult_relation"):
        part = ind[key]
        out[key] = {"count": hide(part["count"]),
                    "share": marker if _small(part["count"]) or _small(counted) else part["share"]}
    b = ind["bridges"]
    out["bridges"] = {k: hide(v) for k, v in b.items() if k != "median_days_in_fritidspakke"}
    out["bridges"]["median_days_in_fritidspakke"] = (marker if _small(b["count"])
                                                     else b["median_days_in_fritidspakke"])
    for key in ("retention_3m", "retention_6m"):
        r = ind[key]
        out[key] = {"eligible": hide(r["eligible"]), "retained": hide(r["retained"]),
                    "share": marker if _small(r["eligible"]) or _small(r["retained"]) else r["share"]}
    out["end_reasons"] = {k: hide(v) for k, v in ind["end_reasons"].items()}
    return out


def _flat(ind: dict[str, Any]) -> dict[str, Any]:
    values = {}
    for key in LABELS:
        head, _, tail = key.partition(".")
        values[key] = ind[head][tail] if tail else ind[head]
    return values


def export_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the suppressed figures of ``compute_indicators`` as rows, the baseline beside each."""
    rows = []
    areas = [(result["district"] or AREA_ALL, result)]
    areas += [(name, {**ind, "district": name}) for name, ind in (result.get("per_district") or {}).items()]
    for area, ind in areas:
        now, before = _flat(suppressed(ind)), _flat(suppressed(ind["baseline"]))
        for key, label in LABELS.items():
            rows.append({"area": area, "measure": key, "label": label, "period": ind["period"],
                         "value": now[key], "baseline_period": ind["baseline"]["period"],
                         "baseline_value": before[key]})
    for name, figures in result["catalogue"].items():
        for key, label in CATALOGUE_LABELS.items():
            rows.append({"area": name, "measure": f"catalogue.{key}", "label": label, "period": result["period"],
                         "value": figures[key], "baseline_period": "", "baseline_value": ""})
    return rows


def to_csv(result: dict[str, Any]) -> str:
    """Return the suppressed indicators as CSV (one row per area and measure)."""
    buf = io.StringIO()
    fields = ["area", "measure", "label", "period", "value", "baseline_period", "baseline_value"]
    writer = csvfile.writer(buf)
    writer.writerow(fields)
    for row in export_rows(result):
        writer.writerow([row[k] for k in fields])
    return buf.getvalue()


def chart_data(result: dict[str, Any]) -> dict[str, Any]:
    """Return JSON-ready chart series with suppressed values as null."""
    now, before = suppressed(result, None), suppressed(result["baseline"], None)
    return {
        "period": result["period"], "baseline_period": result["baseline"]["period"], "district": result["district"],
        "shares": [{"measure": k, "label": LABELS[f"{k}.share"], "value": now[k]["share"],
                    "baseline": before[k]["share"]} for k in SHARES],
        "end_reasons": [{"reason": k, "label": END_REASONS[k], "value": now["end_reasons"][k],
                         "baseline": before["end_reasons"][k]} for k in END_REASONS],
        "per_district": [{"district": name, "value": suppressed(ind, None)["in_positive_community"]["share"]}
                         for name, ind in (result.get("per_district") or {}).items()],
    }
