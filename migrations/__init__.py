"""Alembic migrations; shipped inside the package as ``matcher.migrations`` (see matcher/resources.py)."""
