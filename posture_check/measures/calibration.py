"""Empirical estimators for lean, pelvic obliquity and foot turn-out, fitted on rendered people.

Why: on renders with exact truth (posture_check.synth, MakeHuman body, MediaPipe full model),
the textbook readings fail in known ways. MediaPipe's 2D hip line follows the *lean* (its
correlation with the true lean is -0.98) and carries only ~16% of the true obliquity; its 3D
world depth of the feet is biased by 5-12 deg of turn-out and its pelvis yaw is off by ~6 deg
(correlated with lean and with leg rotation). The 2D image landmarks of the feet, knees and
ankles are good. So:

* ``foot_turnout``: each foot's 2D heel -> toe vector is lifted onto the floor with a camera
  elevation at the feet estimated from the feet themselves (foot length prior: heel-to-toe =
  :data:`FOOT_PER_LEG` x the 2D thigh+shank length; ``dy = L cos(a) sin(e)``, pooled over both
  feet, and over the recording for a video), corrected for the horizontal ray angle
  (:data:`ASSUMED_VFOV_DEG`). That gives each foot's angle to the camera direction; the angle
  to the *pelvis* direction needs the pelvis yaw, estimated from the ankle, toe and heel lines
  on the floor and MediaPipe's world hips/shoulders/knees. A linear model combines them,
  with the rotation-invariant body-line features below (they soak up part of MediaPipe's
  lean- and obliquity-dependent yaw error). The pelvis yaw is the limit: its error enters the
  two feet with opposite signs, so the left-right *asymmetry* is about twice as uncertain as
  either foot.
* ``pelvic_obliquity``: the 2D hip line plus a linear correction from rotation-invariant 2D
  features: angles between body lines (trunk vs hips, shoulders vs hips, knees vs hips, ankles
  vs hips) and left-minus-right image lengths of thigh, shank and flank over the trunk length.
  No intercept, so mirroring flips its sign; rotating the image turns it by the same angle.
* ``lateral_lean``: the 2D trunk angle plus the same kind of correction.

Fit / validation protocol (``posture-check bench accuracy --fit``): coefficients are least
squares on one random grid of renders (seed 1, 400 renders: turn-out 0-40 per side, lean
-12..12, obliquity -8..8, camera yaw -20..20, height 0.8-1.6 m, distance 2.6-3.6 m, shapes
"default" and "female", one still frame each, IMAGE mode) and validated on another (seed 2,
300 renders). The benchmark reports the validation figures. Limits, said plainly: the renderer
makes obliquity by bending the low side's knee, and the obliquity model uses the knee and
thigh geometry that this produces; an obliquity from a leg-length difference with straight
knees is outside its training data. The turn-out model assumes both feet flat on the floor,
side by side (neither foot stepped forward), as in a "stand straight" check.
"""

from __future__ import annotations

import numpy as np

from ..landmarks import Landmark as L
from .columns import Points, vmid
from .geometry import atan2_deg

__all__ = [
    "ASSUMED_VFOV_DEG",
    "COEF_LEAN",
    "COEF_OBLIQUITY",
    "COEF_TURNOUT",
    "FOOT_PER_LEG",
    "apply",
    "features",
    "fit_coefficients",
    "foot_sin_elevation",
    "turnout_design",
]

ASSUMED_VFOV_DEG = 50.0
FOOT_PER_LEG = 0.28
_MIN_SIN_E = 0.05

# Fitted coefficients (see the module docstring; refit with `posture-check bench accuracy --fit`).
COEF_LEAN: dict[str, float] = {"rel_lean_hip": -0.353, "rel_lean_shoulder": -0.144,
                               "rel_knee_hip": 0.239, "thigh_len": 0.54, "shank_len": -0.156}
COEF_OBLIQUITY: dict[str, float] = {"rel_lean_hip": 0.908, "rel_shoulder_hip": 2.671,
                                    "rel_knee_hip": 0.881, "rel_ankle_hip": -1.455,
                                    "thigh_len": -2.051, "shank_len": -3.217, "side_len": -6.121}
COEF_TURNOUT: dict[str, float] = {"own": 1.3816, "other": -0.2745, "yaw_world": 0.4052,
                                  "yaw_ankle": 0.0287, "yaw_toe": 0.8109, "yaw_heel": -0.1774,
                                  "lean2d": 0.2161, "rel_lean_hip": 0.9532,
                                  "rel_knee_hip": -0.6764, "rel_ankle_hip": -1.0121,
                                  "thigh_len": -2.3269, "shank_len": -0.525, "one": -1.1024}
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


