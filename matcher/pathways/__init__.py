"""Pathways: children, phases, referrals, participation, warnings and indicators."""
