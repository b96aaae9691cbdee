"""Pathway thresholds, grouped for the warnings and the indicators (defaults in brackets).

==========================================  ================================================
``MATCHER_WARN_NO_PARTICIPATION_DAYS``      active referral without attended session (14)
``MATCHER_WARN_MISSED_IN_ROW``              missed sessions in a row (3)
``MATCHER_WARN_FRITIDSPAKKE_DAYS``          Fritidspakke without planned bridge (183)
``MATCHER_WARN_CHILDCERT_DAYS``             mentor's children's certificate expiring (30)
``MATCHER_WARN_SUGGESTED_DAYS``             referral stuck in "suggested" (14)
``MATCHER_COMMUNITY_DAYS``                  window for "in a positive community" (30)
``MATCHER_STALE_AFTER_DAYS``                a listing is stale after this many days (180)
==========================================  ================================================

They are read once, with every other setting, by ``matcher.config.Settings``; the runtime hands
them out as ``runtime.warning_settings`` and ``runtime.indicator_settings``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from matcher.config import Settings


@dataclass(frozen=True)
class WarningSettings:
    """Warning thresholds."""

    no_participation_days: int = 14
    missed_in_row: int = 3
    fritidspakke_days: int = 183
    childcert_days: int = 30
    suggested_days: int = 14

    @classmethod
    def from_settings(cls, settings: Settings) -> "WarningSettings":
        """Return the warning thresholds of ``settings``."""
        return cls(no_participation_days=settings.warn_no_participation_days,
                   missed_in_row=settings.warn_missed_in_row, fritidspakke_days=settings.warn_fritidspakke_days,
                   childcert_days=settings.warn_childcert_days, suggested_days=settings.warn_suggested_days)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> "WarningSettings":
        """Read ``MATCHER_WARN_*`` from ``environ`` (a mapping given by the caller)."""
        return cls.from_settings(Settings.from_env(environ))


@dataclass(frozen=True)
class IndicatorSettings:
    """Windows used by the indicators."""

    community_days: int = 30
    stale_after_days: int = 180

    @classmethod
    def from_settings(cls, settings: Settings) -> "IndicatorSettings":
        """Return the indicator windows of ``settings``."""
        return cls(community_days=settings.community_days, stale_after_days=settings.stale_after_days)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> "IndicatorSettings":
        """Read ``MATCHER_COMMUNITY_DAYS`` and ``MATCHER_STALE_AFTER_DAYS`` from ``environ``."""
        return cls.from_settings(Settings.from_env(environ))
