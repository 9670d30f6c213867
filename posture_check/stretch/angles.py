"""Sagittal joint angles from a :class:`~posture_check.series.PoseSeries`, vectorized over frames.

Definitions follow ``definitions.md`` (degrees, the subject's own left/right):

* ``trunk_flexion`` = atan2(t.F, t.U), t = mid_shoulder - mid_hip; positive = leaning forward.
* ``hip_flexion_{left,right}``: signed angle from the downward trunk line (mid_shoulder -> mid_hip)
  to the thigh (hip -> knee), both projected on the sagittal plane (U, F); positive = knee forward.
* ``knee_flexion_{left,right}`` = 180 - angle(hip, knee, ankle); 0 = straight knee.

Two ways to get the frame (U, F):

* ``"world"``: MediaPipe world landmarks (metres, y down). U = -y, R = horizontal projection of
  left_hip -> right_hip, F = U x R. Right for front/oblique views; in a pure side view the hip line
  lies along the camera axis, where MediaPipe's depth is weakest, so F becomes noisy.
* ``"image"``: pixel coordinates (:meth:`PoseSeries.image_px`). In a side view the image plane *is*
  the sagittal plane: U = image up, F = the image x direction the person faces (from nose vs ears
  and toes vs heels, one sign per series: people do not turn round mid-stretch). Knee flexion is
  then the 2D angle in the image, which is what a side view shows.

``method="auto"`` picks ``"image"`` when the series looks like a side view (hip width in the image
small against torso length) and ``"world"`` otherwise. These are small private helpers; the
measures package (``posture_check.measures``) may offer the same definitions later.
"""

from __future__ import annotations

import numpy as np

from ..landmarks import Landmark as L
from ..series import PoseSeries
from .catalogue import ANGLE_NAMES

SIDE_VIEW_MAX_HIP_RATIO = 0.30  # hip width / torso length below this = side view


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return np.divide(v, n, out=np.full_like(v, np.nan), where=n > 1e-12)


