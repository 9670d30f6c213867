"""A pinhole camera placed around the subject (see :class:`Camera` for the conventions)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

VIEW_NAMES = ("front", "back", "left_side", "right_side", "oblique")


@dataclass(frozen=True)
class Camera:
    """Where the camera is, relative to the subject, and what it produces.

    Attributes:
        yaw_deg: position around the subject: 0 = in front, facing them; +90 = at the subject's
            RIGHT side (sees their right flank); -90 = at their left side; 180 = behind.
            Measured from the direction the unposed pelvis faces.
        height_m: camera centre above the floor.
        distance_m: horizontal distance from the subject's mid-hip to the camera centre.
        fov_deg: vertical field of view.
        width, height: image size in pixels (480x640 portrait, 1280x720 landscape, ...).
        roll_deg: rotation about the optical axis; positive turns the image content clockwise
            (as if the camera were rolled counter-clockwise).
        look_at_height_m: height of the point the camera aims at (above the subject's
            mid-hip); None = half of ``body_height_m``, so a standing person is centred.
        body_height_m: used only when ``look_at_height_m`` is None.
    """

    yaw_deg: float = 0.0
    height_m: float = 1.0
    distance_m: float = 3.0
    fov_deg: float = 50.0
    width: int = 480
    height: int = 640
    roll_deg: float = 0.0
    look_at_height_m: float | None = None
    body_height_m: float = 1.72

    def __post_init__(self) -> None:
        if self.width < 16 or self.height < 16:
            raise ValueError(
                f"image size must be at least 16x16 px, got {self.width}x{self.height}")
        if not 5.0 <= self.fov_deg <= 150.0:
            raise ValueError(f"fov_deg must be in [5, 150], got {self.fov_deg}")
        if self.distance_m <= 0.3:
            raise ValueError(f"distance_m must be > 0.3 m, got {self.distance_m}")

    @property
    def size(self) -> tuple[int, int]:
        """``(width, height)`` in pixels."""
        return (int(self.width), int(self.height))

    @property
    def view(self) -> str:
        """The shared view name for this yaw (front |yaw|<=30, sides 60..120, back >=150)."""
        return view_name(self.yaw_deg)

    def to_dict(self) -> dict:
        return asdict(self)

    def centre(self) -> np.ndarray:
        """Camera centre in the renderer's world frame (x = subject's left, y up, z forward)."""
        yaw = np.radians(self.yaw_deg)
        return np.array([-np.sin(yaw) * self.distance_m, self.height_m,
                         np.cos(yaw) * self.distance_m])

    def target(self) -> np.ndarray:
        h = self.look_at_height_m if self.look_at_height_m is not None else self.body_height_m / 2
        return np.array([0.0, h, 0.0])

    def world_to_camera(self) -> tuple[np.ndarray, np.ndarray]:
        """``(R, t)`` with ``x_cam = R @ x_world + t``; camera x right, y down, z forward."""
        c = self.centre()
        fwd = self.target() - c
        fwd /= np.linalg.norm(fwd)
        right = np.cross(fwd, [0.0, 1.0, 0.0])
        if np.linalg.norm(right) < 1e-9:
            raise ValueError("camera looks straight up or down; lower/raise look_at_height_m")
        right /= np.linalg.norm(right)
        down = np.cross(fwd, right)
        rot = np.stack([right, down, fwd])
        roll = np.radians(self.roll_deg)
        cr, sr = np.cos(roll), np.sin(roll)
        rot = np.array([[cr, -sr, 0.0], [sr, cr, 0.0], [0.0, 0.0, 1.0]]) @ rot
        return rot, -rot @ c

    @property
    def focal_px(self) -> float:
        return 0.5 * self.height / np.tan(np.radians(self.fov_deg) / 2)

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """World points ``(..., 3)`` -> pixel coordinates ``(..., 2)`` (x right, y down, pixel
        centres at integer + 0.5) and camera depth ``(...)`` in metres."""
        rot, t = self.world_to_camera()
        pc = points @ rot.T + t
        z = pc[..., 2]
        f = self.focal_px
        safe = np.where(np.abs(z) < 1e-9, 1e-9, z)
        uv = np.stack([f * pc[..., 0] / safe + self.width / 2,
                       f * pc[..., 1] / safe + self.height / 2], axis=-1)
        return uv, z


def view_name(yaw_deg: float | np.ndarray) -> str | np.ndarray:
    """Shared view name(s) for a camera yaw relative to the subject's facing direction."""
    yaw = (np.asarray(yaw_deg, float) + 180.0) % 360.0 - 180.0
    a = np.abs(yaw)
    out = np.where(a <= 30, "front", np.where(a >= 150, "back", np.where(
        (a >= 60) & (a <= 120), np.where(yaw > 0, "right_side", "left_side"), "oblique")))
    return str(out) if out.ndim == 0 else out
