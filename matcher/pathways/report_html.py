"""A self-contained HTML report: accessible inline SVG bar charts beside the same data as tables."""

from __future__ import annotations

from html import escape
from typing import Any

from matcher.pathways.models import END_REASONS
from matcher.pathways.report import (
    AREA_ALL,
    CATALOGUE_LABELS,
    LABELS,
    SHARES,
    SUPPRESSED,
    export_rows,
    suppressed,
)

STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem;color:#1a1a1a}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #999;padding:.25rem .5rem;text-align:left}
td.n{text-align:right}caption{font-weight:bold;text-align:left;padding:.25rem 0}
.now{fill:#1f5f8b}.before{fill:#9bbbd4}svg text{font-size:12px;fill:#1a1a1a}
"""


def _fmt(value: Any, share: bool = False) -> str:
    if value is None or value == "":
        return "–"
    if value == SUPPRESSED:
        return SUPPRESSED
    if share:
        return f"{value * 100:.1f} %".replace(".", ",")
    return str(value)


def _bars(chart_id: str, title: str, items: list[tuple[str, Any, Any]], share: bool, legend: tuple[str, str]) -> str:
    """Return a horizontal bar chart: one pair of bars (period, baseline) per item."""
    top = max([v for _, a, b in items for v in (a, b) if isinstance(v, (int, float))] + [1])
    row, width, left = 34, 320, 260
    height = row * len(items) + 30
    parts = [f'<svg role="img" aria-labelledby="{chart_id}-t {chart_id}-d" width="{left + width + 80}" '
             f'height="{height}" viewBox="0 0 {left + width + 80} {height}">',
             f'<title id="{chart_id}-t">{escape(title)}</title>',
             f'<desc id="{chart_id}-d">Mørk bjælke: {escape(legend[0])}; lys bjælke: {escape(legend[1])}. '
             'Tallene står også i tabellen herunder.</desc>']
    for i, (label, now, before) in enumerate(items):
        y = 10 + i * row
        parts.append(f'<text x="0" y="{y + 14}">{escape(label)}</text>')
        for j, (value, cls) in enumerate(((now, "now"), (before, "before"))):
            yy = y + j * 14
            if isinstance(value, (int, float)):
                w = int(width * value / top) if top else 0
                parts.append(f'<rect class="{cls}" x="{left}" y="{yy}" width="{w}" height="12"/>')
                parts.append(f'<text x="{left + w + 4}" y="{yy + 10}">{escape(_fmt(value, share))}</text>')
            else:
                parts.append(f'<text x="{left + 4}" y="{yy + 10}">{escape(_fmt(value))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def to_html(result: dict[str, Any]) -> str:
    """Return the report for one period as a self-contained HTML page (no scripts)."""
    now, before = suppressed(result), suppressed(result["baseline"])
    area = result["district"] or AREA_ALL
    legend = (result["period"], result["baseline"]["period"])
    shares = _bars("andele", "Andele af børnene", [(LABELS[f"{k}.share"], now[k]["share"], before[k]["share"])
                                                   for k in SHARES], True, legend)
    reasons = _bars("afslutning", "Årsager til afslutning", [(label, now["end_reasons"][k], before["end_reasons"][k])
                                                             for k, label in END_REASONS.items()], False, legend)
    rows = export_rows(result)
    main = [r for r in rows if r["area"] == area and not r["measure"].startswith("catalogue.")]
    body = [f"<h1>Et sted i fællesskabet – {escape(area)}, {escape(result['period'])}</h1>",
            f"<p>Periode {escape(result['start'])} til {escape(result['end'])}, opgjort pr. "
            f"{escape(result['reference_day'])}. Sammenlignet med {escape(result['baseline']['period'])}. "
            "Tal under 5 vises som &lt;5, så intet barn kan genkendes.</p>",
            f"<p>Mørk bjælke: {escape(legend[0])} · lys bjælke: {escape(legend[1])}</p>",
            "<h2>Andele</h2>", shares, "<h2>Afslutninger</h2>", reasons,
            _table("Nøgletal", ["Mål", result["period"], result["baseline"]["period"]],
                   [[r["label"], _fmt(r["value"], r["measure"].endswith(".share")),
                     _fmt(r["baseline_value"], r["measure"].endswith(".share"))] for r in main])]
    if result.get("per_district"):
        body.append(_table("Andel i positivt fællesskab pr. bydel", ["Bydel", result["period"]],
                           [[name, _fmt(suppressed(ind)["in_positive_community"]["share"], True)]
                            for name, ind in result["per_district"].items()]))
    body.append(_table("Kataloget pr. bydel", ["Bydel", *CATALOGUE_LABELS.values()],
                       [[name, str(f["free_spots"]), str(f["stale_listings"])]
                        for name, f in result["catalogue"].items()]))
    return ('<!doctype html>\n<html lang="da"><head><meta charset="utf-8">'
            f"<title>Rapport {escape(result['period'])} – {escape(area)}</title><style>{STYLE}</style></head>"
            "<body><main>" + "\n".join(body) + "</main></body></html>\n")


def _table(caption: str, head: list[str], rows: list[list[str]]) -> str:
    cells = "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
    body = "".join("<tr><th scope=\"row\">" + escape(r[0]) + "</th>"
                   + "".join(f'<td class="n">{escape(c)}</td>' for c in r[1:]) + "</tr>" for r in rows)
    return f"<table><caption>{escape(caption)}</caption><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"


def bar_chart(chart_id: str, title: str, items: list[tuple[str, Any, Any]], share: bool,
              legend: tuple[str, str]) -> str:
    """Return an accessible inline SVG bar chart (period and baseline bars per item) for a web page."""
    return _bars(chart_id, title, items, share, legend)


def format_value(value: Any, share: bool = False) -> str:
    """Return a figure as shown in the report: '<5', '12,5 %' or '–'."""
    return _fmt(value, share)