def features(
    px: Points, world: Points, frame_size: tuple[int, int], *,
    sin_elevation: float | np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """``(T,)`` features from roll-corrected pixels and world landmarks (column layout).

    Left/right differences are right minus left (lengths) or right-end-higher (tilts); the
    lateral image direction follows the hips, so front and back views are both handled.
    ``sin_elevation`` overrides the per-frame feet elevation (e.g. a recording-wide median).
    """
    w_px, h_px = frame_size
    f_px = 0.5 * h_px / np.tan(np.radians(ASSUMED_VFOV_DEG) / 2)
    # image direction of the subject's right: sign of the hips' x difference
    r2 = np.sign(px[L.RIGHT_HIP][0] - px[L.LEFT_HIP][0])
    r2[r2 == 0] = -1.0
    trunk = _len2(px, L.LEFT_SHOULDER, L.LEFT_HIP) + _len2(px, L.RIGHT_SHOULDER, L.RIGHT_HIP)
    inv_tl = np.divide(100.0, trunk, out=np.full_like(trunk, np.nan), where=trunk > 2.0)

    def tilt(a: int, b: int) -> np.ndarray:  # left -> right line from horizontal, + = right higher
        pa, pb = px[a], px[b]
        return atan2_deg(pa[1] - pb[1], (pb[0] - pa[0]) * r2)

    def lendiff(la: int, lb: int, ra: int, rb: int) -> np.ndarray:  # right minus left
        return (_len2(px, ra, rb) - _len2(px, la, lb)) * inv_tl

    mh = vmid(px[L.LEFT_HIP], px[L.RIGHT_HIP])
    ms = vmid(px[L.LEFT_SHOULDER], px[L.RIGHT_SHOULDER])
    lean2d = atan2_deg((ms[0] - mh[0]) * r2, mh[1] - ms[1])
    hip, knee = tilt(L.LEFT_HIP, L.RIGHT_HIP), tilt(L.LEFT_KNEE, L.RIGHT_KNEE)
    sh, ank = tilt(L.LEFT_SHOULDER, L.RIGHT_SHOULDER), tilt(L.LEFT_ANKLE, L.RIGHT_ANKLE)
    # Angle features turn with the image (a roll or a true lean); the "rel_*" ones are angles
    # between body lines and the *_len ones length ratios, which do not.
    F: dict[str, np.ndarray] = {
        "lean2d": lean2d, "hip2d": hip, "shoulder2d": sh,
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
    lx = lz = 0.0
    for lft, rgt in ((L.LEFT_HIP, L.RIGHT_HIP), (L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
                     (L.LEFT_KNEE, L.RIGHT_KNEE)):
        lx = lx + world[rgt][0] - world[lft][0]
        lz = lz + world[rgt][2] - world[lft][2]
    F["yaw_world"] = atan2_deg(-lz, -lx)
    return F


def turnout_design(F: dict[str, np.ndarray], side: str) -> dict[str, np.ndarray]:
    """Design columns of the turn-out model for ``side``, mirrored so one model fits both."""
    sg = 1.0 if side == "right" else -1.0
    other = "left" if side == "right" else "right"
    return {"own": F[f"cam_{side}"], "other": F[f"cam_{other}"],
            "yaw_world": sg * F["yaw_world"], "yaw_ankle": sg * F["yaw_ankle"],
            "yaw_toe": sg * F["yaw_toe"], "yaw_heel": sg * F["yaw_heel"],
            "lean2d": sg * F["lean2d"], "rel_lean_hip": sg * F["rel_lean_hip"],
            "rel_knee_hip": sg * F["rel_knee_hip"], "rel_ankle_hip": sg * F["rel_ankle_hip"],
            "thigh_len": sg * F["thigh_len"], "shank_len": sg * F["shank_len"],
            "one": np.ones_like(F["lean2d"])}


def _linear(cols: dict[str, np.ndarray], coef: dict[str, float]) -> np.ndarray:
    return sum(coef[k] * cols[k] for k in coef)


def apply(values: dict[str, np.ndarray], px: Points, world: Points,
          frame_size: tuple[int, int], *, sin_elevation: float | np.ndarray | None = None
          ) -> dict[str, np.ndarray]:
    """Replace lean, obliquity, shoulder tilt and turn-out in ``values`` by the calibrated ones.

    ``sin_elevation``: the feet elevation to use (the caller pools it over a recording, see
    :func:`foot_sin_elevation`); None = per-frame estimates.
    """
    F = features(px, world, frame_size, sin_elevation=sin_elevation)
    out = dict(values)
    out["lateral_lean"] = F["lean2d"] + _linear(F, COEF_LEAN)
    out["pelvic_obliquity"] = F["hip2d"] + _linear(F, COEF_OBLIQUITY)
    out["shoulder_tilt"] = F["shoulder2d"]  # the plain 2D line is best (benchmark)
    for side in ("left", "right"):
        out[f"foot_turnout_{side}"] = _linear(turnout_design(F, side), COEF_TURNOUT)
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
    dl, dr = turnout_design(F, "left"), turnout_design(F, "right")
    both = {k: np.concatenate([dl[k], dr[k]]) for k in COEF_TURNOUT}
    turn = lstsq(both, np.concatenate([truth["foot_turnout_left"], truth["foot_turnout_right"]]))
    return {"COEF_LEAN": lean, "COEF_OBLIQUITY": obl, "COEF_TURNOUT": turn}
