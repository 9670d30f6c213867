"""Incremental measures for live frames: constant work per frame, findings over the last seconds.

:class:`LiveMeasures` runs the same per-block kernel as :func:`compute_measures`
(:func:`~posture_check.measures.kernel.measure_block`) on one frame at a time, gates the
standing measures while the person moves (:class:`~posture_check.measures.stillness.LiveStillness`,
causal), smooths with a causal :class:`~posture_check.measures.filters.OneEuro` filter, keeps the
last ``window_s`` seconds in fixed-size ring buffers, and re-evaluates the findings over that
window at most every ``findings_every_s`` seconds. The camera pitch is the running median of the
per-frame estimates in the window (a fixed camera is assumed, as for recordings).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from posture_check.measures.body_frame import estimate_pitch_deg, hybrid_block, stature_m
from posture_check.measures.calibration import foot_sin_elevation
from posture_check.measures.filters import ONE_EURO_DEFAULTS, OneEuro, OneEuroParams
from posture_check.measures.gating import gate_moving
from posture_check.measures.indicators import MIN_VALID_FRAMES, Finding, Side, evaluate_findings
from posture_check.measures.kernel import measure_block
from posture_check.measures.measure_series import MeasureSeries
from posture_check.measures.quality import REASONS
from posture_check.measures.specs import MEASURES, Method
from posture_check.measures.stillness import LiveStillness
from posture_check.measures.view import classify_view
from posture_check.pose.series import PoseSeries

__all__ = ["LiveMeasures", "LiveResult"]


@dataclass(frozen=True)
class LiveResult:
    """State after one frame.

    Attributes:
        t_s: the frame's timestamp (s).
        values: this frame's smoothed values (NaN if gated), per measure.
        reasons: per measure "ok" or why this frame's value is gated out.
        view: this frame's detected view.
        findings: findings over the last ``window_s`` seconds (re-evaluated every
            ``findings_every_s``).
        shown: the one number per measure the page shows (table, overlay, findings): the
            median over the same window the findings were judged on, at the same moment
            (``Finding.value`` for measures with a finding; NaN where too little was usable).
    """

    t_s: float
    values: dict[str, float]
    reasons: dict[str, str]
    view: str
    findings: list[Finding] = field(default_factory=list)
    shown: dict[str, float] = field(default_factory=dict)


class LiveMeasures:
    """Per-frame measures + findings over a sliding window (see module docstring)."""

    def __init__(
        self,
        *,
        window_s: float = 10.0,
        max_fps: float = 60.0,
        height_m: float | None = None,
        pain_side: Side | None = None,
        baseline: MeasureSeries | dict[str, Any] | None = None,
        method: Method = "product",
        roll_deg: float = 0.0,
        pitch_deg: float | None = None,
        one_euro: OneEuroParams = ONE_EURO_DEFAULTS,
        findings_every_s: float = 0.5,
    ) -> None:
        if window_s <= 0 or max_fps <= 0:
            raise ValueError(f"window_s and max_fps must be > 0, got {window_s}, {max_fps}")
        self.window_s = float(window_s)
        self.height_m = height_m
        self.pain_side = pain_side
        self.baseline = baseline
        self.method = method
        self.roll_deg = roll_deg
        self.pitch_deg = pitch_deg
        self.findings_every_s = findings_every_s
        self._cap = math.ceil(window_s * max_fps) + 1
        self._filter = OneEuro(len(MEASURES), one_euro)
        self._t = np.full(self._cap, np.nan)
        self._vals = np.full((self._cap, len(MEASURES)), np.nan)
        self._codes = np.zeros((self._cap, len(MEASURES)), np.int8)
        self._view = np.full(self._cap, "none", dtype="<U10")
        self._yaw = np.full(self._cap, np.nan)
        self._pitch = np.full(self._cap, np.nan)
        self._stature = np.full(self._cap, np.nan)
        self._sin_e = np.full(self._cap, np.nan)
        self._n = 0
        self._still = LiveStillness()
        self._last_findings_t = -math.inf
        self._findings: list[Finding] = []
        self._shown: dict[str, float] = {}

    def _window(self) -> MeasureSeries:
        n = min(self._n, self._cap)
        order = (np.arange(self._n - n, self._n)) % self._cap
        t = self._t[order]
        keep = t >= t[-1] - self.window_s
        order = order[keep]
        return MeasureSeries(self._t[order],
                             {k: self._vals[order, i] for i, k in enumerate(MEASURES)},
                             {k: self._codes[order, i] for i, k in enumerate(MEASURES)},
                             self._view[order], self._yaw[order], {"method": self.method,
                                                                   "smoothing": "one_euro"})

    def update(self, frames: PoseSeries) -> LiveResult:
        """Add one frame (or a few, in order); return the state after the last one."""
        if len(frames) == 0:
            raise ValueError("update() needs a PoseSeries with at least one frame, got 0")
        result = self._update_one(frames[0])
        for i in range(1, len(frames)):
            result = self._update_one(frames[i])
        return result

    def _update_one(self, f: PoseSeries) -> LiveResult:
        blk = hybrid_block(f.image, f.world, f.frame_size, self.roll_deg)
        slot = self._n % self._cap
        self._pitch[slot] = estimate_pitch_deg(blk.world)[0]
        self._stature[slot] = stature_m(blk.world)[0]
        self._sin_e[slot] = foot_sin_elevation(blk.px)[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            if self.pitch_deg is not None:
                pitch = self.pitch_deg
            else:
                pitch = float(np.nanmedian(self._pitch)) if np.isfinite(self._pitch).any() else 0.0
            stature = float(np.nanmedian(self._stature))
            sin_e = float(np.nanmedian(self._sin_e))
        cm_scale = self.height_m / stature if (self.height_m and np.isfinite(stature)) else 1.0
        bm = measure_block(f.image, f.world, f.visibility, f.presence, f.frame_size,
                           method=self.method, roll_deg=self.roll_deg, pitch_deg=pitch,
                           cm_scale=cm_scale, sin_elevation=sin_e if np.isfinite(sin_e) else None,
                           blk=blk)
        vals, codes, yaw = bm.values, bm.reasons, bm.subject_yaw_deg
        view = classify_view(yaw)
        t = float(f.t_s[0])
        knees = np.array([vals["knee_flexion_left"][0], vals["knee_flexion_right"][0]])
        quiet = self._still.update(f.image_px()[0], t, knees, f.visibility[0])
        gate_moving(vals, codes, np.array([quiet]))
        row = np.array([vals[k][0] for k in MEASURES])
        smooth = self._filter(row, t)
        self._t[slot] = t
        self._vals[slot] = smooth
        self._codes[slot] = [codes[k][0] for k in MEASURES]
        self._view[slot] = view[0]
        self._yaw[slot] = yaw[0]
        self._n += 1
        if t - self._last_findings_t >= self.findings_every_s:
            window = self._window()
            self._findings = evaluate_findings(window, pain_side=self.pain_side,
                                               baseline=self.baseline)
            self._shown = shown_values(window, self._findings)
            self._last_findings_t = t
        return LiveResult(t, {k: float(smooth[i]) for i, k in enumerate(MEASURES)},
                          {k: REASONS[int(codes[k][0])] for k in MEASURES}, str(view[0]),
                          list(self._findings), dict(self._shown))


def shown_values(window: MeasureSeries, findings: list[Finding]) -> dict[str, float]:
    """The one value per measure to show for ``window``: a finding's own value where there is
    a finding (so its text and side agree with the table and the overlay), otherwise the
    median of the valid values, NaN with fewer than ``MIN_VALID_FRAMES`` of them."""
    out: dict[str, float] = {}
    for k in MEASURES:
        v = window.values[k]
        v = v[np.isfinite(v)]
        out[k] = float(np.median(v)) if v.size >= MIN_VALID_FRAMES else math.nan
    for f in findings:
        out[f.measure] = float(f.value)
    return out
