"""Pose the segment skeleton: pelvis, spine, planted legs by two-bone IK, lifted legs by FK.

Output is one rigid transform per segment (``x' = R @ x + t``, world frame of
:mod:`posture_check.synth.rig`) and the posed anatomical points. The trunk's lean and flexion are
solved by fixed-point iteration so the truth equals the requested targets; foot turn-out and
pelvic obliquity are exact by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posture_check.synth.pose import BodyPose
from posture_check.synth.rig import SEG, SEGMENTS, SPINE_CHAIN, Body

_X = np.array([1.0, 0.0, 0.0])
_Y = np.array([0.0, 1.0, 0.0])
_Z = np.array([0.0, 0.0, 1.0])
_TRUNK_ITERATIONS = 12
# default distance between the ankles, as a multiple of the distance between the hip joints
DEFAULT_STANCE_RATIO = 1.1


def rot_x(deg: float) -> np.ndarray:
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


def rot_y(deg: float) -> np.ndarray:
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def rot_z(deg: float) -> np.ndarray:
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def rotvec_to_matrix(v: np.ndarray) -> np.ndarray:
    """Rodrigues: rotation vector (axis * angle in radians) -> 3x3 matrix."""
    angle = float(np.linalg.norm(v))
    if angle < 1e-12:
        return np.eye(3)
    k = v / angle
    kx = np.array([[0.0, -k[2], k[1]], [k[2], 0.0, -k[0]], [-k[1], k[0], 0.0]])
    return np.eye(3) + np.sin(angle) * kx + (1 - np.cos(angle)) * kx @ kx


def matrix_to_rotvec(m: np.ndarray) -> np.ndarray:
    cos = np.clip((np.trace(m) - 1) / 2, -1.0, 1.0)
    angle = np.arccos(cos)
    if angle < 1e-12:
        return np.zeros(3)
    axis = np.array([m[2, 1] - m[1, 2], m[0, 2] - m[2, 0], m[1, 0] - m[0, 1]])
    norm = np.linalg.norm(axis)
    if norm < 1e-9:  # angle ~ pi
        _, v = np.linalg.eigh((m + np.eye(3)) / 2)
        return v[:, -1] * angle
    return axis / norm * angle


def rot_between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Smallest rotation taking direction ``a`` to direction ``b``."""
    a = a / np.linalg.norm(a)
    b = b / np.linalg.norm(b)
    axis = np.cross(a, b)
    s = np.linalg.norm(axis)
    c = float(np.dot(a, b))
    if s < 1e-12:
        if c > 0:
            return np.eye(3)
        perp = np.cross(a, _X if abs(a[0]) < 0.9 else _Y)
        return rotvec_to_matrix(perp / np.linalg.norm(perp) * np.pi)
    return rotvec_to_matrix(axis / s * np.arctan2(s, c))


def _frame(d: np.ndarray, pole: np.ndarray) -> np.ndarray:
    """Orthonormal basis (columns) with first axis ``d`` and second the part of ``pole`` normal
    to it."""
    d = d / np.linalg.norm(d)
    p = pole - np.dot(pole, d) * d
    n = np.linalg.norm(p)
    if n < 1e-9:
        p = np.cross(d, _X)
        n = np.linalg.norm(p)
    p = p / n
    return np.stack([d, p, np.cross(d, p)], axis=1)


@dataclass(frozen=True, eq=False)
class PosedSkeleton:
    """Segment transforms and posed points of one frame.

    Attributes:
        rotations: ``(S, 3, 3)``; translations: ``(S, 3)``: ``x' = R @ x + t`` per segment.
        points: posed anatomical points (``hip_l``, ``knee_r``, ``heel_l``, ``toe_r``, ...).
        pelvic_tilt_deg: total pelvis pitch applied (anterior positive).
    """

    rotations: np.ndarray
    translations: np.ndarray
    points: dict[str, np.ndarray]
    pelvic_tilt_deg: float


def rest_turnout_deg(body: Body, side: str) -> float:
    """Turn-out of the unposed foot (positive = toes out)."""
    f = body.points[f"toe_{side}"] - body.points[f"heel_{side}"]
    outward = _X if side == "l" else -_X
    return float(np.degrees(np.arctan2(f @ outward, f @ _Z)))


