"""`compute_measures`: PoseSeries -> MeasureSeries (all measures, gated, smoothed).

Estimators (``method``):

* ``"calibrated"`` (default): hybrid points (2D pixels + world depth, see
  :mod:`~posture_check.measures.body_frame`), camera pitch estimated from the body and held
  constant over a recording, camera roll removed, then the empirical corrections of
  :mod:`~posture_check.measures.calibration` (fitted on rendered people with exact truth).
* ``"hybrid"``: the same geometry without the fitted corrections.
* ``"naive"``: the textbook readings: frontal angles from the 2D image with a level camera,
  foot turn-out and sagittal angles from MediaPipe's 3D world landmarks with y as vertical.

The accuracy of each is measured by ``posture-check bench accuracy``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import ClassVar, Literal

import numpy as np

from ..landmarks import Landmark as L
from ..series import PoseSeries
from . import calibration, posture
from .body_frame import (
    HybridBlock,
    body_axes,
    estimate_pitch_deg,
    hybrid_block,
    stature_m,
    subject_yaw_deg,
    up_vector,
)
from .columns import BLOCK, USED, Vec
from .filters import ZERO_PHASE_CUTOFF_HZ, one_euro, zero_phase
from .quality import (
    FRAME_MARGIN,
    LOW_VISIBILITY,
    MIN_PRESENCE,
    MIN_VISIBILITY,
    NO_PERSON,
    OK,
    OUT_OF_FRAME,
    REASONS,
    WRONG_VIEW,
)
from .view import VIEWS, view_codes

__all__ = ["MEASURES", "MEASURE_SPECS", "MeasureSeries", "MeasureSpec", "MeasureSummary",
           "compute_measures", "gate_block", "raw_measures", "series_constants"]

Method = Literal["calibrated", "hybrid", "naive"]
Smoothing = Literal["zero_phase", "one_euro"] | None

FRONTAL = ("front", "back")
SAGITTAL = ("left_side", "right_side", "oblique")
ANY_VIEW = ("front", "back", "left_side", "right_side", "oblique")

_HIPS = (L.LEFT_HIP, L.RIGHT_HIP)
_SHOULDERS = (L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
_TRUNK = _HIPS + _SHOULDERS


@dataclass(frozen=True)
class MeasureSpec:
    """What a measure is: unit, sign convention, views where valid, landmarks it needs."""

    unit: str
    positive: str
    views: tuple[str, ...]
    landmarks: tuple[int, ...]
    description: str


MEASURE_SPECS: dict[str, MeasureSpec] = {
    "lateral_lean": MeasureSpec("deg", "trunk leans toward the subject's right", FRONTAL, _TRUNK,
                                "trunk (mid-hip -> mid-shoulder) from vertical, frontal plane"),
    "lateral_shift_cm": MeasureSpec("cm", "shoulders shifted toward the subject's right", FRONTAL,
                                    _TRUNK, "sideways offset of mid-shoulder over mid-hip"),
    "pelvic_obliquity": MeasureSpec("deg", "right hip higher", ("front", "back"),
                                    (*_HIPS, L.LEFT_KNEE, L.RIGHT_KNEE),
                                    "hip line from horizontal, frontal plane"),
    "shoulder_tilt": MeasureSpec("deg", "right shoulder higher", FRONTAL, _TRUNK,
                                 "shoulder line from horizontal, frontal plane"),
    "head_shift_cm": MeasureSpec("cm", "head shifted toward the subject's right", ("front",),
                                 (*_TRUNK, L.LEFT_EAR, L.RIGHT_EAR),
                                 "sideways offset of mid-ear over mid-hip"),
    "foot_turnout_left": MeasureSpec("deg", "toes outward", ("front",),
                                     (*_HIPS, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
                                     "left foot axis on the floor vs forward"),
    "foot_turnout_right": MeasureSpec("deg", "toes outward", ("front",),
                                      (*_HIPS, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX),
                                      "right foot axis on the floor vs forward"),
    "foot_turnout_asymmetry": MeasureSpec(
        "deg", "right foot turned out more", ("front",),
        (*_HIPS, L.LEFT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX),
        "foot_turnout_right - foot_turnout_left"),
    "knee_flexion_left": MeasureSpec("deg", "knee bent", ANY_VIEW,
                                     (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE),
                                     "180 - angle(hip, knee, ankle)"),
    "knee_flexion_right": MeasureSpec("deg", "knee bent", ANY_VIEW,
                                      (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE),
                                      "180 - angle(hip, knee, ankle)"),
    "hip_flexion_left": MeasureSpec("deg", "knee forward of the trunk line", SAGITTAL,
                                    (*_TRUNK, L.LEFT_KNEE), "thigh vs downward trunk, sagittal"),
    "hip_flexion_right": MeasureSpec("deg", "knee forward of the trunk line", SAGITTAL,
                                     (*_TRUNK, L.RIGHT_KNEE), "thigh vs downward trunk, sagittal"),
    "trunk_flexion": MeasureSpec("deg", "trunk leans forward", SAGITTAL, _TRUNK,
                                 "trunk from vertical, sagittal plane"),
    "pelvic_tilt": MeasureSpec("deg", "toward anterior tilt (vs own baseline only)", SAGITTAL,
                               (*_TRUNK, L.LEFT_KNEE, L.RIGHT_KNEE),
                               "side-view proxy: mean hip flexion (see posture.pelvic_tilt_proxy)"),
}
MEASURES: tuple[str, ...] = tuple(MEASURE_SPECS)


@dataclass(frozen=True)
class MeasureSummary:
    """Robust summary of one measure over its valid frames (NaN when none are valid)."""

    median: float
    p10: float
    p90: float
    valid_fraction: float
    n_valid: int
    unit: str


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
    """

    t_s: np.ndarray
    values: dict[str, np.ndarray]
    reasons: dict[str, np.ndarray]
    view: np.ndarray
    subject_yaw_deg: np.ndarray
    meta: dict = field(default_factory=dict)
    REASONS: ClassVar[tuple[str, ...]] = REASONS

    def __len__(self) -> int:
        return int(self.t_s.shape[0])

    def __getitem__(self, index: slice | np.ndarray) -> MeasureSeries:
        """Frames selected by a slice, index array or boolean mask."""
        return MeasureSeries(self.t_s[index], {k: v[index] for k, v in self.values.items()},
                             {k: v[index] for k, v in self.reasons.items()}, self.view[index],
                             self.subject_yaw_deg[index], dict(self.meta))

    def reason_names(self, measure: str) -> np.ndarray:
        """``(T,)`` reason strings for ``measure`` ("ok" where valid)."""
        return np.asarray(REASONS)[self.reasons[measure]]

    def summary(self) -> dict[str, MeasureSummary]:
        """Median, 10th/90th percentile and valid fraction of each measure."""
        out: dict[str, MeasureSummary] = {}
        n = max(len(self), 1)
        for name, v in self.values.items():
            ok = v[np.isfinite(v)]
            unit = MEASURE_SPECS[name].unit if name in MEASURE_SPECS else ""
            if ok.size:
                p10, med, p90 = np.percentile(ok, [10, 50, 90])
            else:
                p10 = med = p90 = float("nan")
            out[name] = MeasureSummary(float(med), float(p10), float(p90), ok.size / n,
                                       int(ok.size), unit)
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


