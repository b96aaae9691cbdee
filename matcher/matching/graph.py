"""The taxonomy graph: umbrella terms, families of alternatives and needs that activities meet."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from matcher import jsonio

__all__ = ["DEFAULT_GRAPH_PATH", "TaxonomyGraph"]

#: The bundled graph (umbrellas, families, needs) for the seeded taxonomy.
DEFAULT_GRAPH_PATH = Path(__file__).resolve().parents[1] / "data" / "taxonomy" / "graph.json"


@dataclass(frozen=True)
class TaxonomyGraph:
    """Relations between interest codes, restricted to the codes of one taxonomy.

    ``umbrellas`` maps a broad code to the codes it covers (the members of its own group are
    added by the matcher); ``related`` maps a code to its alternatives with a closeness in
    (0, 1]; ``needs`` maps a need ("et sted at være efter skole") to the activity codes that
    meet it, with weights.
    """

    umbrellas: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    related: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    needs: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    @classmethod
    def load(cls, codes: Iterable[str], path: str | Path = DEFAULT_GRAPH_PATH) -> TaxonomyGraph:
        """Read a graph JSON file and keep only relations between ``codes``."""
        data = jsonio.loads(Path(path).read_bytes())
        return cls.from_dict(data, codes)

    @classmethod
    def from_dict(cls, data: Mapping, codes: Iterable[str]) -> TaxonomyGraph:
        """Build the graph from ``{"umbrellas", "families", "needs"}``, dropping unknown codes."""
        known = set(codes)
        umbrellas = {
            code: tuple(m for m in members if m in known and m != code)
            for code, members in (data.get("umbrellas") or {}).items() if code in known
        }
        related: dict[str, dict[str, float]] = {}
        for weight, members in data.get("families") or ():
            members = [m for m in members if m in known]
            for a in members:
                for b in members:
                    if a != b:
                        row = related.setdefault(a, {})
                        row[b] = max(row.get(b, 0.0), float(weight))
        needs = {
            need: {code: float(w) for code, w in targets.items() if code in known}
            for need, targets in (data.get("needs") or {}).items() if need in known
        }
        return cls(umbrellas={k: v for k, v in umbrellas.items() if v}, related=related,
                    needs={k: v for k, v in needs.items() if v})

    def alternatives(self, code: str) -> Mapping[str, float]:
        """Return the codes a worker would offer instead of ``code``, with their closeness."""
        return self.related.get(code, {})
