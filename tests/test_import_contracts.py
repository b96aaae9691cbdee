"""The import contracts (.importlinter, run by `make check`) cover every package and module of ours."""

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRONT_ENDS = {"matcher.web", "matcher.cli"}
MATCHING_MAY_USE = {"matcher.jsonio", "matcher.languages", "matcher.labels", "matcher.messages", "matcher.error_texts"}


def contracts() -> dict[str, dict[str, set[str]]]:
    parser = configparser.ConfigParser()
    parser.read(ROOT / ".importlinter", encoding="utf-8")
    return {name.split(":")[-1]: {key: set(parser[name][key].split()) for key in parser[name]}
            for name in parser.sections() if name.startswith("importlinter:contract:")}


def ours() -> set[str]:
    """Return every top-level package and module of matcher (what a contract has to name)."""
    found = set()
    for path in (ROOT / "matcher").iterdir():
        if path.suffix == ".py" and path.stem != "__init__":
            found.add(f"matcher.{path.stem}")
        elif path.is_dir() and (path / "__init__.py").is_file():
            found.add(f"matcher.{path.name}")
    return found


def test_every_package_below_the_front_ends_is_kept_from_importing_them():
    contract = contracts()["features-below-front-ends"]
    assert contract["forbidden_modules"] == FRONT_ENDS
    assert contract["source_modules"] == ours() - FRONT_ENDS


def test_the_ranking_core_may_import_only_the_leaf_modules():
    pure = contracts()["matching-is-pure"]
    assert {"flask", "sqlalchemy", "werkzeug", "flask_login"} <= pure["forbidden_modules"]
    assert {m for m in pure["forbidden_modules"] if m.startswith("matcher.")} == ours() - {"matcher.matching"} - MATCHING_MAY_USE
    leaves = contracts()["leaf-modules"]
    assert leaves["source_modules"] == MATCHING_MAY_USE
    assert {m for m in leaves["forbidden_modules"] if m.startswith("matcher.")} == ours() - MATCHING_MAY_USE


def test_no_cycles_anywhere_in_the_package():
    acyclic = contracts()["no-cycles"]
    assert acyclic["type"] == {"acyclic_siblings"} and acyclic["ancestors"] == {"matcher"}
    assert "ignore_imports" not in acyclic and "skip_descendants" not in acyclic
