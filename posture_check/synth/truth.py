"""Ground truth from the posed 3D skeleton, with EXACTLY the shared definitions.

Definitions (``/tmp/brief/definitions.md``, shared with the measures and stretch code); all in
degrees, left/right = the subject's own side:

* up ``U`` = floor normal; lateral ``R`` = horizontal projection of (left hip -> right hip
  joint centre), normalized (points to the subject's right); forward ``F = U x R``.
* ``foot_turnout_{left,right}``: ``f`` = (foot_index - heel) on the floor;
  ``atan2(f . outward, f . F)``, outward = ``R`` for the right foot, ``-R`` for the left.
  Positive = toes out. ``foot_turnout_asymmetry`` = right - left.
* ``lateral_lean``: ``t`` = mid-shoulder - mid-hip joint centres; ``atan2(t . R, t . U)``;
  positive = toward the subject's right.
* ``pelvic_obliquity``: ``h`` = right hip - left hip; ``atan2(h . U, h . R)``; positive = right hip
  higher. ``shoulder_tilt``: the same with the shoulder joint centres.
* ``pelvic_tilt``: pelvis pitch about ``R`` relative to neutral standing (the renderer reports
  what it applied); positive = anterior.
* ``knee_flexion_{left,right}``: 180 - angle(hip, knee, ankle); 0 = straight.
* ``hip_flexion_{left,right}``: angle between the thigh (hip -> knee) and the downward trunk line
  (mid-shoulder -> mid-hip), both projected on the sagittal plane (``U``, ``F``); positive = knee
  forward of the trunk line.
* ``trunk_flexion``: ``atan2(t . F, t . U)``; positive = forward.

Every function takes arrays with a leading frame axis: points ``(T, 3)`` in any right-handed
frame with ``up`` given (the renderer's world frame has ``up = +y``).
"""

from __future__ import annotations

import numpy as np

from posture_check.pose.landmarks import N_LANDMARKS, Landmark

MEASURES: tuple[str, ...] = (
    "foot_turnout_left", "foot_turnout_right", "foot_turnout_asymmetry", "lateral_lean",
    "pelvic_obliquity", "shoulder_tilt", "pelvic_tilt", "knee_flexion_left",
    "knee_flexion_right", "hip_flexion_left", "hip_flexion_right", "trunk_flexion",
)

_UP = np.array([0.0, 1.0, 0.0])


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return np.divide(v, n, out=np.full_like(v, np.nan), where=n > 0)


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.einsum("...i,...i->...", a, b)


