"""The per-block measure kernel and `compute_measures`: PoseSeries -> MeasureSeries (all
measures, gated, smoothed). The same :func:`measure_block` serves recordings
(:func:`compute_measures`) and the live check (:mod:`~posture_check.measures.online`).

Estimators (``method``):

* ``"calibrated"`` (default): hybrid points (2D pixels + world depth, see
  :mod:`~posture_check.measures.body_frame`), camera pitch estimated from the body and held
  constant over a recording, camera roll removed, then the empirical corrections of
  :mod:`~posture_check.measures.calibration` (fitted on rendered people with exact truth).
* ``"hybrid"``: the same geometry without the fitted corrections.
* ``"naive"``: the textbook readings: frontal angles from the 2D image with a level camera,
  foot turn-out and sagittal angles from MediaPipe's 3D world landmarks with y as vertical.

The accuracy of each is measured by ``posture-check bench accuracy``. What each measure is:
:mod:`~posture_check.measures.specs`; gating: :mod:`~posture_check.measures.gating`; the
result type: :mod:`~posture_check.measures.measure_series`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal, cast

import numpy as np

from posture_check.measures import calibration, posture
from posture_check.measures.body_frame import (
    HybridBlock,
    body_axes,
    estimate_pitch_deg,
    hybrid_block,
    stature_m,
    subject_yaw_deg,
    up_vector,
)
from posture_check.measures.columns import BLOCK, Vec
from posture_check.measures.filters import ZERO_PHASE_CUTOFF_HZ, one_euro, zero_phase
from posture_check.measures.gating import (
    LEG_ROWS,
    block_flags,
    body_proportions_ok,
    gate_block,
    gate_moving,
    hidden_legs,
)
from posture_check.measures.measure_series import MeasureSeries
from posture_check.measures.specs import ESTIMATOR, MEASURES, Method
from posture_check.measures.stillness import quiet_standing
from posture_check.measures.view import VIEWS, view_codes
from posture_check.pose.landmarks import Landmark as L
from posture_check.pose.series import PoseSeries

__all__ = ["BlockMeasures", "compute_measures", "measure_block", "raw_measures",
           "series_constants"]

Smoothing = Literal["zero_phase", "one_euro"] | None


def _nanmedian(x: np.ndarray) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(np.nanmedian(x)) if np.size(x) else float("nan")


_LEVEL = cast(Vec, (0.0, -1.0, 0.0))  # python floats broadcast as the (T,) arrays' dtype


def _one_method(blk: HybridBlock, frame_size: tuple[int, int], method: Method,
                pitch_deg: float | np.ndarray, cm_scale: float | np.ndarray,
                sin_elevation: float | np.ndarray | None,
                flip_averaged: bool | np.ndarray = False) -> dict[str, np.ndarray]:
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
        v = calibration.apply(v, blk.px, blk.world, frame_size, sin_elevation=sin_elevation,
                              pitch_deg=pitch_deg, flip_averaged=flip_averaged)
    return v


def raw_measures(
    blk: HybridBlock,
    frame_size: tuple[int, int],
    *,
    method: Method = "product",
    pitch_deg: float | np.ndarray = 0.0,
    cm_scale: float | np.ndarray = 1.0,
    sin_elevation: float | np.ndarray | None = None,
    flip_averaged: bool | np.ndarray = False,
) -> dict[str, np.ndarray]:
    """Ungated, unsmoothed measures of one block of frames (column layout, see
    :func:`body_frame.hybrid_block`).

    ``pitch_deg`` is the camera elevation (see :func:`body_frame.up_vector`); ``cm_scale``
    multiplies MediaPipe-scale metres into true metres for the ``*_cm`` measures;
    ``sin_elevation`` fixes the feet elevation of the calibrated turn-out (None: per frame).
    ``flip_averaged``: the landmarks are flip-averaged (:mod:`posture_check.pose.flip`), so the
    calibrated obliquity may use the body's turn (:func:`calibration.apply`); one bool or
    ``(T,)`` per frame.
    ``method="product"`` takes each measure from its :data:`ESTIMATOR` (hybrid otherwise).
    """
    if method == "product":
        needed = {"hybrid", *ESTIMATOR.values()}
        by = {m: _one_method(blk, frame_size, m, pitch_deg, cm_scale, sin_elevation,
                             flip_averaged)
              for m in sorted(needed)}
        v = dict(by["hybrid"])
        for name, m in ESTIMATOR.items():
            v[name] = by[m][name]
    else:
        v = _one_method(blk, frame_size, method, pitch_deg, cm_scale, sin_elevation,
                        flip_averaged)
    v["foot_turnout_asymmetry"] = v["foot_turnout_right"] - v["foot_turnout_left"]
    return v

@dataclass(frozen=True, eq=False)
class BlockMeasures:
    """:func:`measure_block` output: gated values and reasons, subject yaw and view codes."""

    values: dict[str, np.ndarray]
    reasons: dict[str, np.ndarray]
    subject_yaw_deg: np.ndarray
    view_codes: np.ndarray


def measure_block(
    image: np.ndarray, world: np.ndarray, visibility: np.ndarray, presence: np.ndarray,
    frame_size: tuple[int, int], *, method: Method = "product",
    roll_deg: float | np.ndarray = 0.0,
    pitch_deg: float | np.ndarray = 0.0, cm_scale: float | np.ndarray = 1.0,
    sin_elevation: float | np.ndarray | None = None, blk: HybridBlock | None = None,
    flip_averaged: bool | np.ndarray = False,
) -> BlockMeasures:
    """The per-block measure kernel shared by recordings (:func:`compute_measures`) and the
    live check (:class:`~posture_check.measures.online.LiveMeasures`): ``(T, 33, ...)`` landmarks
    of a block of frames -> every measure, gated per frame (no temporal rules, no smoothing).

    ``blk``: the :func:`hybrid_block` of these same landmarks and roll, if the caller already
    built it (it is built here otherwise). ``flip_averaged``: see :func:`raw_measures`.
    """
    if blk is None:
        blk = hybrid_block(image, world, frame_size, roll_deg)
    raw = raw_measures(blk, frame_size, method=method, pitch_deg=pitch_deg, cm_scale=cm_scale,
                       sin_elevation=sin_elevation, flip_averaged=flip_averaged)
    yaw = subject_yaw_deg(blk.world)
    vcode = view_codes(yaw)
    flags = block_flags(blk, frame_size, visibility, presence)
    _, inside, visible, _ = flags
    hidden = hidden_legs(blk.px, vcode)
    leg_ok = [(inside[rows] & visible[rows]).all(axis=0) & ~hid
              for rows, hid in zip(LEG_ROWS, hidden, strict=True)]
    raw["pelvic_tilt"] = posture.pelvic_tilt_from_legs(
        raw["hip_flexion_left"], raw["hip_flexion_right"], raw["knee_flexion_left"],
        raw["knee_flexion_right"], *leg_ok)
    values, reasons = gate_block(raw, vcode, *flags, yaw, body_proportions_ok(blk.world),
                                 hidden)
    return BlockMeasures(values, reasons, yaw, vcode)


def series_constants(series: PoseSeries, roll_deg: float | np.ndarray = 0.0,
                     max_frames: int = 2000) -> dict[str, float]:
    """Recording-wide camera pitch, MediaPipe stature and feet elevation (medians).

    A fixed camera is assumed. Medians over at most ``max_frames`` evenly spaced frames.
    """
    n = len(series)
    idx = np.unique(np.linspace(0, n - 1, min(n, max_frames)).astype(int)) if n else np.arange(0)
    roll = np.asarray(roll_deg)[idx] if np.ndim(roll_deg) else roll_deg
    blk = hybrid_block(series.image[idx], series.world[idx], series.frame_size, roll)
    return {"pitch_deg": _nanmedian(estimate_pitch_deg(blk.world)),
            "stature_m": _nanmedian(stature_m(blk.world)),
            "sin_elevation": _nanmedian(calibration.foot_sin_elevation(blk.px))}


def compute_measures(
    series: PoseSeries,
    *,
    smoothing: Smoothing = "zero_phase",
    height_m: float | None = None,
    method: Method = "product",
    roll_deg: float | np.ndarray = 0.0,
    pitch_deg: float | None = None,
    cutoff_hz: float = ZERO_PHASE_CUTOFF_HZ,
    independent_frames: bool = False,
    roll_source: str | np.ndarray | None = None,
) -> MeasureSeries:
    """All measures of ``series``, gated per frame and smoothed.

    Args:
        series: landmarks of one person.
        smoothing: ``"zero_phase"`` (recordings), ``"one_euro"`` (causal, as live) or ``None``.
        height_m: the person's stated height; scales the ``*_cm`` measures (otherwise
            MediaPipe's own metric scale, good to ~10%).
        method: ``"product"`` (each measure's validated estimator, :data:`ESTIMATOR`),
            ``"calibrated"``, ``"hybrid"`` or ``"naive"`` (module docstring).
        roll_deg: camera roll to remove (> 0: verticals appear rotated counter-clockwise), one
            value or ``(T,)`` (:mod:`~posture_check.measures.camera_roll` estimates it).
        pitch_deg: known camera elevation (> 0: looking down); ``None`` estimates one value
            for the whole recording from the body (a fixed camera is assumed).
        cutoff_hz: zero-phase cutoff.
        independent_frames: the frames are unrelated stills (benchmarks): camera constants per
            frame, no quiet-standing rule.
        roll_source: where ``roll_deg`` came from (``"given"``, ``"scene"``, ``"none"``; one or
            ``(T,)``), for the intervals; None = ``"given"`` for a non-zero roll, else ``"none"``.
    """
    if smoothing not in ("zero_phase", "one_euro", None):
        raise ValueError(f"smoothing must be 'zero_phase', 'one_euro' or None, got {smoothing!r}")
    if method not in ("product", "calibrated", "hybrid", "naive"):
        raise ValueError("method must be 'product', 'calibrated', 'hybrid' or 'naive', "
                         f"got {method!r}")
    if height_m is not None and not 0.5 <= float(height_m) <= 2.6:
        raise ValueError(f"height_m must be a person's height in metres (0.5-2.6), got {height_m}")
    n = len(series)
    if np.ndim(roll_deg) and np.shape(roll_deg) != (n,):
        raise ValueError(f"roll_deg must be one value or shape ({n},), got {np.shape(roll_deg)}")
    roll_deg = np.nan_to_num(np.asarray(roll_deg, dtype=np.float64)) if np.ndim(roll_deg) \
        else float(roll_deg)
    pitch_source = "given"
    if independent_frames:
        blk = hybrid_block(series.image, series.world, series.frame_size, roll_deg)
        pitch_all = estimate_pitch_deg(blk.world) if pitch_deg is None else np.full(n, pitch_deg)
        pitch_all = np.where(np.isfinite(pitch_all), pitch_all, 0.0)
        stature_all = stature_m(blk.world)
        const = {"pitch_deg": _nanmedian(pitch_all), "stature_m": _nanmedian(stature_all),
                 "sin_elevation": float("nan")}
        pitch_source = "per_frame"
    else:
        const = series_constants(series, roll_deg)
        if pitch_deg is None:
            pitch_deg = const["pitch_deg"] if np.isfinite(const["pitch_deg"]) else 0.0
            pitch_source = "estimated"
    stature = const["stature_m"]
    cm_scale = float(height_m) / stature if (height_m and np.isfinite(stature)) else 1.0
    sin_e = const["sin_elevation"] if np.isfinite(const["sin_elevation"]) else None
    flipped = series.flipped  # (T,): the calibration and intervals are chosen per frame
    # One (C, T) table, row i = MEASURES[i]: the values dict holds its contiguous rows, filled
    # block by block, gated and smoothed in place (no stacking into (T, C) and back).
    table = np.empty((len(MEASURES), n))
    values = dict(zip(MEASURES, table, strict=True))
    reasons = {k: np.empty(n, np.int8) for k in MEASURES}
    yaw = np.empty(n)
    vcodes = np.empty(n, np.int8)
    raw_knees = np.empty((n, 2))
    for a in range(0, n, BLOCK):
        b = min(a + BLOCK, n)
        # (pitch_deg is a number here unless independent_frames: set from const above)
        pitch = pitch_all[a:b] if independent_frames else (pitch_deg or 0.0)
        roll = np.asarray(roll_deg)[a:b] if np.ndim(roll_deg) else roll_deg
        bm = measure_block(series.image[a:b], series.world[a:b], series.visibility[a:b],
                           series.presence[a:b], series.frame_size, method=method,
                           roll_deg=roll, pitch_deg=pitch, cm_scale=cm_scale,
                           sin_elevation=sin_e, flip_averaged=flipped[a:b])
        for k in MEASURES:
            values[k][a:b] = bm.values[k]
            reasons[k][a:b] = bm.reasons[k]
        raw_knees[a:b, 0] = bm.values["knee_flexion_left"]
        raw_knees[a:b, 1] = bm.values["knee_flexion_right"]
        yaw[a:b] = bm.subject_yaw_deg
        vcodes[a:b] = bm.view_codes
    quiet_share = 1.0
    if not independent_frames:
        quiet = quiet_standing(series.image_px(), series.t_s, raw_knees, series.visibility)
        gate_moving(values, reasons, quiet)
        quiet_share = float(quiet[series.detected].mean()) if series.detected.any() else 0.0
    if smoothing is not None and n > 2:  # the filters take (T, C): the table's transpose
        table[:] = (zero_phase(table.T, series.t_s, cutoff_hz) if smoothing == "zero_phase"
                    else one_euro(table.T, series.t_s)).T
    meta = {"method": method, "smoothing": smoothing, "pitch_deg": float(const["pitch_deg"]
                                                                         if independent_frames
                                                                         else pitch_deg or 0.0),
            "pitch_source": pitch_source,
            "flip_averaged_share": float(flipped.mean()) if n else 0.0,
            "roll_deg": float(np.median(roll_deg)) if np.ndim(roll_deg) else roll_deg,
            "stature_m_mediapipe": stature, "cm_scale": cm_scale,
            "cm_scale_source": "height_m" if height_m else "mediapipe_world",
            "feet_elevation_deg": float(np.degrees(np.arcsin(sin_e))) if sin_e else None,
            "quiet_standing_share": quiet_share,
            "roll_source": (roll_source if roll_source is not None
                            else "given" if np.any(roll_deg) else "none"),
            "source": series.source, "frame_size": list(series.frame_size)}
    view = np.asarray(VIEWS, dtype="<U10")[vcodes]
    return MeasureSeries(series.t_s.copy(), values, reasons, view, yaw, meta, flipped.copy())
