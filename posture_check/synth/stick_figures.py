"""Hand-computable stick figures projected through a pinhole camera, as PoseSeries.

For unit tests and the speed benchmark (not a renderer: no image, no model). The skeleton is
built in a gravity frame with the shared definitions (R = subject's right, U = up,
F = U x R), so its true measures are the parameters given. The series mimics MediaPipe's
output: normalized image landmarks from the projection, and "world" landmarks = the 3D points
relative to the mid-hip in camera axes (x right, y down, z away).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posture_check.pose.landmarks import N_LANDMARKS
from posture_check.pose.landmarks import Landmark as L
from posture_check.pose.series import PoseSeries

__all__ = ["StickPose", "SyntheticCamera", "stick_points", "synthetic_series"]

_R = np.array([1.0, 0.0, 0.0])
_U = np.array([0.0, 1.0, 0.0])
_F = np.cross(_U, _R)  # (0, 0, -1)


@dataclass(frozen=True)
class StickPose:
    """Angles in degrees (definitions.md signs); lengths in metres."""

    lateral_lean: float = 0.0
    pelvic_obliquity: float = 0.0
    shoulder_tilt: float = 0.0
    foot_turnout_left: float = 0.0
    foot_turnout_right: float = 0.0
    trunk_flexion: float = 0.0
    knee_flexion_left: float = 0.0
    knee_flexion_right: float = 0.0
    hip_width: float = 0.18
    shoulder_width: float = 0.36
    trunk: float = 0.50
    thigh: float = 0.43
    shank: float = 0.43
    foot: float = 0.24


@dataclass(frozen=True)
class SyntheticCamera:
    """Pinhole camera around the subject: yaw 0 = in front, +90 = at the subject's right."""

    yaw_deg: float = 0.0
    height_m: float = 1.0
    distance_m: float = 3.0
    fov_deg: float = 60.0
    size: tuple[int, int] = (720, 1280)
    roll_deg: float = 0.0
    target_height_m: float = 0.9

    def axes_and_centre(self) -> tuple[np.ndarray, np.ndarray]:
        y = np.radians(self.yaw_deg)
        centre = self.distance_m * (np.sin(y) * _R + np.cos(y) * _F) + self.height_m * _U
        z = _unit(self.target_height_m * _U - centre)
        x = _unit(np.cross(z, _U))
        yv = np.cross(z, x)
        r = np.radians(self.roll_deg)
        # roll: rotate the image axes so true verticals appear rotated counter-clockwise
        x, yv = np.cos(r) * x + np.sin(r) * yv, -np.sin(r) * x + np.cos(r) * yv
        return np.stack([x, yv, z]), centre

    @property
    def pitch_deg(self) -> float:
        """Elevation of the optical axis (> 0 looking down)."""
        return float(np.degrees(np.arctan2(self.height_m - self.target_height_m, self.distance_m)))


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def _dir(lateral_deg: float, sagittal_deg: float = 0.0) -> np.ndarray:
    """Unit 'up' vector tilted toward R by lateral_deg and toward F by sagittal_deg."""
    a, b = np.radians(lateral_deg), np.radians(sagittal_deg)
    return _unit(np.tan(a) * _R + np.tan(b) * _F + _U)


