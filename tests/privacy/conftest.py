"""Reuse the pathways fixtures: staff, a tiny catalogue and the synthetic year."""

from tests.pathways.conftest import catalogue, history, pathway_catalogue, staff  # noqa: F401