def body_axes(hip_l: np.ndarray, hip_r: np.ndarray, up: np.ndarray = _UP
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(U, R, F)`` per frame, each ``(T, 3)``."""
    u = np.broadcast_to(_unit(np.asarray(up, float)), hip_l.shape)
    h = hip_r - hip_l
    r = _unit(h - _dot(h, u)[..., None] * u)
    f = np.cross(u, r)
    return u, r, f


def _deg(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    return np.degrees(np.arctan2(y, x))


def measures_from_points(points: dict[str, np.ndarray], pelvic_tilt_deg: np.ndarray,
                         up: np.ndarray = _UP) -> dict[str, np.ndarray]:
    """All :data:`MEASURES` per frame from posed points ``{name: (T, 3)}``.

    Needed points: ``hip_l/r``, ``knee_l/r``, ``ankle_l/r``, ``heel_l/r``, ``toe_l/r`` (2nd toe
    tip), ``shoulder_l/r`` (joint centres).
    """
    p = {k: np.atleast_2d(np.asarray(v, float)) for k, v in points.items()}
    u, r, f = body_axes(p["hip_l"], p["hip_r"], up)
    out: dict[str, np.ndarray] = {}
    for s, side, outward in (("l", "left", -r), ("r", "right", r)):
        foot = p[f"toe_{s}"] - p[f"heel_{s}"]
        foot = foot - _dot(foot, u)[..., None] * u
        out[f"foot_turnout_{side}"] = _deg(_dot(foot, outward), _dot(foot, f))
    out["foot_turnout_asymmetry"] = out["foot_turnout_right"] - out["foot_turnout_left"]
    mid_hip = 0.5 * (p["hip_l"] + p["hip_r"])
    mid_sh = 0.5 * (p["shoulder_l"] + p["shoulder_r"])
    t = mid_sh - mid_hip
    out["lateral_lean"] = _deg(_dot(t, r), _dot(t, u))
    h = p["hip_r"] - p["hip_l"]
    out["pelvic_obliquity"] = _deg(_dot(h, u), _dot(h, r))
    sh = p["shoulder_r"] - p["shoulder_l"]
    out["shoulder_tilt"] = _deg(_dot(sh, u), _dot(sh, r))
    out["pelvic_tilt"] = np.broadcast_to(np.asarray(pelvic_tilt_deg, float),
                                         out["lateral_lean"].shape).copy()
    down_trunk = -t
    down_sag = np.stack([_dot(down_trunk, u), _dot(down_trunk, f)], axis=-1)
    for s, side in (("l", "left"), ("r", "right")):
        a = p[f"hip_{s}"] - p[f"knee_{s}"]
        b = p[f"ankle_{s}"] - p[f"knee_{s}"]
        cos = _dot(_unit(a), _unit(b))
        out[f"knee_flexion_{side}"] = 180.0 - np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
        thigh = p[f"knee_{s}"] - p[f"hip_{s}"]
        th = np.stack([_dot(thigh, u), _dot(thigh, f)], axis=-1)
        # signed angle from the downward trunk line to the thigh in the (U, F) plane; rotating
        # toward F (knee forward) is positive, i.e. minus the usual (u, f) cross product
        cross = down_sag[..., 0] * th[..., 1] - down_sag[..., 1] * th[..., 0]
        dot = down_sag[..., 0] * th[..., 0] + down_sag[..., 1] * th[..., 1]
        out[f"hip_flexion_{side}"] = _deg(-cross, dot)
    out["trunk_flexion"] = _deg(_dot(t, f), _dot(t, u))
    return out


# BlazePose landmark -> renderer point (face points are approximate; see rig._anatomical_points)
_LANDMARK_POINTS: dict[Landmark, str] = {
    Landmark.NOSE: "nose",
    Landmark.LEFT_EYE_INNER: "eye_l", Landmark.LEFT_EYE: "eye_l", Landmark.LEFT_EYE_OUTER: "eye_l",
    Landmark.RIGHT_EYE_INNER: "eye_r", Landmark.RIGHT_EYE: "eye_r",
    Landmark.RIGHT_EYE_OUTER: "eye_r",
    Landmark.LEFT_EAR: "ear_l", Landmark.RIGHT_EAR: "ear_r",
    Landmark.MOUTH_LEFT: "mouth_l", Landmark.MOUTH_RIGHT: "mouth_r",
    Landmark.LEFT_SHOULDER: "shoulder_l", Landmark.RIGHT_SHOULDER: "shoulder_r",
    Landmark.LEFT_ELBOW: "elbow_l", Landmark.RIGHT_ELBOW: "elbow_r",
    Landmark.LEFT_WRIST: "wrist_l", Landmark.RIGHT_WRIST: "wrist_r",
    Landmark.LEFT_PINKY: "pinky_l", Landmark.RIGHT_PINKY: "pinky_r",
    Landmark.LEFT_INDEX: "index_l", Landmark.RIGHT_INDEX: "index_r",
    Landmark.LEFT_THUMB: "thumb_l", Landmark.RIGHT_THUMB: "thumb_r",
    Landmark.LEFT_HIP: "hip_l", Landmark.RIGHT_HIP: "hip_r",
    Landmark.LEFT_KNEE: "knee_l", Landmark.RIGHT_KNEE: "knee_r",
    Landmark.LEFT_ANKLE: "ankle_l", Landmark.RIGHT_ANKLE: "ankle_r",
    Landmark.LEFT_HEEL: "heel_l", Landmark.RIGHT_HEEL: "heel_r",
    Landmark.LEFT_FOOT_INDEX: "toe_l", Landmark.RIGHT_FOOT_INDEX: "toe_r",
}


def landmark_array(points: dict[str, np.ndarray]) -> np.ndarray:
    """``(..., 33, 3)`` world positions of the BlazePose landmarks from renderer points.

    Joint landmarks (shoulders, elbows, wrists, hips, knees, ankles) are joint centres; heel =
    back of the heel at the floor; foot index = 2nd toe tip; face and hand points approximate.
    """
    first = np.asarray(points["hip_l"], float)
    out = np.full((*first.shape[:-1], N_LANDMARKS, 3), np.nan)
    for lm, name in _LANDMARK_POINTS.items():
        out[..., int(lm), :] = points[name]
    return out