def stick_points(p: StickPose) -> np.ndarray:
    """``(33, 3)`` points (metres, gravity frame, floor at y = 0) with the given true angles."""
    pts = np.zeros((N_LANDMARKS, 3))
    o = np.radians(p.pelvic_obliquity)
    hip_axis = np.cos(o) * _R + np.sin(o) * _U
    mid_hip = np.array([0.0, 0.92, 0.0])
    pts[L.RIGHT_HIP] = mid_hip + 0.5 * p.hip_width * hip_axis
    pts[L.LEFT_HIP] = mid_hip - 0.5 * p.hip_width * hip_axis
    t = _dir(p.lateral_lean, p.trunk_flexion)
    mid_sh = mid_hip + p.trunk * t
    s = np.radians(p.shoulder_tilt)
    sh_axis = np.cos(s) * _R + np.sin(s) * _U
    pts[L.RIGHT_SHOULDER] = mid_sh + 0.5 * p.shoulder_width * sh_axis
    pts[L.LEFT_SHOULDER] = mid_sh - 0.5 * p.shoulder_width * sh_axis
    head = mid_sh + 0.22 * t
    for lm, off in ((L.NOSE, 0.10 * _F), (L.LEFT_EAR, -0.075 * _R), (L.RIGHT_EAR, 0.075 * _R),
                    (L.LEFT_EYE, -0.03 * _R + 0.08 * _F + 0.03 * _U),
                    (L.RIGHT_EYE, 0.03 * _R + 0.08 * _F + 0.03 * _U),
                    (L.LEFT_EYE_INNER, -0.015 * _R + 0.09 * _F + 0.03 * _U),
                    (L.RIGHT_EYE_INNER, 0.015 * _R + 0.09 * _F + 0.03 * _U),
                    (L.LEFT_EYE_OUTER, -0.045 * _R + 0.07 * _F + 0.03 * _U),
                    (L.RIGHT_EYE_OUTER, 0.045 * _R + 0.07 * _F + 0.03 * _U),
                    (L.MOUTH_LEFT, -0.025 * _R + 0.09 * _F - 0.04 * _U),
                    (L.MOUTH_RIGHT, 0.025 * _R + 0.09 * _F - 0.04 * _U)):
        pts[lm] = head + off
    for side, sgn in (("LEFT", -1.0), ("RIGHT", 1.0)):
        sh = pts[L[f"{side}_SHOULDER"]]
        pts[L[f"{side}_ELBOW"]] = sh + 0.28 * _unit(-_U + 0.15 * sgn * _R)
        wr = pts[L[f"{side}_ELBOW"]] + 0.25 * _unit(-_U + 0.1 * sgn * _R + 0.1 * _F)
        pts[L[f"{side}_WRIST"]] = wr
        for name, off in (("PINKY", 0.02 * sgn * _R), ("INDEX", 0.02 * _F), ("THUMB", 0.03 * _F)):
            pts[L[f"{side}_{name}"]] = wr + off - 0.07 * _U
        hip = pts[L[f"{side}_HIP"]]
        kf = np.radians(p.knee_flexion_left if side == "LEFT" else p.knee_flexion_right)
        turn = p.foot_turnout_left if side == "LEFT" else p.foot_turnout_right
        a = np.radians(turn)
        foot_dir = np.cos(a) * _F + sgn * np.sin(a) * _R
        # knee bends forward in the foot's direction; ankle below the hip at the floor level
        knee = hip - p.thigh * np.cos(kf / 2) * _U + p.thigh * np.sin(kf / 2) * foot_dir
        ankle = knee - p.shank * np.cos(kf / 2) * _U - p.shank * np.sin(kf / 2) * foot_dir
        pts[L[f"{side}_KNEE"]] = knee
        pts[L[f"{side}_ANKLE"]] = ankle
        heel = ankle - 0.06 * foot_dir
        heel = heel - (heel @ _U - 0.03) * _U
        pts[L[f"{side}_HEEL"]] = heel
        pts[L[f"{side}_FOOT_INDEX"]] = heel + p.foot * foot_dir
    return pts


def synthetic_series(
    poses: list[StickPose] | StickPose,
    camera: SyntheticCamera = SyntheticCamera(),
    *,
    fps: float = 30.0,
    n_frames: int | None = None,
    noise_px: float = 0.0,
    seed: int = 0,
) -> PoseSeries:
    """Project stick figures through ``camera``; one frame per pose (or ``n_frames`` copies)."""
    if isinstance(poses, StickPose):
        poses = [poses] * (n_frames or 1)
    pts = np.stack([stick_points(p) for p in poses])  # (T, 33, 3)
    axes, centre = camera.axes_and_centre()
    cam = (pts - centre) @ axes.T  # (T, 33, 3) camera coordinates
    w, h = camera.size
    f = 0.5 * h / np.tan(np.radians(camera.fov_deg) / 2)
    u = f * cam[..., 0] / cam[..., 2] + w / 2
    v = f * cam[..., 1] / cam[..., 2] + h / 2
    rng = np.random.default_rng(seed)
    if noise_px:
        u = u + rng.normal(0, noise_px, u.shape)
        v = v + rng.normal(0, noise_px, v.shape)
    image = np.stack([u / w, v / h, cam[..., 2] / w * f / np.median(cam[..., 2])], axis=-1)
    mid = 0.5 * (pts[:, L.LEFT_HIP] + pts[:, L.RIGHT_HIP])
    world = (pts - mid[:, None]) @ axes.T
    ones = np.ones(pts.shape[:2])
    t = np.arange(len(pts)) / fps
    return PoseSeries(image, world, ones, ones.copy(), t, (w, h), source="synthetic",
                      meta={"camera": camera.__dict__, "fps": fps})