def _nanmedian(x: np.ndarray) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(np.nanmedian(x)) if np.size(x) else float("nan")


_LEVEL: Vec = (0.0, -1.0, 0.0)


def raw_measures(
    blk: HybridBlock,
    frame_size: tuple[int, int],
    *,
    method: Method = "calibrated",
    pitch_deg: float | np.ndarray = 0.0,
    cm_scale: float | np.ndarray = 1.0,
    sin_elevation: float | np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Ungated, unsmoothed measures of one block of frames (column layout, see
    :func:`body_frame.hybrid_block`).

    ``pitch_deg`` is the camera elevation (see :func:`body_frame.up_vector`); ``cm_scale``
    multiplies MediaPipe-scale metres into true metres for the ``*_cm`` measures;
    ``sin_elevation`` fixes the feet elevation of the calibrated turn-out (None: per frame).
    """
    if method == "naive":
        p2, p3, pcm = blk.px, blk.world, blk.world
        f2, f3 = body_axes(blk.px, _LEVEL), body_axes(blk.world, _LEVEL)
        fcm = f3  # 2D pixels have no metric scale: use world lengths for the cm measures
    else:
        p2 = p3 = pcm = blk.hybrid
        f2 = f3 = fcm = body_axes(blk.hybrid, up_vector(pitch_deg))
    v: dict[str, np.ndarray] = {
        "lateral_lean": posture.lateral_lean(p2, f2),
        "lateral_shift_cm": posture.lateral_shift_cm(pcm, fcm, cm_scale),
        "pelvic_obliquity": posture.line_tilt(p2, f2, L.LEFT_HIP, L.RIGHT_HIP),
        "shoulder_tilt": posture.line_tilt(p2, f2, L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
        "head_shift_cm": posture.head_shift_cm(pcm, fcm, cm_scale),
        "foot_turnout_left": posture.foot_turnout(p3, f3, "left"),
        "foot_turnout_right": posture.foot_turnout(p3, f3, "right"),
        "knee_flexion_left": posture.knee_flexion(p3, "left"),
        "knee_flexion_right": posture.knee_flexion(p3, "right"),
        "hip_flexion_left": posture.hip_flexion(p3, f3, "left"),
        "hip_flexion_right": posture.hip_flexion(p3, f3, "right"),
        "trunk_flexion": posture.trunk_flexion(p3, f3),
        "pelvic_tilt": posture.pelvic_tilt_proxy(p3, f3),
    }
    if method == "calibrated":
        v = calibration.apply(v, blk.px, blk.world, frame_size, sin_elevation=sin_elevation)
    v["foot_turnout_asymmetry"] = v["foot_turnout_right"] - v["foot_turnout_left"]
    return v


_VIEW_ALLOWED = {name: np.array([v in spec.views for v in VIEWS]) for name, spec in
                 MEASURE_SPECS.items()}
_LM_ROWS = {name: [USED.index(lm) for lm in spec.landmarks] for name, spec in
            MEASURE_SPECS.items()}


def _block_flags(blk: HybridBlock, frame_size: tuple[int, int], visibility: np.ndarray,
                 presence: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Detected ``(T,)``, inside ``(K, T)`` and visible ``(K, T)`` flags for :data:`USED`."""
    w, h = frame_size
    x, y = blk.px.cols[:, 0], blk.px.cols[:, 1]
    idx = list(USED)
    with np.errstate(invalid="ignore"):
        lo, hi = -FRAME_MARGIN, 1 + FRAME_MARGIN
        inside = ((x >= lo * w) & (x <= hi * w) & (y >= lo * h) & (y <= hi * h)
                  & ~(presence[:, idx].T < MIN_PRESENCE))
        visible = ~(visibility[:, idx].T < MIN_VISIBILITY)
    detected = ~np.isnan(x).all(axis=0)
    return detected, inside, visible


def gate_block(values: dict[str, np.ndarray], vcode: np.ndarray, detected: np.ndarray,
               inside: np.ndarray, visible: np.ndarray
               ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Apply :mod:`quality` gating to one block: NaN + reason code per measure.

    ``vcode``: ``(T,)`` view indices into :data:`~posture_check.measures.view.VIEWS`.
    """
    out_v: dict[str, np.ndarray] = {}
    out_r: dict[str, np.ndarray] = {}
    for name in MEASURES:
        rows = _LM_ROWS[name]
        codes = np.where(_VIEW_ALLOWED[name][vcode], OK, WRONG_VIEW).astype(np.int8)
        codes[~visible[rows].all(axis=0)] = LOW_VISIBILITY
        codes[~inside[rows].all(axis=0)] = OUT_OF_FRAME
        codes[~detected] = NO_PERSON
        out_r[name] = codes
        out_v[name] = np.where(codes == OK, values[name], np.nan)
    return out_v, out_r


def series_constants(series: PoseSeries, roll_deg: float = 0.0, max_frames: int = 2000
                     ) -> dict[str, float]:
    """Recording-wide camera pitch, MediaPipe stature and feet elevation (medians).

    A fixed camera is assumed. Medians over at most ``max_frames`` evenly spaced frames.
    """
    n = len(series)
    idx = np.unique(np.linspace(0, n - 1, min(n, max_frames)).astype(int)) if n else np.arange(0)
    blk = hybrid_block(series.image[idx], series.world[idx], series.frame_size, roll_deg)
    return {"pitch_deg": _nanmedian(estimate_pitch_deg(blk.world)),
            "stature_m": _nanmedian(stature_m(blk.world)),
            "sin_elevation": _nanmedian(calibration.foot_sin_elevation(blk.px))}


def compute_measures(
    series: PoseSeries,
    *,
    smoothing: Smoothing = "zero_phase",
    height_m: float | None = None,
    method: Method = "calibrated",
    roll_deg: float = 0.0,
    pitch_deg: float | None = None,
    cutoff_hz: float = ZERO_PHASE_CUTOFF_HZ,
) -> MeasureSeries:
    """All measures of ``series``, gated per frame and smoothed.

    Args:
        series: landmarks of one person.
        smoothing: ``"zero_phase"`` (recordings), ``"one_euro"`` (causal, as live) or ``None``.
        height_m: the person's stated height; scales the ``*_cm`` measures (otherwise
            MediaPipe's own metric scale, good to ~10%).
        method: ``"calibrated"`` | ``"hybrid"`` | ``"naive"`` (module docstring).
        roll_deg: known camera roll (> 0: verticals appear rotated counter-clockwise).
        pitch_deg: known camera elevation (> 0: looking down); ``None`` estimates one value
            for the whole recording from the body (a fixed camera is assumed).
        cutoff_hz: zero-phase cutoff.
    """
    if smoothing not in ("zero_phase", "one_euro", None):
        raise ValueError(f"smoothing must be 'zero_phase', 'one_euro' or None, got {smoothing!r}")
    if method not in ("calibrated", "hybrid", "naive"):
        raise ValueError(f"method must be 'calibrated', 'hybrid' or 'naive', got {method!r}")
    if height_m is not None and not 0.5 <= float(height_m) <= 2.6:
        raise ValueError(f"height_m must be a person's height in metres (0.5-2.6), got {height_m}")
    const = series_constants(series, roll_deg)
    pitch_source = "given"
    if pitch_deg is None:
        pitch_deg = const["pitch_deg"] if np.isfinite(const["pitch_deg"]) else 0.0
        pitch_source = "estimated"
    stature = const["stature_m"]
    cm_scale = float(height_m) / stature if (height_m and np.isfinite(stature)) else 1.0
    sin_e = const["sin_elevation"] if np.isfinite(const["sin_elevation"]) else None
    n = len(series)
    values = {k: np.empty(n) for k in MEASURES}
    reasons = {k: np.empty(n, np.int8) for k in MEASURES}
    yaw = np.empty(n)
    vcodes = np.empty(n, np.int8)
    for a in range(0, n, BLOCK):
        b = min(a + BLOCK, n)
        img, wld = series.image[a:b], series.world[a:b]
        blk = hybrid_block(img, wld, series.frame_size, roll_deg)
        raw = raw_measures(blk, series.frame_size, method=method, pitch_deg=pitch_deg,
                           cm_scale=cm_scale, sin_elevation=sin_e)
        y = subject_yaw_deg(blk.world)
        vw = view_codes(y)
        flags = _block_flags(blk, series.frame_size, series.visibility[a:b],
                             series.presence[a:b])
        gv, gr = gate_block(raw, vw, *flags)
        for k in MEASURES:
            values[k][a:b] = gv[k]
            reasons[k][a:b] = gr[k]
        yaw[a:b] = y
        vcodes[a:b] = vw
    if smoothing is not None and n > 2:
        stack = np.stack([values[k] for k in MEASURES], axis=1)
        if smoothing == "zero_phase":
            stack = zero_phase(stack, series.t_s, cutoff_hz)
        else:
            stack = one_euro(stack, series.t_s)
        values = {k: np.ascontiguousarray(stack[:, i]) for i, k in enumerate(MEASURES)}
    meta = {"method": method, "smoothing": smoothing, "pitch_deg": float(pitch_deg),
            "pitch_source": pitch_source, "roll_deg": float(roll_deg),
            "stature_m_mediapipe": stature, "cm_scale": cm_scale,
            "cm_scale_source": "height_m" if height_m else "mediapipe_world",
            "feet_elevation_deg": float(np.degrees(np.arcsin(sin_e))) if sin_e else None,
            "source": series.source, "frame_size": list(series.frame_size)}
    view = np.asarray(VIEWS, dtype="<U10")[vcodes]
    return MeasureSeries(series.t_s.copy(), values, reasons, view, yaw, meta)
