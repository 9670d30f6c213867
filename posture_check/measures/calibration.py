"""Empirical estimators for lean, pelvic obliquity and foot turn-out, fitted on rendered people.

Holds the fitted coefficients (``COEF_*``) and what applies them (:func:`apply`), the feet's
floor lift (:func:`foot_sin_elevation`, :data:`FOOT_PER_LEG`, :data:`ASSUMED_VFOV_DEG`), the
body's turn from the camera (:func:`turn_deg`), the perspective tilt of a turned body
(:func:`perspective_tilt_deg`) and the least-squares fit (:func:`fit_coefficients`,
``posture-check bench accuracy --fit``). Degrees; left and right are the subject's own; signs as
the measures': lean + toward the subject's right, obliquity + right hip higher, shoulder tilt +
right shoulder higher, turn-out + toes outward, turn-out asymmetry = right - left.

* ``foot_turnout``: each foot's 2D heel -> toe vector lifted onto the floor, then a mirror-even
  *sum* model (right + left) and a mirror-odd *difference* model (right - left), so the
  estimator is exactly mirror-antisymmetric; the difference is shrunk toward the plain world
  reading (:data:`TURNOUT_DIFF_WEIGHT`, :func:`world_turnout_diff`).
* ``pelvic_obliquity`` and ``lateral_lean``: the 2D hip / trunk line plus a linear correction
  from rotation-invariant body-line features; for flip-averaged landmarks also the body's turn
  (plus :data:`OBLIQUITY_TURN_EXTRA`), without flip averaging :data:`COEF_OBLIQUITY_PLAIN`.
  No intercept: mirroring flips the sign.
* ``shoulder_tilt``: geometry only, the 2D shoulder line minus the perspective tilt.

Why: on renders with exact truth the textbook readings fail in known ways (MediaPipe's 2D hip
line follows the lean; its world depth of the feet and its pelvis yaw are biased), while the 2D
image landmarks of feet, knees and ankles are good. See docs/decisions/turn-out-model.md
(with turn-out-limits.md and foot-axis-study-dropped.md), docs/decisions/obliquity-and-shoulder.md
and docs/decisions/calibration-fit-protocol.md for the measurements behind each choice.
"""

from __future__ import annotations

import numpy as np

from posture_check.measures.body_frame import body_axes, estimate_pitch_deg, subject_yaw_deg
from posture_check.measures.columns import Points, vmid
from posture_check.measures.geometry import atan2_deg
from posture_check.measures.posture import foot_turnout
from posture_check.pose.landmarks import Landmark as L

__all__ = [
    "ASSUMED_VFOV_DEG",
    "COEF_LEAN",
    "COEF_OBLIQUITY",
    "COEF_OBLIQUITY_PLAIN",
    "COEF_TURNOUT_DIFF",
    "COEF_TURNOUT_SUM",
    "FOOT_PER_LEG",
    "OBLIQUITY_TURN_EXTRA",
    "apply",
    "features",
    "fit_coefficients",
    "foot_sin_elevation",
    "perspective_tilt_deg",
    "turn_deg",
    "turnout",
    "turnout_design",
]

ASSUMED_VFOV_DEG = 50.0
FOOT_PER_LEG = 0.28
_MIN_SIN_E = 0.05

# Fitted coefficients (see the module docstring; refit with `posture-check bench accuracy --fit`).
COEF_LEAN: dict[str, float] = {"rel_lean_hip": -0.1405, "rel_lean_shoulder": -0.0371,
                               "rel_knee_hip": 0.0311, "thigh_len": -0.0942, "shank_len": -0.2728}
# with flip-averaged landmarks (recordings, photos): the body's turn as well
COEF_OBLIQUITY: dict[str, float] = {"turn": 0.1597, "rel_lean_hip": -0.7124,
                                    "rel_shoulder_hip": -0.0669, "rel_knee_hip": 0.0485,
                                    "rel_ankle_hip": -0.3495, "thigh_len": -1.6546,
                                    "shank_len": -0.6302, "side_len": -1.4205}
