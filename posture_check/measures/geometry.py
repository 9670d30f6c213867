"""Vectorized angle and vector helpers over ``(..., 3)`` or ``(..., 2)`` arrays.

All angles are in degrees. NaN in, NaN out: no helper raises on missing data, and zero-length
vectors give NaN (``np.divide(where=)``), never a warning or a division by zero.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "angle_between_deg",
    "atan2_deg",
    "dot",
    "joint_angle_deg",
    "normalize",
    "project_out",
    "rotate2d",
]


def dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise dot product over the last axis."""
    return np.einsum("...i,...i->...", a, b)


def normalize(v: np.ndarray) -> np.ndarray:
    """Unit vectors along the last axis; NaN where the norm is zero or NaN."""
    v = np.asarray(v, dtype=np.float64)
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    out = np.full_like(v, np.nan)
    np.divide(v, n, out=out, where=n > 1e-12)
    return out


def project_out(v: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """Component of ``v`` perpendicular to the unit vector ``axis`` (broadcasting)."""
    return v - dot(v, axis)[..., None] * axis


def atan2_deg(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``atan2`` in degrees; NaN where both components are zero (direction undefined)."""
    out = np.arctan2(y, x)
    out *= 180.0 / np.pi
    zero = x == 0
    if np.any(zero):
        out = np.where(zero & (np.asarray(y) == 0), np.nan, out)
    return out


def angle_between_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Unsigned angle between vectors ``a`` and ``b`` (0..180), numerically stable."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape[-1] == 2:
        cross = a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
        cross = np.abs(cross)
    else:
        cross = np.linalg.norm(np.cross(a, b), axis=-1)
    return atan2_deg(cross, dot(a, b))


def joint_angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle at ``b`` of the chain ``a-b-c`` (180 = straight)."""
    return angle_between_deg(a - b, c - b)


def rotate2d(xy: np.ndarray, angle_deg: np.ndarray | float) -> np.ndarray:
    """Rotate 2D points (``(..., 2)``, image pixels, y down) by ``angle_deg`` about the origin.

    Positive angles rotate counter-clockwise *as seen on the screen* (y down), so rotating by the
    camera roll undoes it (see :mod:`posture_check.measures.body_frame`). ``angle_deg`` broadcasts
    against ``xy[..., 0]``.
    """
    a = np.radians(np.asarray(angle_deg, dtype=np.float64))
    c, s = np.cos(a), np.sin(a)
    x, y = xy[..., 0], xy[..., 1]
    # y points down, so a screen-counter-clockwise rotation is (x, y) -> (x c + y s, -x s + y c)
    return np.stack([x * c + y * s, -x * s + y * c], axis=-1)
