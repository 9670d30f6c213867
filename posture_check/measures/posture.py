"""Posture measures from points and a body frame, vectorized over frames (definitions.md).

Every function takes ``points`` (:class:`~posture_check.measures.columns.Points`: any
right-handed metric coordinates, e.g. hybrid, world or renderer joints, in column layout) and a
:class:`~posture_check.measures.body_frame.BodyFrame`, and returns ``(T,)`` float64 in degrees
(or cm where named ``*_cm``); left/right are the subject's.
"""

from __future__ import annotations

import numpy as np

from posture_check.measures.body_frame import BodyFrame
from posture_check.measures.columns import Points, Vec, vcross, vdot, vmid, vnorm, vscale, vsub
from posture_check.measures.geometry import atan2_deg
from posture_check.pose.landmarks import Landmark as L

__all__ = [
    "foot_turnout",
    "head_shift_cm",
    "hip_flexion",
    "knee_flexion",
    "lateral_lean",
    "lateral_shift_cm",
    "line_tilt",
    "pelvic_tilt_from_legs",
    "pelvic_tilt_proxy",
    "trunk_flexion",
]


def _mid(points: Points, a: int, b: int) -> Vec:
    return vmid(points[a], points[b])


def trunk_vector(points: Points) -> Vec:
    """mid-hip -> mid-shoulder."""
    return vsub(_mid(points, L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
                _mid(points, L.LEFT_HIP, L.RIGHT_HIP))


def lateral_lean(points: Points, frame: BodyFrame) -> np.ndarray:
    """Trunk from vertical in the frontal plane: atan2(t.R, t.U); + = toward the subject's right."""
    t = trunk_vector(points)
    return atan2_deg(vdot(t, frame.R), vdot(t, frame.U))


def lateral_shift_cm(points: Points, frame: BodyFrame,
                     scale: np.ndarray | float = 1.0) -> np.ndarray:
    """Sideways shift of the mid-shoulder over the mid-hip, cm; + = toward the subject's right.

    ``scale`` converts the points' metres to true metres (e.g. stated height / estimated height).
    """
    return vdot(trunk_vector(points), frame.R) * 100.0 * scale


def head_shift_cm(points: Points, frame: BodyFrame, scale: np.ndarray | float = 1.0) -> np.ndarray:
    """Sideways shift of the head (mid-ear) over the mid-hip, cm; + = toward the subject's right."""
    head = _mid(points, L.LEFT_EAR, L.RIGHT_EAR)
    return vdot(vsub(head, _mid(points, L.LEFT_HIP, L.RIGHT_HIP)), frame.R) * 100.0 * scale


def line_tilt(points: Points, frame: BodyFrame, left: int, right: int) -> np.ndarray:
    """Tilt of the left->right line from horizontal: atan2(h.U, h.R); + = right end higher.

    Used for ``pelvic_obliquity`` (hips) and ``shoulder_tilt`` (shoulders).
    """
    h = vsub(points[right], points[left])
    return atan2_deg(vdot(h, frame.U), vdot(h, frame.R))


def foot_turnout(points: Points, frame: BodyFrame, side: str) -> np.ndarray:
    """Foot axis (heel -> foot index) on the floor vs forward; + = toes outward.

    atan2(f . outward, f . F) with outward = R (right foot) or -R (left foot).
    """
    if side == "left":
        heel, toe, sign = L.LEFT_HEEL, L.LEFT_FOOT_INDEX, -1.0
    elif side == "right":
        heel, toe, sign = L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX, 1.0
    else:
        raise ValueError(f"side must be 'left' or 'right', got {side!r}")
    f = vsub(points[toe], points[heel])  # the U component drops out of both dot products
    return atan2_deg(sign * vdot(f, frame.R), vdot(f, frame.F))


def knee_flexion(points: Points, side: str) -> np.ndarray:
    """180 - angle(hip, knee, ankle); 0 = straight knee."""
    hip, knee, ankle = ((L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE) if side == "left"
                        else (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE))
    a, b = vsub(points[hip], points[knee]), vsub(points[ankle], points[knee])
    return 180.0 - atan2_deg(vnorm(vcross(a, b)), vdot(a, b))


def _sagittal(v: Vec, frame: BodyFrame) -> tuple[np.ndarray, np.ndarray]:
    return vdot(v, frame.F), vdot(v, frame.U)


def hip_flexion(points: Points, frame: BodyFrame, side: str) -> np.ndarray:
    """Thigh (hip -> knee) vs the downward trunk line, in the sagittal plane; + = knee forward."""
    hip, knee = (L.LEFT_HIP, L.LEFT_KNEE) if side == "left" else (L.RIGHT_HIP, L.RIGHT_KNEE)
    down = vscale(trunk_vector(points), -1.0)
    d_f, d_u = _sagittal(down, frame)
    k_f, k_u = _sagittal(vsub(points[knee], points[hip]), frame)
    return atan2_deg(d_f * k_u - d_u * k_f, d_f * k_f + d_u * k_u)


def trunk_flexion(points: Points, frame: BodyFrame) -> np.ndarray:
    """Trunk from vertical in the sagittal plane: atan2(t.F, t.U); + = leaning forward."""
    t = trunk_vector(points)
    return atan2_deg(vdot(t, frame.F), vdot(t, frame.U))


def pelvic_tilt_proxy(points: Points, frame: BodyFrame) -> np.ndarray:
    """Side-view proxy for pelvic tilt, degrees; + = toward anterior tilt.

    BlazePose has no ASIS/PSIS landmarks, so the pelvis's own rotation is not observable. The
    proxy is the sagittal angle between the trunk line (mid-hip -> mid-shoulder) and the mean
    thigh line (knee -> hip), minus 180, i.e. the mean hip flexion: when the pelvis tips forward
    and the trunk follows it the angle grows; when the lower back flattens and the pelvis tucks
    under it shrinks. A lumbar curve that changes while the trunk stays upright is invisible
    to it. It is meaningful only against the same person's baseline in the same stance and view
    (doc 004: "excessive lumbar curve" / "flatten your lower back"), never against a norm.

    Gated (NaN) where the person is not standing upright, so it means nothing: knees bent more
    than :data:`TILT_MAX_KNEE_DEG` on average, or the proxy itself beyond
    :data:`TILT_MAX_ABS_DEG` (a squat, a hinge, sitting: ~125 deg on a squat is hip flexion,
    not pelvic tilt).
    """
    return pelvic_tilt_from_legs(hip_flexion(points, frame, "left"),
                                 hip_flexion(points, frame, "right"),
                                 knee_flexion(points, "left"), knee_flexion(points, "right"))


def pelvic_tilt_from_legs(hip_left: np.ndarray, hip_right: np.ndarray, knee_left: np.ndarray,
                          knee_right: np.ndarray, use_left: np.ndarray | bool = True,
                          use_right: np.ndarray | bool = True) -> np.ndarray:
    """:func:`pelvic_tilt_proxy` from the legs' hip and knee flexion (degrees, ``(T,)``), over
    the legs that can be seen (``use_left``/``use_right``): a side view hides the far leg, and
    the near leg alone then gives the proxy. NaN where no leg is usable or not standing."""
    hips = np.stack([hip_left, hip_right])
    use = np.stack([np.broadcast_to(np.asarray(u, bool), np.shape(hip_left))
                    for u in (use_left, use_right)])
    n = use.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        proxy = np.where(use, hips, 0.0).sum(axis=0) / n
        knees = np.where(use, np.stack([knee_left, knee_right]), 0.0).sum(axis=0) / n
        standing = (n > 0) & (knees <= TILT_MAX_KNEE_DEG) & (np.abs(proxy) <= TILT_MAX_ABS_DEG)
    return np.where(standing, proxy, np.nan)


#: Pelvic-tilt proxy gating: mean knee bend (deg) above which the person is not standing.
TILT_MAX_KNEE_DEG = 25.0
#: Pelvic-tilt proxy gating: a standing pelvis tilts well within this many degrees.
TILT_MAX_ABS_DEG = 40.0
