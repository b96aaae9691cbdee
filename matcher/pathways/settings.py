"""Pathway settings, read only from the environment (defaults in brackets).

==========================================  ================================================
``MATCHER_WARN_NO_PARTICIPATION_DAYS``      active referral without attended session (14)
``MATCHER_WARN_MISSED_IN_ROW``              missed sessions in a row (3)
``MATCHER_WARN_FRITIDSPAKKE_DAYS``          Fritidspakke without planned bridge (183)
``MATCHER_WARN_CHILDCERT_DAYS``             mentor's children's certificate expiring (30)
``MATCHER_WARN_SUGGESTED_DAYS``             referral stuck in "suggested" (14)
``MATCHER_COMMUNITY_DAYS``                  window for "in a positive community" (30)
``MATCHER_STALE_AFTER_DAYS``                a listing is stale after this many days (180)
==========================================  ================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

from matcher.config import ConfigError


def _read(cls, environ: Mapping[str, str] | None, names: dict[str, str]):
    env = os.environ if environ is None else environ
    values = {}
    for field in fields(cls):
        raw = env.get(names[field.name], "")
        if raw == "":
            continue
        try:
            values[field.name] = int(raw)
        except ValueError:
            raise ConfigError(f"{names[field.name]} must be a whole number, got {raw!r}") from None
        if values[field.name] < 1:
            raise ConfigError(f"{names[field.name]} must be at least 1, got {raw!r}")
    return cls(**values)


@dataclass(frozen=True)
class WarningSettings:
    """Warning thresholds, read from the environment."""

    no_participation_days: int = 14
    missed_in_row: int = 3
    fritidspakke_days: int = 183
    childcert_days: int = 30
    suggested_days: int = 14

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "WarningSettings":
        """Read ``MATCHER_WARN_*`` from ``environ`` (default: the process environment)."""
        return _read(cls, environ, {
            "no_participation_days": "MATCHER_WARN_NO_PARTICIPATION_DAYS",
            "missed_in_row": "MATCHER_WARN_MISSED_IN_ROW",
            "fritidspakke_days": "MATCHER_WARN_FRITIDSPAKKE_DAYS",
            "childcert_days": "MATCHER_WARN_CHILDCERT_DAYS",
            "suggested_days": "MATCHER_WARN_SUGGESTED_DAYS"})


@dataclass(frozen=True)
class IndicatorSettings:
    """Windows used by the indicators, read from the environment."""

    community_days: int = 30
    stale_after_days: int = 180

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "IndicatorSettings":
        """Read ``MATCHER_COMMUNITY_DAYS`` and ``MATCHER_STALE_AFTER_DAYS``."""
        return _read(cls, environ, {"community_days": "MATCHER_COMMUNITY_DAYS",
                                    "stale_after_days": "MATCHER_STALE_AFTER_DAYS"})
