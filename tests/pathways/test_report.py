"""Exports: small counts suppressed in CSV and HTML; the report command."""

import csv
import io

from click.testing import CliRunner

from matcher.cli import Context
from matcher.cli.pathways import report
from matcher.pathways.indicators import compute_indicators
from matcher.pathways.report import chart_data, suppressed, to_csv
from matcher.pathways.report_html import to_html


def rows_of(text):
    return {(r["area"], r["measure"]): r for r in csv.DictReader(io.StringIO(text))}


def test_csv_suppresses_counts_under_five(history, session):
    rows = rows_of(to_csv(compute_indicators(session, "2025Q3")))
    main = lambda m: (rows[("København", m)]["value"], rows[("København", m)]["baseline_value"])  # noqa: E731
    assert main("children_counted") == ("6", "6")                          # 6 children: shown
    assert main("in_positive_community.count") == ("<5", "<5")             # 3 and 2
    assert main("in_positive_community.share") == ("<5", "<5")             # would reveal the count
    assert main("bridges.count") == ("<5", "0")
    assert main("bridges.median_days_in_fritidspakke") == ("<5", "")       # 3 bridges behind it; none before
    assert main("retention_6m.share") == ("<5", "<5")
    assert main("end_reasons.too_far") == ("<5", "0")
    assert main("end_reasons.moved") == ("0", "0")
    assert rows[("København", "children_counted")]["label"] == "Børn i forløb eller henvist"
    assert rows[("København", "children_counted")]["period"] == "2025Q3"
    assert rows[("København", "children_counted")]["baseline_period"] == "2025Q2"
    assert rows[("Nørrebro", "children_counted")]["value"] == "<5"         # 4 children in Nørrebro
    assert rows[("Amager Vest", "children_counted")]["value"] == "0"
    assert rows[("Amager Vest", "in_positive_community.share")]["value"] == ""     # nobody to divide by
    assert rows[("Nørrebro", "catalogue.free_spots")]["value"] == "5"      # offers, not children
    assert "4" not in {r["value"] for r in rows.values() if not r["measure"].startswith("catalogue.")}
    assert not any(v in {"1", "2", "3", "4"} for r in rows.values() if not r["measure"].startswith("catalogue.")
                   for v in (r["value"], r["baseline_value"]))


def test_suppression_keeps_large_counts_and_hides_derived_figures(history, session):
    ind = compute_indicators(session, "2025Q3")
    big = {**ind, "children_counted": 40,
           "in_positive_community": {"count": 30, "share": 0.75},
           "stable_adult_relation": {"count": 0, "share": 0.0},
           "bridges": {"count": 7, "to_fritidsjob": 3, "to_mentor": 4, "median_days_in_fritidspakke": 150},
           "retention_3m": {"eligible": 10, "retained": 4, "share": 0.4}}
    out = suppressed(big)
    assert out["children_counted"] == 40
    assert out["in_positive_community"] == {"count": 30, "share": 0.75}
    assert out["stable_adult_relation"] == {"count": 0, "share": 0.0}
    assert out["bridges"] == {"count": 7, "to_fritidsjob": "<5", "to_mentor": "<5",
                              "median_days_in_fritidspakke": 150}
    assert out["retention_3m"] == {"eligible": 10, "retained": "<5", "share": "<5"}
    assert big["bridges"]["to_fritidsjob"] == 3                              # the input is untouched


def test_chart_data_uses_null_for_suppressed(history, session):
    data = chart_data(compute_indicators(session, "2025Q3"))
    assert data["period"] == "2025Q3" and data["baseline_period"] == "2025Q2"
    assert [s["measure"] for s in data["shares"]] == ["in_positive_community", "stable_adult_relation",
                                                     "retention_3m", "retention_6m"]
    assert all(s["value"] is None for s in data["shares"])
    assert {r["reason"]: r["value"] for r in data["end_reasons"]}["moved"] == 0
    assert len(data["per_district"]) == 10


def test_html_report_is_self_contained_and_accessible(history, session):
    html = to_html(compute_indicators(session, "2025Q3"))
    assert html.startswith("<!doctype html>") and '<html lang="da">' in html
    assert "<script" not in html.lower() and "src=" not in html and "href=" not in html
    assert html.count('<svg role="img"') == 2 and "<title id=" in html and "<desc id=" in html
    assert "<table>" in html and "<caption>Nøgletal</caption>" in html
    assert "Andel i mindst ét positivt fællesskab" in html
    assert "&lt;5" in html and "2025Q2" in html


def invoke(args, url):
    """Run the command with its own CLI context, then dispose the engine the context opened."""
    ctx = Context()
    try:
        return CliRunner().invoke(report, args, obj=ctx, env={"MATCHER_DATABASE_URL": url})
    finally:
        if ctx._factory is not None:
            ctx._factory.kw["bind"].dispose()


def test_report_command_writes_csv_and_html(history, migrated_url, tmp_path):
    result = invoke(["--period", "2025Q3", "--format", "csv"], migrated_url)
    assert result.exit_code == 0, result.output
    assert rows_of(result.stdout)[("København", "children_counted")]["value"] == "6"
    out = tmp_path / "r.html"
    result = invoke(["--period", "2025Q3", "--format", "html", "--district", "valby", "--output", str(out)],
                    migrated_url)
    assert result.exit_code == 0, result.output
    assert "Valby, 2025Q3" in out.read_text(encoding="utf-8")
    bad = invoke(["--period", "2025Q9"], migrated_url)
    assert bad.exit_code != 0 and "period" in str(bad.exception)
