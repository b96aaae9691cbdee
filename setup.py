"""Build glue: the ``matcher*`` packages plus the top-level migrations/ and seeds/, shipped inside them.

pyproject.toml holds everything else; only this list needs code, because setuptools cannot combine
package discovery with the ``package-dir`` mapping of ``matcher.migrations`` and ``matcher.seeds``.
"""

from setuptools import find_namespace_packages, setup

setup(packages=find_namespace_packages(include=["matcher*"]) + ["matcher.migrations", "matcher.seeds"])
