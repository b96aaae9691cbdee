"""Hypothesis settings profiles: the same examples on every CI run, random and many more under ``make fuzz``.

- ``ci`` (chosen when ``CI=true``): derandomized (examples follow from each test's source), no example
  database, and a failing example printed with a blob to reproduce it.
- ``dev`` (the default for ``make test``): derandomized too, so a fresh clone draws what CI draws, but
  keeps the local example database, so a failure ``make fuzz`` found is replayed first.
- ``fuzz`` (``make fuzz``, ``HYPOTHESIS_PROFILE=fuzz``): random seeds, ``FUZZ_FACTOR`` times the
  examples; only the property tests run (see ``tests/conftest.py``).
"""

from __future__ import annotations

import os

from hypothesis import settings

IN_CI = os.environ.get("CI", "").lower() == "true"
#: How many times more examples each property test draws under the ``fuzz`` profile.
FUZZ_FACTOR = int(os.environ.get("FUZZ_FACTOR", "5"))

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", derandomize=True, print_blob=True)
settings.register_profile("fuzz", derandomize=False, print_blob=True, max_examples=100 * FUZZ_FACTOR)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if IN_CI else "dev")
settings.load_profile(PROFILE)
FUZZING = PROFILE == "fuzz"


def examples(n: int) -> int:
    """Return how many examples a property test draws: ``n``, or ``FUZZ_FACTOR`` times that under ``make fuzz``."""
    return n * FUZZ_FACTOR if FUZZING else n
