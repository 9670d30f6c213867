"""The body's reference frame (up U, lateral R, forward F) estimated from landmarks.

Coordinates used by the measures ("hybrid" points, metres, camera-aligned, right-handed):
x toward the image right, y toward the image bottom, z away from the camera, origin at the
mid-hip. x and y come from the **2D image landmarks in pixels** (MediaPipe's 2D landmarks are
its most accurate output), rotated to undo the camera roll and scaled to metres with the
per-frame ratio of world to image segment lengths; z is MediaPipe's world depth (its only
depth estimate). Frontal angles stay as accurate as plain 2D geometry while yaw and the
sagittal measures get the depth they need.

Axes (``definitions.md``): U is the floor normal, R the horizontal unit vector from the left to
the right hip joint, F = U x R the way the pelvis faces. In hybrid coordinates a level camera
has U = (0, -1, 0); a camera looking down on the subject by ``pitch_deg`` (camera elevation)
has U = (0, -cos p, -sin p) (the head is nearer the camera than the feet).

Camera roll convention: ``roll_deg`` > 0 means the camera is rolled so that a true vertical
appears rotated counter-clockwise on screen; we rotate the image points clockwise to undo it.
(The renderer's ``Camera.roll_deg`` is the opposite sign: pass ``-camera.roll_deg``.)

Functions take column-layout data (:mod:`posture_check.measures.columns`); the ``*_deg`` /
``stature_m`` helpers also accept ``(T, 33, 3)`` world arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posture_check.measures.columns import (
    Points,
    Vec,
    gather,
    vcross,
    vdot,
    vnorm,
    vscale,
    vsub,
    vunit,
)
from posture_check.measures.geometry import atan2_deg
from posture_check.pose.landmarks import Landmark as L

__all__ = [
    "SCALE_SEGMENTS",
    "BodyFrame",
    "HybridBlock",
    "body_axes",
    "estimate_pitch_deg",
    "hybrid_block",
    "stature_m",
    "subject_yaw_deg",
]

# Segments whose world length and image length give the metres-per-pixel scale.
SCALE_SEGMENTS: tuple[tuple[int, int], ...] = (
    (L.LEFT_SHOULDER, L.LEFT_HIP), (L.RIGHT_SHOULDER, L.RIGHT_HIP),
    (L.LEFT_HIP, L.LEFT_KNEE), (L.RIGHT_HIP, L.RIGHT_KNEE),
    (L.LEFT_KNEE, L.LEFT_ANKLE), (L.RIGHT_KNEE, L.RIGHT_ANKLE),
    (L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
)

# Stature from the chain ankle -> knee -> hip -> shoulder (Drillis & Contini 1966 segment
# proportions: shank 0.246 H, thigh 0.245 H, hip-to-shoulder 0.288 H; sum 0.779 H).
_CHAIN_FRACTION_OF_STATURE = 0.779


@dataclass(frozen=True)
class BodyFrame:
    """Per-frame reference frame: ``U``, ``R``, ``F`` unit 3-vectors (NaN where unknown)."""

    U: Vec
    R: Vec
    F: Vec


@dataclass(frozen=True)
class HybridBlock:
    """One block of frames in column layout.

    ``px``: roll-corrected image pixels (x, y, 0); ``world``: MediaPipe world landmarks;
    ``hybrid``: the hybrid points (module docstring); ``metres_per_px``: ``(T,)``.
    """

    px: Points
    world: Points
    hybrid: Points
    metres_per_px: np.ndarray


def _median_rows(r: np.ndarray) -> np.ndarray:
    """Median over axis 0 of a small ``(k, T)`` array, ignoring NaN (all NaN -> NaN)."""
    bad = np.isnan(r)
    if not bad.any():
        k = r.shape[0]
        if k % 2:  # odd count: the middle order statistic (partition is ~3x faster than median)
            return np.partition(r, k // 2, axis=0)[k // 2]
        return np.median(r, axis=0)
    out = np.full(r.shape[1], np.nan)
    good_cols = ~bad.all(axis=0)
    if good_cols.any():
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            out[good_cols] = np.nanmedian(r[:, good_cols], axis=0)
    return out


def hybrid_block(image: np.ndarray, world: np.ndarray, frame_size: tuple[int, int],
                 roll_deg: float | np.ndarray = 0.0) -> HybridBlock:
    """Column-layout pixels, world and hybrid points of ``(T, 33, 3)`` image/world arrays.

    ``roll_deg``: the camera roll to undo, one value or ``(T,)`` (NaN = 0).
    """
    w_px, h_px = frame_size
    pc = gather(image, 2)
    pc[:, 0] *= w_px
    pc[:, 1] *= h_px
    roll = np.nan_to_num(np.asarray(roll_deg, dtype=np.float64))
    if np.any(roll):
        a = np.radians(roll)
        c, s = np.cos(a), np.sin(a)
        x, y = pc[:, 0] - w_px / 2.0, pc[:, 1] - h_px / 2.0
        # undo a counter-clockwise (on screen, y down) roll: rotate clockwise by roll
        pc = np.stack([x * c - y * s + w_px / 2.0, x * s + y * c + h_px / 2.0],
                      axis=1).astype(pc.dtype)
    wc = gather(world, 3)
    n = pc.shape[-1]
    px_cols = np.concatenate([pc, np.zeros((pc.shape[0], 1, n), pc.dtype)], axis=1)
    px = Points(px_cols)
    wp = Points(wc)
    ratios = np.empty((len(SCALE_SEGMENTS), n))
    for k, (lm_a, lm_b) in enumerate(SCALE_SEGMENTS):
        pa, pb, wa, wb = px[lm_a], px[lm_b], wp[lm_a], wp[lm_b]
        lp = np.hypot(pb[0] - pa[0], pb[1] - pa[1])
        lw = np.hypot(wb[0] - wa[0], wb[1] - wa[1])
        ratios[k] = np.divide(lw, lp, out=np.full(n, np.nan), where=lp > 1.0)
    s = _median_rows(ratios)
    lh, rh = px[L.LEFT_HIP], px[L.RIGHT_HIP]
    mx, my = 0.5 * (lh[0] + rh[0]), 0.5 * (lh[1] + rh[1])
    hyb = np.empty_like(px_cols)
    hyb[:, 0] = (px_cols[:, 0] - mx) * s
    hyb[:, 1] = (px_cols[:, 1] - my) * s
    hyb[:, 2] = wc[:, 2]
    return HybridBlock(px, wp, Points(hyb), s)


def up_vector(pitch_deg: float | np.ndarray) -> Vec:
    """Floor normal in hybrid coordinates for a camera looking down by ``pitch_deg``."""
    p = np.radians(np.asarray(pitch_deg, dtype=np.float64))
    return (np.zeros_like(p), -np.cos(p), -np.sin(p))


def body_axes(points: Points, up: Vec) -> BodyFrame:
    """U, R, F from points and the up vector (definitions.md)."""
    U = vunit(up) if np.ndim(up[0]) else up
    h = vsub(points[L.RIGHT_HIP], points[L.LEFT_HIP])
    R = vunit(vsub(h, vscale(U, vdot(h, U))))
    F = vcross(U, R)
    return BodyFrame(U, R, F)


def _as_points(world: np.ndarray | Points) -> Points:
    return world if isinstance(world, Points) else Points(gather(np.asarray(world), 3))


def stature_m(world: np.ndarray | Points) -> np.ndarray:
    """``(T,)`` stature from MediaPipe's world skeleton (metres, MediaPipe's scale)."""
    w = _as_points(world)

    def seg(i: int, j: int) -> np.ndarray:
        return vnorm(vsub(w[i], w[j]))

    left = seg(L.LEFT_ANKLE, L.LEFT_KNEE) + seg(L.LEFT_KNEE, L.LEFT_HIP)
    right = seg(L.RIGHT_ANKLE, L.RIGHT_KNEE) + seg(L.RIGHT_KNEE, L.RIGHT_HIP)
    trunk = 0.5 * (seg(L.LEFT_HIP, L.LEFT_SHOULDER) + seg(L.RIGHT_HIP, L.RIGHT_SHOULDER))
    return (np.fmax(left, right) + trunk) / _CHAIN_FRACTION_OF_STATURE


def subject_yaw_deg(world: np.ndarray | Points) -> np.ndarray:
    """``(T,)`` which side of the subject the camera sees, degrees in (-180, 180].

    0 = the subject faces the camera, +90 = the camera sees their right flank, 180 = their
    back. From MediaPipe's world hips and shoulders (sum of both left -> right lines), level
    camera assumed (views are coarse bins).
    """
    w = _as_points(world)
    hx = w[L.RIGHT_HIP][0] - w[L.LEFT_HIP][0] + w[L.RIGHT_SHOULDER][0] - w[L.LEFT_SHOULDER][0]
    hz = w[L.RIGHT_HIP][2] - w[L.LEFT_HIP][2] + w[L.RIGHT_SHOULDER][2] - w[L.LEFT_SHOULDER][2]
    # toward the camera is -z: R.c = -R_z; with U = -y, F = U x R has F.c = -R_x
    return atan2_deg(-hz, -hx)


def estimate_pitch_deg(world: np.ndarray | Points) -> np.ndarray:
    """``(T,)`` camera elevation (degrees, > 0 = camera looks down on the subject).

    From MediaPipe's camera-aligned world skeleton: seen from above, a standing body has its
    shoulders nearer the camera than its ankles; pitch = atan2(-dz, -dy) of the mid-ankle ->
    mid-shoulder line. A rough estimate (it also contains the person's own sagittal sway);
    :func:`compute_measures` uses the median over a recording.
    """
    w = _as_points(world)
    la, ra, ls, rs = w[L.LEFT_ANKLE], w[L.RIGHT_ANKLE], w[L.LEFT_SHOULDER], w[L.RIGHT_SHOULDER]
    dy = 0.5 * (ls[1] + rs[1] - la[1] - ra[1])
    dz = 0.5 * (ls[2] + rs[2] - la[2] - ra[2])
    return atan2_deg(-dz, -dy)
