"""90% intervals for the measures: validated model error plus frame-to-frame spread.

Every reported number carries an interval meant to hold the true value 90% of the time.

* **Model error** (systematic: the same person, clothes and camera keep it frame after frame):
  the 90th percentile of the absolute error of the product estimator on rendered people with
  *every* axis outside the fit family (the ``interval_cal`` set of ``posture-check bench
  accuracy``, 300 scenes), by how far the body is turned from the camera (|estimated subject
  yaw| bins :data:`YAW_BINS`), never shrinking with the turn; the two feet share one width.
  :data:`HALF_WIDTH_90` holds them (:data:`HALF_WIDTH_90_PLAIN` without flip averaging, the
  live check); ``posture-check bench accuracy --intervals`` prints them. The side-view
  measures (trunk, hip and knee flexion) likewise on ``side_interval_cal``, by bins of their
  own (:data:`BIN_EDGES`).
* **Sampling spread** of a recording's summary: the median of ``n`` frames wanders by about
  ``1.2533 * sd / sqrt(n_eff)``; frames are correlated (smoothing, slow sway), so ``n_eff`` is
  the recording's duration times :data:`INDEPENDENT_PER_S` (at most the frame count).
* **Camera roll** (lean, hip line and shoulder line only: a rolled camera tilts them one for
  one): 90% bound of the roll left in the picture, by where the roll came from
  (:data:`ROLL_HALF_WIDTH_90`): ``"given"`` by the user, estimated from the room's lines
  (``"scene"``), or unknown (``"none"``: a camera set up by hand is assumed level to within
  +-6 deg, uniformly).

Units are the measure's (degrees, or cm for ``_cm``). The model-error table is measured with the
true camera roll removed, so that the roll enters once. The parts are added in quadrature:
``half = sqrt(model^2 + roll^2 + (1.645 * sampling)^2)``.

Three measures have no truth of their own in the renders; their model error follows from a
validated one through their geometry (:data:`DERIVED_FROM`): ``pelvic_tilt`` (the trunk-thigh
angle, :func:`posture_check.measures.posture.pelvic_tilt_proxy`) takes hip flexion's error;
``lateral_shift_cm`` and ``head_shift_cm`` take the trunk's sideways angle before the lean's
fitted correction (:data:`TRUNK_ANGLE_HALF_WIDTH_90`, and the camera roll's) over a
:data:`TRUNK_LEVER_CM` / :data:`HEAD_LEVER_CM` lever, plus :data:`CM_SCALE_90` of the value for
MediaPipe's metric scale.

Why the all-held-out family, and the figures before the derived intervals: see
docs/decisions/intervals-all-held-out.md.
"""

from __future__ import annotations

import numpy as np

__all__ = ["BIN_EDGES", "CM_SCALE_90", "DERIVED_FROM", "HALF_WIDTH_90", "HALF_WIDTH_90_PLAIN",
           "HEAD_LEVER_CM", "INDEPENDENT_PER_S", "ROLL_HALF_WIDTH_90", "ROLL_SENSITIVE",
           "SIDE_SPLIT_DEG", "TRUNK_ANGLE_HALF_WIDTH_90", "TRUNK_LEVER_CM", "YAW_BINS",
           "frame_half_width", "has_model_error", "model_half_width", "summary_half_width"]