def _trunk_angles(points: dict[str, np.ndarray]) -> tuple[float, float]:
    """(lateral lean, trunk flexion) in degrees, definitions as in truth.py (R = -x, F = +z)."""
    t = 0.5 * (points["shoulder_l"] + points["shoulder_r"]) - 0.5 * (points["hip_l"]
                                                                        + points["hip_r"])
    hip = points["hip_r"] - points["hip_l"]
    r = np.array([hip[0], 0.0, hip[2]])
    r /= np.linalg.norm(r)
    f = np.cross(_Y, r)
    return (float(np.degrees(np.arctan2(t @ r, t @ _Y))),
            float(np.degrees(np.arctan2(t @ f, t @ _Y))))


def pose_skeleton(body: Body, pose: BodyPose) -> PosedSkeleton:
    """Solve the segment transforms for ``pose`` (see :class:`BodyPose` for the parameters).

    Raises:
        ValueError: the feet cannot reach the floor in this pose (stance or steps too wide for
            the legs), with the numbers.
    """
    P = body.points
    piv = body.pivots
    R = np.tile(np.eye(3), (len(SEGMENTS), 1, 1))
    T = np.zeros((len(SEGMENTS), 3))

    def set_seg(name: str, rot: np.ndarray, pivot_rest: np.ndarray, pivot_posed: np.ndarray):
        i = SEG[name]
        R[i] = rot
        T[i] = pivot_posed - rot @ pivot_rest

    def apply(name: str, x: np.ndarray) -> np.ndarray:
        i = SEG[name]
        return R[i] @ x + T[i]

    # --- pelvis orientation: anterior pitch about the lateral axis, then obliquity about F
    pitch = pose.pelvic_tilt_deg + pose.hinge_fraction * pose.trunk_flexion_deg
    r_pelvis = rot_z(-pose.pelvic_obliquity_deg) @ rot_x(pitch)
    mid_hip_rest = 0.5 * (P["hip_l"] + P["hip_r"])

    # --- feet: flat on the floor, turned about the ankle's vertical axis
    lifted = {"l": pose.lift_left, "r": pose.lift_right}
    thigh, shank = body.thigh_m, body.shank_m
    ankle_target: dict[str, np.ndarray] = {}
    foot_rot: dict[str, np.ndarray] = {}
    for s in ("l", "r"):
        side = "left" if s == "l" else "right"
        target = getattr(pose, f"foot_turnout_{side}_deg")
        yaw = target - rest_turnout_deg(body, s)
        foot_rot[s] = rot_y(yaw if s == "l" else -yaw)
        sign = 1.0 if s == "l" else -1.0
        half = (P["hip_l"][0] * DEFAULT_STANCE_RATIO if pose.stance_width_m is None
                else pose.stance_width_m / 2)
        ankle_target[s] = np.array([sign * abs(half), P[f"ankle_{s}"][1],
                                    getattr(pose, f"step_{side}_m")])

    # --- pelvis position: over the feet; height so the straighter planted leg has knee_bend
    offsets = {s: r_pelvis @ (P[f"hip_{s}"] - mid_hip_rest) for s in ("l", "r")}
    kb = np.radians(pose.knee_bend_deg)
    reach = np.sqrt(thigh**2 + shank**2 + 2 * thigh * shank * np.cos(kb))
    px, pz = -pose.pelvis_shift_m, pose.pelvis_forward_m
    heights = []
    for s in ("l", "r"):
        if lifted[s]:
            continue
        hip_xz = np.array([px, pz]) + offsets[s][[0, 2]]
        horiz = float(np.linalg.norm(hip_xz - ankle_target[s][[0, 2]]))
        if horiz >= reach:
            raise ValueError(
                f"the {'left' if s == 'l' else 'right'} foot cannot reach the floor: it is "
                f"{horiz:.2f} m from below the hip but the leg reaches {reach:.2f} m; reduce "
                "the steps, stance width, pelvis shift or knee bend")
        heights.append(ankle_target[s][1] + np.sqrt(reach**2 - horiz**2) - offsets[s][1])
    pelvis_pos = np.array([px, min(heights), pz])
    set_seg("pelvis", r_pelvis, mid_hip_rest, pelvis_pos)
    hips = {s: pelvis_pos + offsets[s] for s in ("l", "r")}

    # --- legs
    for s in ("l", "r"):
        side = "left" if s == "l" else "right"
        hip, knee_r, ankle_r = P[f"hip_{s}"], P[f"knee_{s}"], P[f"ankle_{s}"]
        if lifted[s]:
            sign = 1.0 if s == "l" else -1.0
            local = (rot_x(-getattr(pose, f"hip_flexion_{side}_deg"))
                     @ rot_z(sign * getattr(pose, f"hip_abduction_{side}_deg"))
                     @ rot_y(sign * getattr(pose, f"hip_rotation_{side}_deg")))
            r_thigh = r_pelvis @ local
            knee = hips[s] + r_thigh @ (knee_r - hip)
            r_shank = r_thigh @ rot_x(getattr(pose, f"knee_flexion_{side}_deg"))
            ankle = knee + r_shank @ (ankle_r - knee_r)
            r_foot = r_shank
        else:
            ankle = ankle_target[s]
            pole = foot_rot[s] @ _Z
            d = ankle - hips[s]
            dist = float(np.linalg.norm(d))
            u = d / dist
            cos_a = np.clip((thigh**2 + dist**2 - shank**2) / (2 * thigh * dist), -1.0, 1.0)
            p_perp = pole - np.dot(pole, u) * u
            p_perp /= np.linalg.norm(p_perp)
            knee = hips[s] + thigh * (cos_a * u + np.sqrt(1 - cos_a**2) * p_perp)
            rest_frame_t = _frame(knee_r - hip, _Z)
            rest_frame_s = _frame(ankle_r - knee_r, _Z)
            r_thigh = _frame(knee - hips[s], pole) @ rest_frame_t.T
            r_shank = _frame(ankle - knee, pole) @ rest_frame_s.T
            r_foot = foot_rot[s]
        set_seg(f"thigh_{s}", r_thigh, hip, hips[s])
        set_seg(f"shank_{s}", r_shank, knee_r, knee)
        set_seg(f"foot_{s}", r_foot, ankle_r, ankle)

    # --- trunk: spine chain distributes (pelvis^-1 @ trunk) ; solve lean/flexion targets
    def pose_trunk(a: float, b: float) -> None:
        r_trunk = rot_z(a) @ rot_x(b)
        spine_vec = matrix_to_rotvec(r_pelvis.T @ r_trunk)
        parent = "pelvis"
        cumulative = 0.0
        for name, frac in SPINE_CHAIN:
            cumulative += frac
            rot = r_pelvis @ rotvec_to_matrix(spine_vec * cumulative)
            set_seg(name, rot, piv[SEG[name]], apply(parent, piv[SEG[name]]))
            parent = name
        for name in ("neck", "head"):
            set_seg(name, r_trunk, piv[SEG[name]], apply(parent, piv[SEG[name]]))
            parent = name

    def trunk_points() -> dict[str, np.ndarray]:
        return {"shoulder_l": apply("chest", P["shoulder_l"]),
                "shoulder_r": apply("chest", P["shoulder_r"]),
                "hip_l": hips["l"], "hip_r": hips["r"]}

    a, b = pose.lateral_lean_deg, pose.trunk_flexion_deg
    for _ in range(_TRUNK_ITERATIONS):
        pose_trunk(a, b)
        lean, flex = _trunk_angles(trunk_points())
        err_a, err_b = pose.lateral_lean_deg - lean, pose.trunk_flexion_deg - flex
        if abs(err_a) < 1e-7 and abs(err_b) < 1e-7:
            break
        a += err_a
        b += err_b
    r_trunk = R[SEG["chest"]]

    # --- arms hang by gravity: direction set in the world, not relative to the trunk
    for s in ("l", "r"):
        sign = 1.0 if s == "l" else -1.0
        shoulder = apply("chest", P[f"shoulder_{s}"])
        abd = rot_z(sign * pose.arm_abduction_deg)
        upper_dir = rot_x(-pose.arm_flexion_deg) @ abd @ -_Y
        fore_dir = rot_x(-(pose.arm_flexion_deg + pose.elbow_flexion_deg)) @ abd @ -_Y
        elbow_r, wrist_r = P[f"elbow_{s}"], P[f"wrist_{s}"]
        r_upper = rot_between(r_trunk @ (elbow_r - P[f"shoulder_{s}"]), upper_dir) @ r_trunk
        elbow = shoulder + r_upper @ (elbow_r - P[f"shoulder_{s}"])
        r_fore = rot_between(r_upper @ (wrist_r - elbow_r), fore_dir) @ r_upper
        set_seg(f"upperarm_{s}", r_upper, P[f"shoulder_{s}"], shoulder)
        set_seg(f"forearm_{s}", r_fore, elbow_r, elbow)
        set_seg(f"hand_{s}", r_fore, wrist_r, elbow + r_fore @ (wrist_r - elbow_r))

    points = {name: apply(body.point_segment[name], x) for name, x in P.items()}
    return PosedSkeleton(R, T, points, float(pitch))
