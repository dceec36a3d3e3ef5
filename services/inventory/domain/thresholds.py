"""Low-stock alerts: once per downward crossing, re-armed only after recovery."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ThresholdOutcome:
    alert: bool
    alerted_after: bool


def evaluate(available: int, threshold: int, alerted: bool) -> ThresholdOutcome:
    """Alert when stock falls to the threshold or below and no alert is standing."""
    low = available <= threshold
    if low and not alerted:
        return ThresholdOutcome(alert=True, alerted_after=True)
    if not low and alerted:
        return ThresholdOutcome(alert=False, alerted_after=False)
    return ThresholdOutcome(alert=False, alerted_after=alerted)
