"""Benjamini-Hochberg false-discovery control."""

from __future__ import annotations

from collections.abc import Sequence


def bh_adjust(pvalues: Sequence[float]) -> list[float]:
    """BH-adjusted p-values (q-values), in the order given."""
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    adjusted = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, pvalues[i] * m / rank)
        adjusted[i] = min(1.0, running)
    return adjusted