# |subject yaw| bin edges in degrees (the last bin is open-ended; frontal measures are gated
# beyond 20 deg, see compute.FRONTAL_MAX_TURN_DEG)
YAW_BINS: tuple[float, ...] = (0.0, 10.0)
# measure -> 90th-percentile absolute error per yaw bin (degrees): product estimator, flip
# averaged, true camera roll removed, on the interval_cal renders of `posture-check bench
# accuracy` (300 scenes, every axis outside the fit family; `--intervals` reprints this table
# and the next).
# held_all is not among them: its coverage is the check.
HALF_WIDTH_90: dict[str, tuple[float, ...]] = {
    "lateral_lean": (1.64, 1.85),
    "pelvic_obliquity": (4.02, 4.43),
    "shoulder_tilt": (3.72, 4.4),
    "foot_turnout_left": (13.73, 13.73),
    "foot_turnout_right": (13.73, 13.73),
    "foot_turnout_asymmetry": (22.13, 22.13),
    "trunk_flexion": (5.82,),
    "hip_flexion_left": (12.46,),
    "hip_flexion_right": (12.46,),
    "knee_flexion_left": (21.92, 9.33),
    "knee_flexion_right": (21.92, 9.33),
}
# The same for landmarks that are not flip-averaged (the live check): wider, as the model runs
# once and MediaPipe's left/right biases stay in.
HALF_WIDTH_90_PLAIN: dict[str, tuple[float, ...]] = {
    "lateral_lean": (1.82, 1.95),
    "pelvic_obliquity": (5.31, 5.84),
    "shoulder_tilt": (4.86, 4.86),
    "foot_turnout_left": (14.19, 14.19),
    "foot_turnout_right": (14.19, 14.19),
    "foot_turnout_asymmetry": (24.99, 24.99),
    "trunk_flexion": (6.34,),
    "hip_flexion_left": (13.35,),
    "hip_flexion_right": (13.35,),
    "knee_flexion_left": (22.67, 10.37),
    "knee_flexion_right": (22.67, 10.37),
}
# The sagittal measures (side views): trunk and hip flexion have one width (they are read only
# in side and oblique views); knee flexion, read in any view, has a front width (turn below
# SIDE_SPLIT_DEG: a front view sees a knee bend foreshortened, MAE 12 deg) and a side width.
# From side_interval_cal (200 side-view renders, every axis held out) and, for the knees' front
# width, interval_cal. Side scenes are 40% split stances (the hip-flexor opener's lunge), and
# the far leg hidden behind the near one is gated (``gating.hidden_legs``), so the side widths
# come from the legs in view, feet together and apart.
SIDE_SPLIT_DEG = 45.0
BIN_EDGES: dict[str, tuple[float, ...]] = {
    "trunk_flexion": (0.0,), "hip_flexion_left": (0.0,), "hip_flexion_right": (0.0,),
    "knee_flexion_left": (0.0, SIDE_SPLIT_DEG), "knee_flexion_right": (0.0, SIDE_SPLIT_DEG),
}
INDEPENDENT_PER_S = 2.0
# measure -> (the validated measure its error follows from, lever in cm; None: degrees for
# degrees); see the module docstring. Levers for a tall adult (1.85 m): mid-hip to mid-shoulder
# 0.30 of stature, to mid-ear 0.40; a shorter person's true lever is shorter, so wider is safe.
TRUNK_LEVER_CM = 55.0
HEAD_LEVER_CM = 75.0
CM_SCALE_90 = 0.15  # MediaPipe's metric world scale, without the person's height given
# the trunk's sideways angle before the lean's fitted correction: 90th percentile of its error
# on interval_cal, true roll removed, (flip-averaged, plain); measured at stop 22 from bench
# accuracy's renders (held_all: 3.05 / 3.07; the corrected lean's is 1.78)
TRUNK_ANGLE_HALF_WIDTH_90 = (2.91, 3.16)
DERIVED_FROM: dict[str, tuple[str, float | None]] = {
    "pelvic_tilt": ("hip_flexion_left", None),
    "lateral_shift_cm": ("trunk", TRUNK_LEVER_CM),
    "head_shift_cm": ("trunk", HEAD_LEVER_CM),
}
ROLL_SENSITIVE = frozenset({"lateral_lean", "pelvic_obliquity", "shoulder_tilt",
                            "trunk_flexion"})
# "scene": 90th percentile of the roll estimator's error on the same renders (243 scenes with
# room lines; median 1.2 deg, p90 2.9 deg); "none": uniform +-6 deg -> 5.4 deg.
ROLL_HALF_WIDTH_90: dict[str, float] = {"given": 1.0, "scene": 2.9, "none": 5.4}
_Z90 = 1.645


def _validated(measure: str) -> tuple[str, float | None]:
    """The validated measure (or ``"trunk"``) behind ``measure``'s model error, and the lever
    in cm that turns its degrees into ``measure``'s unit (None: degrees already)."""
    return DERIVED_FROM.get(measure, (measure, None))


def _to_unit(measure: str, half_width_deg: np.ndarray) -> np.ndarray:
    """A half-width of the validated angle behind ``measure`` in ``measure``'s own unit."""
    lever = _validated(measure)[1]
    if lever is None:
        return half_width_deg
    return lever * np.sin(np.radians(np.minimum(half_width_deg, 90.0)))


