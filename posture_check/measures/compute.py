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
from typing import Any, ClassVar, Literal, cast

import numpy as np

from ..landmarks import Landmark as L
from ..series import PoseSeries, flip_flags
from . import calibration, posture, uncertainty
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
    IMPLAUSIBLE,
    LOW_VISIBILITY,
    MIN_PRESENCE,
    MIN_VISIBILITY,
    MOVING,
    NO_PERSON,
    OK,
    OUT_OF_FRAME,
    REASONS,
    VIEW_UNCERTAIN,
    WRONG_VIEW,
)
from .stillness import quiet_standing
from .view import VIEWS, view_codes

__all__ = ["ESTIMATOR", "MEASURES", "MEASURE_SPECS", "BlockMeasures", "MeasureSeries",
           "MeasureSpec", "MeasureSummary", "compute_measures", "gate_block", "gate_moving",
           "measure_block", "raw_measures", "series_constants"]

Method = Literal["product", "calibrated", "hybrid", "naive"]
Smoothing = Literal["zero_phase", "one_euro"] | None

FRONTAL = ("front", "back")
SAGITTAL = ("left_side", "right_side", "oblique")
ANY_VIEW = ("front", "back", "left_side", "right_side", "oblique")

_HIPS = (L.LEFT_HIP, L.RIGHT_HIP)
_SHOULDERS = (L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
_TRUNK = _HIPS + _SHOULDERS


@dataclass(frozen=True)
class MeasureSpec:
    """What a measure is: unit, sign convention, views where valid, landmarks it needs.

    ``standing``: a posture measure, read only in quiet-standing segments (gated ``"moving"``
    elsewhere; the flexion angles that the stretch checks time are not). ``plausible``: the
    range a standing (or, for the flexions, a stretching) human body can reach; a value outside
    it is a model failure, gated ``"implausible"``. ``one_sided``: only the ``+`` direction
    is a finding (foot turn-out: toes outward), so thresholds, bands and the value's severity
    apply to the signed value, not to its magnitude.
    """

    unit: str
    positive: str
    views: tuple[str, ...]
    landmarks: tuple[int, ...]
    description: str
    standing: bool = True
    plausible: tuple[float, float] = (-90.0, 90.0)
    one_sided: bool = False


MEASURE_SPECS: dict[str, MeasureSpec] = {
    "lateral_lean": MeasureSpec("deg", "trunk leans toward the subject's right", FRONTAL, _TRUNK,
                                "trunk (mid-hip -> mid-shoulder) from vertical, frontal plane",
                                plausible=(-25.0, 25.0)),
    "lateral_shift_cm": MeasureSpec("cm", "shoulders shifted toward the subject's right", FRONTAL,
                                    _TRUNK, "sideways offset of mid-shoulder over mid-hip",
                                    plausible=(-20.0, 20.0)),
    "pelvic_obliquity": MeasureSpec("deg", "right hip higher", ("front", "back"),
                                    (*_HIPS, L.LEFT_KNEE, L.RIGHT_KNEE),
                                    "hip line from horizontal, frontal plane",
                                    plausible=(-12.0, 12.0)),
    "shoulder_tilt": MeasureSpec("deg", "right shoulder higher", FRONTAL, _TRUNK,
                                 "shoulder line from horizontal, frontal plane",
                                 plausible=(-20.0, 20.0)),
    "head_shift_cm": MeasureSpec("cm", "head shifted toward the subject's right", ("front",),
                                 (*_TRUNK, L.LEFT_EAR, L.RIGHT_EAR),
                                 "sideways offset of mid-ear over mid-hip",
                                 plausible=(-25.0, 25.0)),
    "foot_turnout_left": MeasureSpec("deg", "toes outward", ("front",),
                                     (*_HIPS, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
                                     "left foot axis on the floor vs forward",
                                     plausible=(-35.0, 70.0), one_sided=True),
    "foot_turnout_right": MeasureSpec("deg", "toes outward", ("front",),
                                      (*_HIPS, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX),
                                      "right foot axis on the floor vs forward",
                                      plausible=(-35.0, 70.0), one_sided=True),
    "foot_turnout_asymmetry": MeasureSpec(
        "deg", "right foot turned out more", ("front",),
        (*_HIPS, L.LEFT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX),
        "foot_turnout_right - foot_turnout_left", plausible=(-80.0, 80.0)),
    "knee_flexion_left": MeasureSpec("deg", "knee bent", ANY_VIEW,
                                     (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE),
                                     "180 - angle(hip, knee, ankle)",
                                     standing=False, plausible=(-20.0, 175.0)),
    "knee_flexion_right": MeasureSpec("deg", "knee bent", ANY_VIEW,
                                      (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE),
                                      "180 - angle(hip, knee, ankle)",
                                      standing=False, plausible=(-20.0, 175.0)),
    "hip_flexion_left": MeasureSpec("deg", "knee forward of the trunk line", SAGITTAL,
                                    (*_TRUNK, L.LEFT_KNEE), "thigh vs downward trunk, sagittal",
                                    standing=False, plausible=(-60.0, 175.0)),
    "hip_flexion_right": MeasureSpec("deg", "knee forward of the trunk line", SAGITTAL,
                                     (*_TRUNK, L.RIGHT_KNEE), "thigh vs downward trunk, sagittal",
                                     standing=False, plausible=(-60.0, 175.0)),
    "trunk_flexion": MeasureSpec("deg", "trunk leans forward", SAGITTAL, _TRUNK,
                                 "trunk from vertical, sagittal plane",
                                 standing=False, plausible=(-45.0, 130.0)),
    # the knees are needed too, but either one will do (a side view hides the far leg):
    # measure_block computes it from the legs that can be seen
    "pelvic_tilt": MeasureSpec("deg", "toward anterior tilt (vs own baseline only)", SAGITTAL,
                               _TRUNK,
                               "side-view proxy: mean hip flexion of the legs in view "
                               "(see posture.pelvic_tilt_proxy)",
                               plausible=(-30.0, 45.0)),
}
MEASURES: tuple[str, ...] = tuple(MEASURE_SPECS)


# The estimator each measure uses in the product (``method="product"``), chosen by
# ``posture-check bench accuracy`` on scenes outside the fit family: the lowest held-out MAE among
# estimators never worse than the naive reading there. See the README's accuracy table.
ESTIMATOR: dict[str, Method] = {
    "lateral_lean": "calibrated",
    "pelvic_obliquity": "calibrated",
    "shoulder_tilt": "calibrated",
    "foot_turnout_left": "calibrated",
    "foot_turnout_right": "calibrated",
}


@dataclass(frozen=True)
class MeasureSummary:
    """Robust summary of one measure over its valid frames (NaN when none are valid).

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
        flip = self.flip_averaged
        if flip is None:  # never after __post_init__; narrows the type
            raise RuntimeError("MeasureSeries.flip_averaged was not initialised")
        return flip

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
        """Median, 10th/90th percentile, valid fraction and 90% interval of each measure."""
        out: dict[str, MeasureSummary] = {}
        n = max(len(self), 1)
        yaw = self._abs_yaw()
        for name, v in self.values.items():
            finite = np.isfinite(v)
            ok = v[finite]
            unit = MEASURE_SPECS[name].unit if name in MEASURE_SPECS else ""
            lo = hi = float("nan")
            if ok.size:
                p10, med, p90 = np.percentile(ok, [10, 50, 90])
                t = self.t_s[finite]
                dur = float(t[-1] - t[0]) if ok.size > 1 else 0.0
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
    ``flip_averaged``: the landmarks are flip-averaged (:mod:`posture_check.flip`), so the
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


_VIEW_ALLOWED = {name: np.array([v in spec.views for v in VIEWS]) for name, spec in
                 MEASURE_SPECS.items()}
_LM_ROWS = {name: [USED.index(lm) for lm in spec.landmarks] for name, spec in
            MEASURE_SPECS.items()}
# A standing posture is read only with the whole body in the picture: a cut-off head or cut-off
# feet changed readings by tens of degrees (and made front and back indistinguishable).
WHOLE_BODY: tuple[int, ...] = (L.NOSE, L.LEFT_EAR, L.RIGHT_EAR, *_TRUNK, L.LEFT_KNEE, L.RIGHT_KNEE,
                               L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL,
                               L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX)
# Frontal measures need the body square to the camera: beyond this estimated turn (degrees from
# facing the camera or facing away) they are gated "wrong_view". MediaPipe's turn estimate errs
# by up to ~13 deg (90th percentile, held-out renders), so a true 35 deg turn can read 22.
FRONTAL_MAX_TURN_DEG = 20.0
_FRONTAL_ONLY = {name: set(spec.views) <= {"front", "back"} for name, spec in
                 MEASURE_SPECS.items()}
_WHOLE_ROWS = [USED.index(lm) for lm in WHOLE_BODY]
_LEG_ROWS = ([USED.index(lm) for lm in (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE)],
             [USED.index(lm) for lm in (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE)])
_ROW_NOSE, _ROW_LS, _ROW_RS, _ROW_LH, _ROW_RH = (
    USED.index(lm) for lm in (L.NOSE, L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP))
# MediaPipe puts a cut-off head's landmarks just inside the top edge (with presence 1.0): the
# whole body counts as in the picture only with this margin (fraction of the frame) to spare.
WHOLE_BODY_MARGIN = 0.03
# The nose is not the top of the body: the crown sits about a quarter of the trunk (mid-hip to
# mid-shoulder) above it. MediaPipe also places the nose of a head cut off at the crown well
# inside the frame (6% from the edge in the gating benchmark), so the nose counts as well inside
# only if the crown estimated above it (along the trunk) is too. Standing people in the accuracy
# benchmark's sets have the nose at least 13% below the top edge and are not affected.
CROWN_ABOVE_NOSE = 0.25
# Measures whose sign depends on telling the front from the back (all but the knee angles).
_NEEDS_FACING = {name: spec.views != ANY_VIEW for name, spec in MEASURE_SPECS.items()}
_FACE_ROWS = [USED.index(lm) for lm in (L.NOSE, L.LEFT_EAR, L.RIGHT_EAR)]


def _block_flags(blk: HybridBlock, frame_size: tuple[int, int], visibility: np.ndarray,
                 presence: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Detected ``(T,)``, inside ``(K, T)``, visible ``(K, T)`` and well inside ``(K, T)``
    (at least :data:`WHOLE_BODY_MARGIN` from every edge) flags for :data:`USED`."""
    w, h = frame_size
    x, y = blk.px.cols[:, 0], blk.px.cols[:, 1]
    idx = list(USED)
    with np.errstate(invalid="ignore"):
        present = ~(presence[:, idx].T < MIN_PRESENCE)
        lo, hi = -FRAME_MARGIN, 1 + FRAME_MARGIN
        inside = (x >= lo * w) & (x <= hi * w) & (y >= lo * h) & (y <= hi * h) & present
        m, n = WHOLE_BODY_MARGIN, 1 - WHOLE_BODY_MARGIN
        well_inside = (x >= m * w) & (x <= n * w) & (y >= m * h) & (y <= n * h) & present
        trunk = 0.5 * (blk.px.cols[_ROW_LS] + blk.px.cols[_ROW_RS]
                       - blk.px.cols[_ROW_LH] - blk.px.cols[_ROW_RH])  # (3, T) hips -> shoulders
        cx, cy = (blk.px.cols[_ROW_NOSE][:2] + CROWN_ABOVE_NOSE * trunk[:2])
        crown_ok = (cx >= m * w) & (cx <= n * w) & (cy >= m * h) & (cy <= n * h)
        well_inside[_ROW_NOSE] &= crown_ok
        visible = ~(visibility[:, idx].T < MIN_VISIBILITY)
    detected = np.isfinite(x).any(axis=0)
    return detected, inside, visible, well_inside


def gate_block(values: dict[str, np.ndarray], vcode: np.ndarray, detected: np.ndarray,
               inside: np.ndarray, visible: np.ndarray, well_inside: np.ndarray | None = None,
               yaw_deg: np.ndarray | None = None
               ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Apply :mod:`quality` gating to one block: NaN + reason code per measure.

    ``vcode``: ``(T,)`` view indices into :data:`~posture_check.measures.view.VIEWS`;
    ``yaw_deg``: ``(T,)`` subject yaw (frontal measures are gated beyond
    :data:`FRONTAL_MAX_TURN_DEG`). Later rules override earlier ones, so the reason shown is the
    most basic one that applies. Standing measures need :data:`WHOLE_BODY` ``well_inside``
    the picture (``inside`` when not given).
    """
    well_inside = inside if well_inside is None else well_inside
    out_v: dict[str, np.ndarray] = {}
    out_r: dict[str, np.ndarray] = {}
    face_in = inside[_FACE_ROWS].all(axis=0)
    turned = np.zeros(len(vcode), dtype=bool)
    if yaw_deg is not None:
        a = np.abs(np.asarray(yaw_deg, dtype=np.float64))
        with np.errstate(invalid="ignore"):
            turned = np.minimum(a, 180.0 - a) > FRONTAL_MAX_TURN_DEG
    for name in MEASURES:
        rows = _LM_ROWS[name]
        spec = MEASURE_SPECS[name]
        v = values[name]
        codes = np.zeros(len(vcode), np.int8)
        with np.errstate(invalid="ignore"):
            codes[(v < spec.plausible[0]) | (v > spec.plausible[1])] = IMPLAUSIBLE
        if _NEEDS_FACING[name]:
            codes[~face_in] = VIEW_UNCERTAIN
        codes[~_VIEW_ALLOWED[name][vcode]] = WRONG_VIEW
        if _FRONTAL_ONLY[name]:
            codes[turned] = WRONG_VIEW
        codes[~visible[rows].all(axis=0)] = LOW_VISIBILITY
        codes[~inside[rows].all(axis=0)] = OUT_OF_FRAME
        if spec.standing:
            codes[~well_inside[_WHOLE_ROWS].all(axis=0)] = OUT_OF_FRAME
        codes[~detected] = NO_PERSON
        codes[(codes == OK) & ~np.isfinite(v)] = LOW_VISIBILITY  # degenerate geometry
        out_r[name] = codes
        out_v[name] = np.where(codes == OK, v, np.nan)
    return out_v, out_r


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
    live check (:class:`~posture_check.measures.live.LiveMeasures`): ``(T, 33, ...)`` landmarks
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
    flags = _block_flags(blk, frame_size, visibility, presence)
    _, inside, visible, _ = flags
    leg_ok = [(inside[rows] & visible[rows]).all(axis=0) for rows in _LEG_ROWS]
    raw["pelvic_tilt"] = posture.pelvic_tilt_from_legs(
        raw["hip_flexion_left"], raw["hip_flexion_right"], raw["knee_flexion_left"],
        raw["knee_flexion_right"], *leg_ok)
    values, reasons = gate_block(raw, vcode, *flags, yaw)
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


def gate_moving(values: dict[str, np.ndarray], reasons: dict[str, np.ndarray],
                quiet: np.ndarray) -> None:
    """In place: standing measures outside quiet standing become NaN with reason ``moving``."""
    for name in MEASURES:
        if MEASURE_SPECS[name].standing:
            hit = (reasons[name] == OK) & ~quiet
            reasons[name][hit] = MOVING
            values[name][hit] = np.nan


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
        quiet = quiet_standing(series.image_px(), series.t_s, raw_knees)
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