# without (the live check): MediaPipe's turn then carries its side bias, so no turn term
COEF_OBLIQUITY_PLAIN: dict[str, float] = {"rel_lean_hip": -0.4675, "rel_shoulder_hip": -0.1357,
                                          "rel_knee_hip": 0.0344, "rel_ankle_hip": -0.6005,
                                          "thigh_len": -2.2783, "shank_len": -1.0443,
                                          "side_len": -1.024}
COEF_TURNOUT_SUM: dict[str, float] = {"cam": 0.674, "cam_sq": 0.0898, "toe_x": 0.4608,
                                      "heel_x": 0.1131, "toe_y": -0.2517, "knee_x": -0.2564,
                                      "one": 21.5726}
COEF_TURNOUT_DIFF: dict[str, float] = {"cam": -0.1491, "cam_sq": 0.2529, "toe_x": 1.3719,
                                       "heel_x": -0.4849, "toe_y": 0.7671, "knee_x": -0.2028,
                                       "yaw_ankle": -0.2586, "yaw_toe": -0.3746,
                                       "yaw_heel": 0.2744, "wyaw_hip": -0.397,
                                       "wyaw_shoulder": 2.6212, "wyaw_knee": 1.6294,
                                       "wyaw_ankle": 0.1461, "wyaw_heel_vs_ankle": 17.6507,
                                       "wyaw_toe": -1.6609, "lean2d": 2.8272,
                                       "rel_lean_hip": -1.3139, "rel_knee_hip": 1.38,
                                       "rel_ankle_hip": -4.9838, "thigh_len": -5.4133,
                                       "shank_len": -7.4872}
TURNOUT_DIFF_WEIGHT = 0.7
# Added to COEF_OBLIQUITY["turn"] (flip-averaged landmarks only): the fitted turn term is
# attenuated, as the fit family's cameras turn only +-12 deg and MediaPipe's turn estimate is
# noisy and ~half the true turn; one scalar chosen out of family (module docstring).
OBLIQUITY_TURN_EXTRA = 0.083
# lean = lean2d + COEF_LEAN . features; obliquity = hip2d + COEF_OBLIQUITY . features: both turn
# exactly with the image (rotation-equivariant), so a known roll can be removed and rotating a
# photo by a changes the lean by a.


def _len2(px: Points, a: int, b: int) -> np.ndarray:
    pa, pb = px[a], px[b]
    return np.hypot(pb[0] - pa[0], pb[1] - pa[1])


def foot_sin_elevation(px: Points) -> np.ndarray:
    """``(T,)`` sine of the camera elevation at the feet, from the foot-length prior.

    Heel -> toe in the image is (L sin a, L cos a sin e) for a foot of length L turned by a
    from the camera direction; L = :data:`FOOT_PER_LEG` x the mean 2D thigh + shank length.
    Mean over both feet, clipped to [0.05, 1].
    """
    leg = 0.5 * (_len2(px, L.LEFT_HIP, L.LEFT_KNEE) + _len2(px, L.LEFT_KNEE, L.LEFT_ANKLE)
                 + _len2(px, L.RIGHT_HIP, L.RIGHT_KNEE) + _len2(px, L.RIGHT_KNEE, L.RIGHT_ANKLE))
    foot_len2 = (FOOT_PER_LEG * leg) ** 2
    total = 0.0
    for heel, toe in ((L.LEFT_HEEL, L.LEFT_FOOT_INDEX), (L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX)):
        h, t = px[heel], px[toe]
        dx, dy = t[0] - h[0], t[1] - h[1]
        total = total + dy / np.sqrt(np.maximum(foot_len2 - dx * dx, 1e-6))
    return np.clip(0.5 * total, _MIN_SIN_E, 1.0)