def _roll_term(measure: str, roll_source: str | np.ndarray) -> np.ndarray:
    if _validated(measure)[0] not in ROLL_SENSITIVE | {"trunk"}:
        return np.zeros(np.shape(roll_source))
    src = np.asarray(roll_source)
    out = np.full(src.shape, ROLL_HALF_WIDTH_90["none"])
    for name, hw in ROLL_HALF_WIDTH_90.items():
        out[src == name] = hw
    return _to_unit(measure, out)


def frame_half_width(measure: str, abs_yaw_deg: np.ndarray,
                     roll_source: str | np.ndarray = "none", *,
                     flip_averaged: bool | np.ndarray = True) -> np.ndarray:
    """``(T,)`` half-width of the 90% interval of one frame's value (NaN: none validated)."""
    model = model_half_width(measure, abs_yaw_deg, flip_averaged=flip_averaged)
    if not has_model_error(measure):
        return np.full_like(model, np.nan)
    return np.hypot(model, _roll_term(measure, roll_source))


def has_model_error(measure: str) -> bool:
    """The measure's interval has a model-error part (validated, or derived from a validated
    measure: :data:`DERIVED_FROM`)."""
    return measure in HALF_WIDTH_90 or measure in DERIVED_FROM


def model_half_width(measure: str, abs_yaw_deg: np.ndarray | float, *,
                     flip_averaged: bool | np.ndarray = True) -> np.ndarray:
    """``(T,)`` model-error half-width of the 90% interval (0 where not validated); from
    :data:`HALF_WIDTH_90` for flip-averaged landmarks, else :data:`HALF_WIDTH_90_PLAIN`.
    ``abs_yaw_deg``: how far the body is turned from facing the camera or facing away (0-90,
    as the callers fold it). ``flip_averaged``: one bool, or ``(T,)`` per frame (adaptive
    sampling flip-averages only the quiet frames)."""
    yaw = np.abs(np.asarray(abs_yaw_deg, dtype=np.float64))
    flip = np.asarray(flip_averaged, dtype=bool)
    base = _validated(measure)[0]
    edges = np.asarray(BIN_EDGES.get(base, YAW_BINS))
    out = np.zeros(np.broadcast_shapes(yaw.shape, flip.shape))
    if base == "trunk":
        return _to_unit(measure, np.where(flip, *TRUNK_ANGLE_HALF_WIDTH_90) + out)
    for table, use in ((HALF_WIDTH_90.get(base), flip),
                       (HALF_WIDTH_90_PLAIN.get(base), ~flip)):
        if table is None or not use.any():
            continue
        idx = np.clip(np.searchsorted(edges, np.nan_to_num(yaw), side="right") - 1,
                      0, len(table) - 1)
        out = np.where(use, np.asarray(table, dtype=np.float64)[idx], out)
    return _to_unit(measure, out)


def summary_half_width(measure: str, values: np.ndarray, abs_yaw_deg: np.ndarray,
                       duration_s: float, roll_source: str = "none", *,
                       flip_averaged: bool | np.ndarray = True) -> float:
    """Half-width of the 90% interval around the median of ``values`` (finite frames).
    ``flip_averaged``: one bool or ``(T,)`` per frame; the model term is the median of the
    finite frames' own half-widths."""
    v = np.asarray(values, dtype=np.float64)
    ok = np.isfinite(v)
    if not ok.any():
        return float("nan")
    v = v[ok]
    yaw = np.asarray(abs_yaw_deg, dtype=np.float64)[ok]
    flip = np.asarray(flip_averaged, dtype=bool)
    flip = flip[ok] if flip.ndim else flip
    model = float(np.median(model_half_width(measure, yaw, flip_averaged=flip)))
    model = float(np.hypot(model, _roll_term(measure, roll_source)))
    if measure in DERIVED_FROM and measure.endswith("_cm"):
        model = float(np.hypot(model, CM_SCALE_90 * abs(float(np.median(v)))))
    if v.size > 1:
        mad = float(np.median(np.abs(v - np.median(v))))
        sd = 1.4826 * mad
        n_eff = float(np.clip(duration_s * INDEPENDENT_PER_S, 1.0, v.size))
        sampling = 1.2533 * sd / np.sqrt(n_eff)
    elif not has_model_error(measure):
        return float("nan")  # one frame, no validated error: no honest interval
    else:
        sampling = 0.0
    return float(np.hypot(model, _Z90 * sampling))
