"""Measures and findings made by hand: a recording's measure table from value arrays."""

from __future__ import annotations

import numpy as np

from posture_check.measures import MEASURES, MeasureSeries

__all__ = ["by_measure", "measure_series"]


def measure_series(values: dict[str, np.ndarray], fps: float = 30.0,
                   roll_source: str = "given") -> MeasureSeries:
    """Measures of a recording (flip-averaged landmarks) of a person facing a camera whose roll
    is known (levelled), so each value's 90% interval is the validated model error
    (posture_check.measures.uncertainty)."""
    n = len(next(iter(values.values())))
    full = {k: values.get(k, np.full(n, np.nan)) for k in MEASURES}
    reasons = {k: np.where(np.isfinite(v), 0, 4).astype(np.int8) for k, v in full.items()}
    return MeasureSeries(np.arange(n) / fps, full, reasons, np.full(n, "front"), np.zeros(n),
                         {"roll_source": roll_source, "flip_averaged": True})


def by_measure(findings):
    return {f.measure: f for f in findings}