def perspective_tilt_deg(y_px: np.ndarray, yaw_deg: np.ndarray, pitch_deg: float | np.ndarray,
                         frame_height: int) -> np.ndarray:
    """``(T,)`` tilt (degrees, + = the subject's right end higher) that perspective alone gives
    a level left-right body line whose middle is at image row ``y_px`` (roll-corrected).

    A horizontal line turned by the subject's yaw away from the image plane has one end nearer
    the camera; below eye level the nearer end shows lower, above eye level higher:
    ``tilt = -atan(tan(yaw') tan(depression))`` with yaw' the turn from facing the camera (or
    facing away) signed + when the subject's right side is nearer (``sin(yaw) / |cos(yaw)|``,
    :func:`~posture_check.measures.body_frame.subject_yaw_deg`), and the depression of the
    line's middle below the horizon = camera pitch + its angle below the optical axis (focal
    length from :data:`ASSUMED_VFOV_DEG`). At 20 deg of turn a line 15 deg below eye level tilts
    by 5.6 deg: the hip line and the shoulder line (above or below eye level) tilt oppositely.
    """
    f_px = 0.5 * frame_height / np.tan(np.radians(ASSUMED_VFOV_DEG) / 2)
    turn = np.tan(np.radians(turn_deg(yaw_deg)))
    depression = np.radians(pitch_deg) + np.arctan((y_px - 0.5 * frame_height) / f_px)
    return -np.degrees(np.arctan(turn * np.tan(depression)))


def turn_deg(yaw_deg: np.ndarray) -> np.ndarray:
    """``(T,)`` signed turn of the body from facing the camera *or facing away* (degrees, + =
    the subject's right side nearer the camera; ``atan(sin(yaw) / |cos(yaw)|)``, capped at
    +-63 deg near side views), from :func:`~posture_check.measures.body_frame.subject_yaw_deg`.
    Mirror-odd, like the measures it corrects."""
    yaw = np.radians(np.asarray(yaw_deg, dtype=np.float64))
    return np.degrees(np.arctan(np.sin(yaw) / np.maximum(np.abs(np.cos(yaw)), 0.5)))


