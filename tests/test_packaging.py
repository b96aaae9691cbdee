"""An installed wheel carries its migrations: `matcher db upgrade` works far from the checkout."""

import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from matcher.migrate import alembic_config
from matcher.models import metadata

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("matcher", "migrations", "seeds", "pyproject.toml", "setup.py", "README.md")


def build_wheel(into: Path) -> Path:
    """Build the project's wheel from a copy of the source tree (the checkout gets no build/ folder)."""
    src = into / "src"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, src / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                    "--wheel-dir", str(into / "dist"), str(src)], check=True, capture_output=True, timeout=300)
    (wheel,) = (into / "dist").glob("matcher-*.whl")
    return wheel


def fresh_venv(path: Path, wheel: Path) -> Path:
    """Create a venv at ``path`` with the wheel installed; dependencies come from this venv, not the checkout."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True, timeout=120)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(path / "bin" / "python"), "install",
                    "--no-deps", "--no-index", "--quiet", str(wheel)], check=True, capture_output=True, timeout=300)
    site = subprocess.run([str(path / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    # A bare path line: the editable install's .pth finder in this venv is not run, so only the wheel's
    # matcher can be imported.
    (Path(site) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_installed_wheel_upgrades_a_database_outside_the_checkout(tmp_path):
    wheel = build_wheel(tmp_path / "build")
    venv = fresh_venv(tmp_path / "venv", wheel)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    db = elsewhere / "matcher.db"
    env = {"PATH": str(venv / "bin"), "HOME": str(elsewhere), "MATCHER_ENV": "testing",
           "MATCHER_DATABASE_URL": f"sqlite:///{db}", "LANG": os.environ.get("LANG", "C.UTF-8")}

    where = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import matcher, matcher.resources as r; print(matcher.__file__); "
                            "print(r.MIGRATIONS_DIR); print(r.SEEDS_DIR / 'interests.json')"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120)
    assert where.returncode == 0, where.stderr
    package, migrations, interests = (Path(line) for line in where.stdout.split())
    assert package.is_relative_to(venv) and migrations.is_relative_to(venv), where.stdout
    assert interests.is_file() and not interests.is_relative_to(ROOT)

    result = subprocess.run([str(venv / "bin" / "matcher"), "db", "upgrade"], cwd=elsewhere, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "database at head" in result.stdout
    with sqlite3.connect(db) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        (version,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert set(metadata.tables) <= tables
    assert version == ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
