"""Schemathesis under plain Hypothesis against a live server, written once for the API and HSDS fuzz tests.

It uses schemathesis' Python API (``operation.as_strategy()``, ``case.call``/``validate_response``) under
plain Hypothesis: its lazy pytest loader (``schemathesis.pytest.from_fixture``) breaks on pytest 9.
"""

from __future__ import annotations

import os

import pytest

from tests.fuzzing import examples

IN_CI = os.environ.get("CI", "").lower() == "true"
#: Requests drawn per test (operation, and role where there are roles); FUZZ_FACTOR times more under make fuzz.
MAX_EXAMPLES = examples(int(os.environ.get("API_FUZZ_EXAMPLES", "15")))

try:
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from schemathesis import GenerationMode
except ImportError:  # pragma: no cover - depends on the environment
    schemathesis = None


def require_schemathesis(what: str) -> None:
    """Fail under CI=true, skip elsewhere, when schemathesis is not installed; ``what`` names the test."""
    if schemathesis is None:
        message = f"schemathesis is not installed: pip install schemathesis (the {what} did not run)"
        if IN_CI:
            pytest.fail(message + f" (CI=true: the {what} must run)", pytrace=False)
        pytest.skip(message)


def requests_for(operation, *extra):
    """Return a strategy of valid and invalid (negative) requests to ``operation``, plus the ``extra`` ones."""
    return st.one_of([operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE),
                      *extra])


def run_fuzz(strategy, send) -> None:
    """Draw ``MAX_EXAMPLES`` cases from ``strategy`` and hand each to ``send(case)``, which calls and checks."""
    @given(case=strategy)
    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
              database=None, print_blob=True)
    def fuzz(case):
        send(case)

    fuzz()
