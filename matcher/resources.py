"""Folders that ship inside the package: the Alembic migrations and the seeds.

In the source tree they stay at the top level (``migrations/``, ``seeds/``); the build maps them to
``matcher.migrations`` and ``matcher.seeds`` (``[tool.setuptools.package-dir]`` in pyproject.toml), so a
wheel and an editable install find them through ``importlib.resources``, from any working directory.
"""

from __future__ import annotations

import importlib.util
from importlib import resources
from pathlib import Path

#: The folder holding the ``matcher`` package: in a plain checkout (no install) the top-level folders sit here.
SOURCE_ROOT = Path(__file__).resolve().parent.parent


def package_folder(name: str) -> Path:
    """Return the folder of the shipped resource package ``matcher.NAME`` (``migrations``, ``seeds``).

    Falls back to the top-level folder of the source tree when the package is not importable, which only
    happens when the checkout is put on ``sys.path`` by hand instead of installed.
    """
    module = f"matcher.{name}"
    if importlib.util.find_spec(module) is not None:
        return Path(str(resources.files(module)))
    return SOURCE_ROOT / name


MIGRATIONS_DIR = package_folder("migrations")
SEEDS_DIR = package_folder("seeds")
