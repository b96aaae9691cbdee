"""Reuse the pathways fixtures: staff, a tiny catalogue and the synthetic year."""

from tests.pathways.conftest import catalogue, history, staff  # noqa: F401
