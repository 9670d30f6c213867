"""The measures' time series: :class:`MeasureSeries` (per-frame values, reasons, view and
subject yaw on the PoseSeries' time axis; slices with it) and its robust per-measure
:class:`MeasureSummary` with the 90% interval.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from posture_check.measures import uncertainty
from posture_check.measures.quality import (
    REASONS,
)
from posture_check.measures.specs import MEASURE_SPECS
from posture_check.pose.series import flip_flags, initialised

__all__ = ["MIN_VALID_FRAMES", "MIN_VALID_S", "MeasureSeries", "MeasureSummary"]

# The least valid data a summary (and a finding) rests on: a median of a few frames is not a
# result. A side-on squat's far leg, hidden behind the near one, was valid in 3 of 614 frames
# and its median swung by 6 deg between two samplings of the same clip. A series shorter than
# this (a photo: 1 frame) needs all its frames instead.
MIN_VALID_FRAMES = 10
MIN_VALID_S = 1.0

@dataclass(frozen=True)
class MeasureSummary:
    """Robust summary of one measure over its valid frames: NaN unless there are at least
    :data:`MIN_VALID_FRAMES` of them over :data:`MIN_VALID_S` seconds (all the frames and all
    the duration of a shorter series); ``valid_fraction`` and ``n_valid`` are given anyway.

    ``ci90_lo`` / ``ci90_hi``: the 90% interval of the true value
    (:mod:`~posture_check.measures.uncertainty`: validated model error and frame spread);
    NaN when it cannot be given honestly.
    """

    median: float
    p10: float
    p90: float
    valid_fraction: float
    n_valid: int
    unit: str
    ci90_lo: float = float("nan")
    ci90_hi: float = float("nan")


@dataclass(frozen=True, eq=False)
class MeasureSeries:
    """Measures over ``T`` frames.

    Attributes:
        t_s: ``(T,)`` seconds.
        values: measure name -> ``(T,)`` float64, NaN where gated out.
        reasons: measure name -> ``(T,)`` int8 codes into :attr:`REASONS` (0 = ok).
        view: ``(T,)`` view names (:data:`posture_check.measures.view.VIEWS`).
        subject_yaw_deg: ``(T,)`` which side the camera sees (0 front, +90 right flank).
        meta: method, smoothing, camera estimates, cm scale source.
        flip_averaged: ``(T,)`` bool: the frame's landmarks were flip-averaged
            (``PoseSeries.flip_averaged``); the frame's interval width depends on it. Not
            given: ``meta["flip_averaged"]`` (one bool) for every frame, else False (live).
    """

    t_s: np.ndarray
    values: dict[str, np.ndarray]
    reasons: dict[str, np.ndarray]
    view: np.ndarray
    subject_yaw_deg: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)
    flip_averaged: np.ndarray | None = None
    REASONS: ClassVar[tuple[str, ...]] = REASONS

    def __post_init__(self) -> None:
        flip = (self.flip_averaged if self.flip_averaged is not None
                else self.meta.get("flip_averaged", False))
        object.__setattr__(self, "flip_averaged", flip_flags(flip, len(self)))

    def __len__(self) -> int:
        return int(self.t_s.shape[0])

    def __getitem__(self, index: slice | np.ndarray) -> MeasureSeries:
        """Frames selected by a slice, index array or boolean mask."""
        return MeasureSeries(self.t_s[index], {k: v[index] for k, v in self.values.items()},
                             {k: v[index] for k, v in self.reasons.items()}, self.view[index],
                             self.subject_yaw_deg[index], dict(self.meta),
                             self.flipped[index])

    @property
    def flipped(self) -> np.ndarray:
        """``(T,)`` bool :attr:`flip_averaged`, typed as set."""
        return initialised(self.flip_averaged, "MeasureSeries.flip_averaged")

    def reason_names(self, measure: str) -> np.ndarray:
        """``(T,)`` reason strings for ``measure`` ("ok" where valid)."""
        return np.asarray(REASONS)[self.reasons[measure]]

    def _abs_yaw(self) -> np.ndarray:
        """``(T,)`` how far the body is turned from the nearest frontal direction (degrees)."""
        a = np.abs(np.asarray(self.subject_yaw_deg, dtype=np.float64))
        return np.minimum(a, 180.0 - a)

    @property
    def roll_source(self) -> str | np.ndarray:
        """Where the removed camera roll came from: ``"given"``, ``"scene"`` or ``"none"``
        (one value, or ``(T,)`` for independent stills)."""
        return self.meta.get("roll_source", "none")

    def _roll_source_one(self) -> str:
        src = np.asarray(self.roll_source)
        if src.ndim == 0:
            return str(src)
        names, counts = np.unique(src, return_counts=True)
        return str(names[np.argmax(counts)]) if len(names) else "none"

    def interval90(self, measure: str) -> tuple[np.ndarray, np.ndarray]:
        """Per-frame 90% interval ``(lo, hi)`` of one frame's value (validated model error and
        camera roll; NaN where the measure has no validated error)."""
        v = self.values[measure]
        hw = uncertainty.frame_half_width(measure, self._abs_yaw(),
                                          np.broadcast_to(self.roll_source, v.shape),
                                          flip_averaged=self.flipped)
        return v - hw, v + hw

    def summary(self) -> dict[str, MeasureSummary]:
        """Median, 10th/90th percentile, valid fraction and 90% interval of each measure
        (NaN with too little valid data, see :class:`MeasureSummary`)."""
        out: dict[str, MeasureSummary] = {}
        n = max(len(self), 1)
        yaw = self._abs_yaw()
        span = float(self.t_s[-1] - self.t_s[0]) if len(self) > 1 else 0.0
        need_frames, need_s = min(MIN_VALID_FRAMES, len(self)), min(MIN_VALID_S, span)
        for name, v in self.values.items():
            finite = np.isfinite(v)
            ok = v[finite]
            unit = MEASURE_SPECS[name].unit if name in MEASURE_SPECS else ""
            lo = hi = float("nan")
            t = self.t_s[finite]
            dur = float(t[-1] - t[0]) if ok.size > 1 else 0.0
            if ok.size and ok.size >= need_frames and dur >= need_s:
                p10, med, p90 = np.percentile(ok, [10, 50, 90])
                hw = uncertainty.summary_half_width(name, v, yaw, dur, self._roll_source_one(),
                                                    flip_averaged=self.flipped)
                lo, hi = float(med - hw), float(med + hw)
            else:
                p10 = med = p90 = float("nan")
            out[name] = MeasureSummary(float(med), float(p10), float(p90), ok.size / n,
                                       int(ok.size), unit, lo, hi)
        return out

    def to_columns(self) -> dict[str, np.ndarray]:
        """Flat columns for CSV: t_s, view, subject_yaw_deg, each measure and its reason."""
        cols: dict[str, np.ndarray] = {"t_s": self.t_s, "view": self.view,
                                       "subject_yaw_deg": self.subject_yaw_deg}
        for name, v in self.values.items():
            cols[name] = v
        for name in self.values:
            cols[f"{name}_reason"] = self.reason_names(name)
        return cols