def _deg_atan2(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    return np.degrees(np.arctan2(y, x))


def _image_points(series: PoseSeries) -> np.ndarray:
    """``(T, 33, 3)`` pixel x, y and z = 0 (y down)."""
    px = series.image_px()
    return np.concatenate([px, np.zeros((*px.shape[:-1], 1))], axis=-1)


def hip_width_ratio(series: PoseSeries) -> float:
    """Median over frames of image hip width / image torso length (0 = pure side view)."""
    px = series.image_px()
    hip_w = np.abs(px[:, L.RIGHT_HIP, 0] - px[:, L.LEFT_HIP, 0])
    mid_hip = px[:, [L.LEFT_HIP, L.RIGHT_HIP]].mean(axis=1)
    mid_sh = px[:, [L.LEFT_SHOULDER, L.RIGHT_SHOULDER]].mean(axis=1)
    torso = np.linalg.norm(mid_sh - mid_hip, axis=-1)
    ratio = np.divide(hip_w, torso, out=np.full_like(hip_w, np.nan), where=torso > 1e-6)
    return float(np.nanmedian(ratio)) if np.isfinite(ratio).any() else float("nan")


def is_side_view(series: PoseSeries) -> bool:
    """True when the hips overlap in the image (camera at the subject's side)."""
    r = hip_width_ratio(series)
    return bool(np.isfinite(r) and r < SIDE_VIEW_MAX_HIP_RATIO)


def image_facing_sign(series: PoseSeries) -> float:
    """+1 if the person faces image +x (right), -1 if image -x, NaN if undecidable."""
    px = series.image_px()
    ears = px[:, [L.LEFT_EAR, L.RIGHT_EAR], 0].mean(axis=1)
    head = px[:, L.NOSE, 0] - ears
    feet = (px[:, [L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX], 0]
            - px[:, [L.LEFT_HEEL, L.RIGHT_HEEL], 0]).mean(axis=1)
    cue = np.nanmedian(np.concatenate([np.sign(head), np.sign(feet)])) if len(px) else np.nan
    if not np.isfinite(cue) or cue == 0:
        cue = np.nansum(head) + np.nansum(feet)
    return float(np.sign(cue)) if np.isfinite(cue) and cue != 0 else float("nan")


def _frame(series: PoseSeries, method: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points ``(T,33,3)``, up ``(T,3)`` and forward ``(T,3)`` for ``method``."""
    n = len(series)
    up = np.tile(np.array([0.0, -1.0, 0.0]), (n, 1))
    if method == "image":
        pts = _image_points(series)
        sign = image_facing_sign(series)
        fwd = np.tile(np.array([sign, 0.0, 0.0]), (n, 1))
        return pts, up, fwd
    if method == "world":
        pts = series.world.astype(np.float64)
        hips = pts[:, L.RIGHT_HIP] - pts[:, L.LEFT_HIP]
        hips = hips - (hips * up).sum(-1, keepdims=True) * up
        right = _unit(hips)
        fwd = np.cross(up, right)
        return pts, up, fwd
    raise ValueError(f"method must be 'auto', 'image' or 'world', got {method!r}")


def resolve_method(series: PoseSeries, method: str = "auto") -> str:
    if method == "auto":
        return "image" if is_side_view(series) else "world"
    return method


def compute_angles(series: PoseSeries, method: str = "auto") -> dict[str, np.ndarray]:
    """All angles of :data:`~posture_check.stretch.catalogue.ANGLE_NAMES` as ``(T,)`` degrees."""
    method = resolve_method(series, method)
    pts, up, fwd = _frame(series, method)
    mid_hip = pts[:, [L.LEFT_HIP, L.RIGHT_HIP]].mean(axis=1)
    mid_sh = pts[:, [L.LEFT_SHOULDER, L.RIGHT_SHOULDER]].mean(axis=1)
    trunk = mid_sh - mid_hip

    def fu(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (v * fwd).sum(-1), (v * up).sum(-1)

    t_f, t_u = fu(trunk)
    out = {"trunk_flexion": _deg_atan2(t_f, t_u)}
    d_f, d_u = -t_f, -t_u  # downward trunk line
    for side, hip, knee, ankle in (("left", L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE),
                                   ("right", L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE)):
        th_f, th_u = fu(pts[:, knee] - pts[:, hip])
        out[f"hip_flexion_{side}"] = _deg_atan2(d_f * th_u - d_u * th_f, d_f * th_f + d_u * th_u)
        a = pts[:, hip] - pts[:, knee]
        b = pts[:, ankle] - pts[:, knee]
        inner = _deg_atan2(np.linalg.norm(np.cross(a, b), axis=-1), (a * b).sum(-1))
        out[f"knee_flexion_{side}"] = 180.0 - inner
    assert set(out) == set(ANGLE_NAMES)
    return out


def angle_series(series: PoseSeries, name: str, method: str = "auto") -> np.ndarray:
    """One named angle, ``(T,)`` degrees (NaN where no person)."""
    if name not in ANGLE_NAMES:
        raise ValueError(f"unknown angle {name!r}; expected one of {', '.join(ANGLE_NAMES)}")
    return compute_angles(series, method)[name]


def lifted_ankle_side(series: PoseSeries, min_shank_fraction: float = 0.3) -> np.ndarray:
    """``(T,)`` per frame: +1 left ankle clearly higher, -1 right ankle higher, 0 neither/NaN.

    Used for figure-four stretches, where the crossed leg's ankle rests on the opposite knee.
    "Clearly" = by more than ``min_shank_fraction`` of the mean image shank length.
    """
    px = series.image_px()
    la, ra = px[:, L.LEFT_ANKLE], px[:, L.RIGHT_ANKLE]
    shank = 0.5 * (np.linalg.norm(px[:, L.LEFT_KNEE] - la, axis=-1)
                   + np.linalg.norm(px[:, L.RIGHT_KNEE] - ra, axis=-1))
    lift = ra[:, 1] - la[:, 1]  # image y is down: positive = left ankle higher
    thr = min_shank_fraction * shank
    out = np.zeros(len(series), dtype=np.int8)
    ok = np.isfinite(lift) & np.isfinite(thr)
    out[ok & (lift > thr)] = 1
    out[ok & (lift < -thr)] = -1
    return out