def features(
    px: Points, world: Points, frame_size: tuple[int, int], *,
    sin_elevation: float | np.ndarray | None = None,
    pitch_deg: float | np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """``(T,)`` features from roll-corrected pixels and world landmarks (column layout).

    Left/right differences are right minus left (lengths) or right-end-higher (tilts); the
    lateral image direction follows the hips, so front and back views are both handled.
    ``shoulder_level`` is the shoulder line with the perspective tilt of a turned body removed
    (:func:`perspective_tilt_deg`, with the subject yaw from the world landmarks and
    ``pitch_deg``, the camera elevation: None = per frame from the world landmarks).
    ``sin_elevation`` overrides the per-frame feet elevation (e.g. a recording-wide median).
    """
    w_px, h_px = frame_size
    f_px = 0.5 * h_px / np.tan(np.radians(ASSUMED_VFOV_DEG) / 2)

    # image direction of the subject's right: sign of the hips' x difference
    r2 = np.sign(px[L.RIGHT_HIP][0] - px[L.LEFT_HIP][0])
    r2[r2 == 0] = -1.0
    seg: dict[tuple[int, int], np.ndarray] = {}

    def seglen(a: int, b: int) -> np.ndarray:  # 2D segment lengths, each computed once
        if (a, b) not in seg:
            seg[a, b] = _len2(px, a, b)
        return seg[a, b]

    trunk = seglen(L.LEFT_SHOULDER, L.LEFT_HIP) + seglen(L.RIGHT_SHOULDER, L.RIGHT_HIP)
    inv_tl = np.divide(100.0, trunk, out=np.full_like(trunk, np.nan), where=trunk > 2.0)

    def tilt(a: int, b: int) -> np.ndarray:  # left -> right line from horizontal, + = right higher
        pa, pb = px[a], px[b]
        return atan2_deg(pa[1] - pb[1], (pb[0] - pa[0]) * r2)

    def lendiff(la: int, lb: int, ra: int, rb: int) -> np.ndarray:  # right minus left
        return (seglen(ra, rb) - seglen(la, lb)) * inv_tl

    mh = vmid(px[L.LEFT_HIP], px[L.RIGHT_HIP])
    ms = vmid(px[L.LEFT_SHOULDER], px[L.RIGHT_SHOULDER])
    lean2d = atan2_deg((ms[0] - mh[0]) * r2, mh[1] - ms[1])
    hip, knee = tilt(L.LEFT_HIP, L.RIGHT_HIP), tilt(L.LEFT_KNEE, L.RIGHT_KNEE)
    sh, ank = tilt(L.LEFT_SHOULDER, L.RIGHT_SHOULDER), tilt(L.LEFT_ANKLE, L.RIGHT_ANKLE)
    # Angle features turn with the image (a roll or a true lean); the "rel_*" ones are angles
    # between body lines and the *_len ones length ratios, which do not.
    if pitch_deg is None:
        pitch_deg = np.nan_to_num(estimate_pitch_deg(world))
    yaw = subject_yaw_deg(world)
    persp = perspective_tilt_deg(0.5 * (px[L.LEFT_SHOULDER][1] + px[L.RIGHT_SHOULDER][1]),
                                 yaw, pitch_deg, h_px)
    F: dict[str, np.ndarray] = {
        "lean2d": lean2d, "hip2d": hip, "shoulder2d": sh, "shoulder_level": sh - persp,
        "turn": turn_deg(yaw),
        "rel_lean_hip": lean2d + hip, "rel_lean_shoulder": lean2d + sh,
        "rel_shoulder_hip": sh - hip, "rel_knee_hip": knee - hip, "rel_ankle_hip": ank - hip,
        "thigh_len": lendiff(L.LEFT_HIP, L.LEFT_KNEE, L.RIGHT_HIP, L.RIGHT_KNEE),
        "shank_len": lendiff(L.LEFT_KNEE, L.LEFT_ANKLE, L.RIGHT_KNEE, L.RIGHT_ANKLE),
        "side_len": lendiff(L.LEFT_HIP, L.LEFT_SHOULDER, L.RIGHT_HIP, L.RIGHT_SHOULDER),
    }
    n = len(px)
    if sin_elevation is None:
        sin_e = foot_sin_elevation(px)
    else:
        sin_e = np.broadcast_to(np.clip(np.asarray(sin_elevation, float), _MIN_SIN_E, 1.0), (n,))
    F["sin_elevation"] = sin_e
    inv_sin = 1.0 / sin_e
    for side, heel, toe, sg in (("left", L.LEFT_HEEL, L.LEFT_FOOT_INDEX, -1.0),
                                ("right", L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX, 1.0)):
        h, t = px[heel], px[toe]
        th = atan2_deg((t[0] - h[0]) * r2, (t[1] - h[1]) * inv_sin)  # + = toward subject's right
        ray = np.degrees(np.arctan((0.5 * (h[0] + t[0]) - w_px / 2) / f_px))
        F[f"cam_{side}"] = sg * (th - r2 * ray)                        # outward vs camera direction

    def floor_yaw(a: int, b: int) -> np.ndarray:  # + = the right point is nearer the camera
        pa, pb = px[a], px[b]
        return atan2_deg((pb[1] - pa[1]) * inv_sin, (pb[0] - pa[0]) * r2)

    F["yaw_ankle"] = floor_yaw(L.LEFT_ANKLE, L.RIGHT_ANKLE)
    F["yaw_toe"] = floor_yaw(L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX)
    F["yaw_heel"] = floor_yaw(L.LEFT_HEEL, L.RIGHT_HEEL)

    def world_yaw(a: int, b: int) -> np.ndarray:  # + = the right point is nearer the camera
        wa, wb = world[a], world[b]
        return atan2_deg(wa[2] - wb[2], wa[0] - wb[0])

    for name, lft, rgt in (("hip", L.LEFT_HIP, L.RIGHT_HIP),
                           ("shoulder", L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
                           ("knee", L.LEFT_KNEE, L.RIGHT_KNEE),
                           ("ankle", L.LEFT_ANKLE, L.RIGHT_ANKLE),
                           ("heel", L.LEFT_HEEL, L.RIGHT_HEEL),
                           ("toe", L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX)):
        F[f"wyaw_{name}"] = world_yaw(lft, rgt)
    F["wyaw_heel_vs_ankle"] = F.pop("wyaw_heel") - F["wyaw_ankle"]
    # Per foot, 2D offsets over the 2D shank length (x100), outward / down positive: toe and
    # heel sideways from the ankle, toe below the ankle, knee sideways from the hip-ankle midpoint.
    for side, hip, knee, ankle, heel, toe, sg in (
            ("left", L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX, -1.0),
            ("right", L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX,
             1.0)):
        a = px[ankle]
        shank = seglen(knee, ankle)
        inv = np.divide(100.0, shank, out=np.full_like(shank, np.nan), where=shank > 1.0)
        out = sg * r2 * inv
        F[f"toe_x_{side}"] = (px[toe][0] - a[0]) * out
        F[f"heel_x_{side}"] = (px[heel][0] - a[0]) * out
        F[f"toe_y_{side}"] = (px[toe][1] - a[1]) * inv
        F[f"knee_x_{side}"] = (px[knee][0] - 0.5 * (px[hip][0] + a[0])) * out
    return F


_PER_FOOT = ("toe_x", "heel_x", "toe_y", "knee_x")


def turnout_design(F: dict[str, np.ndarray], part: str) -> dict[str, np.ndarray]:
    """Design columns of the turn-out model ``part``: ``"sum"`` (right + left) or ``"diff"``
    (right - left).

    Mirroring the image swaps the feet and flips the sign of every yaw and left/right feature,
    so the sum model uses only mirror-even columns (per-foot sums, an intercept) and the
    difference model only mirror-odd ones (per-foot differences, yaws, tilts; no intercept):
    the estimator is exactly mirror-antisymmetric.
    """
    cl, cr = F["cam_left"], F["cam_right"]
    if part == "sum":
        cols = {"cam": cr + cl, "cam_sq": (cr * cr + cl * cl) / 40.0}
        cols.update({k: F[f"{k}_right"] + F[f"{k}_left"] for k in _PER_FOOT})
        cols["one"] = np.ones_like(cl)
        return cols
    if part != "diff":
        raise ValueError(f"part must be 'sum' or 'diff', got {part!r}")
    cols = {"cam": cr - cl, "cam_sq": (cr * cr - cl * cl) / 40.0}
    cols.update({k: F[f"{k}_right"] - F[f"{k}_left"] for k in _PER_FOOT})
    cols.update({k: F[k] for k in _DIFF_ODD})
    return cols


_DIFF_ODD = ("yaw_ankle", "yaw_toe", "yaw_heel", "wyaw_hip", "wyaw_shoulder", "wyaw_knee",
             "wyaw_ankle", "wyaw_heel_vs_ankle", "wyaw_toe", "lean2d", "rel_lean_hip",
             "rel_knee_hip", "rel_ankle_hip", "thigh_len", "shank_len")


def world_turnout_diff(world: Points) -> np.ndarray:
    """``(T,)`` right-minus-left turn-out read plainly from MediaPipe's world landmarks (the
    naive asymmetry: feet vs the world hip line, y up)."""
    frame = body_axes(world, (0.0, -1.0, 0.0))
    return foot_turnout(world, frame, "right") - foot_turnout(world, frame, "left")


def turnout(F: dict[str, np.ndarray], naive_diff: np.ndarray | None = None
            ) -> tuple[np.ndarray, np.ndarray]:
    """``(left, right)`` calibrated foot turn-out from :func:`features` (degrees, + = out).

    ``naive_diff``: the plain world-landmark asymmetry (:func:`world_turnout_diff`); the
    asymmetry used is then :data:`TURNOUT_DIFF_WEIGHT` x the fitted one plus the rest x the
    naive one (module docstring: a shrinkage chosen out of family).
    """
    s = _linear(turnout_design(F, "sum"), COEF_TURNOUT_SUM)
    d = _linear(turnout_design(F, "diff"), COEF_TURNOUT_DIFF)
    if naive_diff is not None:
        d = TURNOUT_DIFF_WEIGHT * d + (1.0 - TURNOUT_DIFF_WEIGHT) * naive_diff
    return 0.5 * (s - d), 0.5 * (s + d)


def _linear(cols: dict[str, np.ndarray], coef: dict[str, float]) -> np.ndarray:
    return sum(coef[k] * cols[k] for k in coef)


def apply(values: dict[str, np.ndarray], px: Points, world: Points,
          frame_size: tuple[int, int], *, sin_elevation: float | np.ndarray | None = None,
          pitch_deg: float | np.ndarray | None = None,
          flip_averaged: bool | np.ndarray = False) -> dict[str, np.ndarray]:
    """Replace lean, obliquity, shoulder tilt and turn-out in ``values`` by the calibrated ones.

    ``sin_elevation``: the feet elevation to use (the caller pools it over a recording, see
    :func:`foot_sin_elevation`); None = per-frame estimates. ``pitch_deg``: the camera
    elevation (:func:`features`). ``flip_averaged``: the landmarks are flip-averaged, so the
    obliquity uses :data:`COEF_OBLIQUITY` (with the body's turn), else
    :data:`COEF_OBLIQUITY_PLAIN`; one bool, or ``(T,)`` chosen per frame.
    """
    F = features(px, world, frame_size, sin_elevation=sin_elevation, pitch_deg=pitch_deg)
    out = dict(values)
    out["lateral_lean"] = F["lean2d"] + _linear(F, COEF_LEAN)
    # per frame: flip-averaged landmarks use the model with the body's turn (+ the extra turn
    # term), the others the plain model (docstring)
    flip = np.asarray(flip_averaged, dtype=bool)
    with_turn = _linear(F, COEF_OBLIQUITY) + OBLIQUITY_TURN_EXTRA * F["turn"]
    out["pelvic_obliquity"] = F["hip2d"] + np.where(flip, with_turn,
                                                    _linear(F, COEF_OBLIQUITY_PLAIN))
    out["shoulder_tilt"] = F["shoulder_level"]  # geometry only, no fitted term (docstring)
    out["foot_turnout_left"], out["foot_turnout_right"] = turnout(F, world_turnout_diff(world))
    return out


def fit_coefficients(F: dict[str, np.ndarray], truth: dict[str, np.ndarray]
                     ) -> dict[str, dict[str, float]]:
    """Least-squares coefficients of the three models from features and truth (``(N,)`` each)."""
    def lstsq(cols: dict[str, np.ndarray], y: np.ndarray) -> dict[str, float]:
        names = list(cols)
        X = np.column_stack([cols[n] for n in names])
        ok = np.isfinite(X).all(axis=1) & np.isfinite(y)
        c, *_ = np.linalg.lstsq(X[ok], y[ok], rcond=None)
        return {n: round(float(v), 4) for n, v in zip(names, c, strict=True)}

    lean = lstsq({k: F[k] for k in COEF_LEAN}, truth["lateral_lean"] - F["lean2d"])
    obl = lstsq({k: F[k] for k in COEF_OBLIQUITY}, truth["pelvic_obliquity"] - F["hip2d"])
    obl_plain = lstsq({k: F[k] for k in COEF_OBLIQUITY_PLAIN},
                      truth["pelvic_obliquity"] - F["hip2d"])
    tl, tr = truth["foot_turnout_left"], truth["foot_turnout_right"]
    return {"COEF_LEAN": lean, "COEF_OBLIQUITY": obl, "COEF_OBLIQUITY_PLAIN": obl_plain,
            "COEF_TURNOUT_SUM": lstsq(turnout_design(F, "sum"), tr + tl),
            "COEF_TURNOUT_DIFF": lstsq(turnout_design(F, "diff"), tr - tl)}
