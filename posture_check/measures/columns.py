"""Column layout for fast vectorized measures: each landmark coordinate a contiguous (T,) array.

A PoseSeries stores ``(T, 33, 3)``; picking ``[:, i, c]`` from it is a strided read, and a
chain of ~400 such operations per hour of video is memory-bound. The measures therefore gather
the landmarks they use once per block of frames (:data:`BLOCK`, so the block stays in cache)
into contiguous rows, and do all arithmetic on 3-vectors held as tuples ``(x, y, z)`` of
``(T,)`` arrays (:data:`Vec`). Helpers below are the 3-vector algebra on such tuples.
"""

from __future__ import annotations

import numpy as np

from posture_check.pose.landmarks import Landmark as L

__all__ = ["BLOCK", "USED", "Points", "Vec", "gather", "vadd", "vcross", "vdot", "vmid", "vnorm",
           "vscale", "vsub", "vunit"]

Vec = tuple[np.ndarray, np.ndarray, np.ndarray]
BLOCK = 8192

# Landmarks any measure, gate or feature reads.
USED: tuple[int, ...] = (
    L.LEFT_EAR, L.RIGHT_EAR, L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP,
    L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL,
    L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX, L.NOSE,
)
_ROW = np.full(33, -1, dtype=np.intp)
_ROW[list(USED)] = np.arange(len(USED))


class Points:
    """``p[landmark] -> (x, y, z)`` of contiguous ``(T,)`` arrays for the :data:`USED` landmarks."""

    __slots__ = ("cols",)

    def __init__(self, cols: np.ndarray) -> None:
        # cols: (len(USED), 3, T)
        self.cols = cols

    def __getitem__(self, lm: int) -> Vec:
        c = self.cols[_ROW[lm]]
        return c[0], c[1], c[2]

    def __len__(self) -> int:
        return int(self.cols.shape[-1])


def gather(arr: np.ndarray, dims: int) -> np.ndarray:
    """``(T, 33, d)`` -> ``(len(USED), dims, T)`` (first ``dims`` coordinates), C-contiguous.

    The dtype is kept (PoseSeries holds float32: its ~1e-7 relative precision is far below
    landmark noise, and half the memory traffic of float64 makes the measures ~2x faster).
    """
    t, n, d = arr.shape
    idx = (np.asarray(USED)[:, None] * d + np.arange(dims)[None, :]).ravel()
    out = arr.reshape(t, n * d)[:, idx].T
    return np.ascontiguousarray(out).reshape(len(USED), dims, t)


def vsub(a: Vec, b: Vec) -> Vec:
    return a[0] - b[0], a[1] - b[1], a[2] - b[2]


def vadd(a: Vec, b: Vec) -> Vec:
    return a[0] + b[0], a[1] + b[1], a[2] + b[2]


def vmid(a: Vec, b: Vec) -> Vec:
    return 0.5 * (a[0] + b[0]), 0.5 * (a[1] + b[1]), 0.5 * (a[2] + b[2])


def vscale(a: Vec, k: np.ndarray | float) -> Vec:
    return a[0] * k, a[1] * k, a[2] * k


def vdot(a: Vec, b: Vec) -> np.ndarray:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def vcross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def vnorm(a: Vec) -> np.ndarray:
    return np.sqrt(vdot(a, a))


def vunit(a: Vec) -> Vec:
    """Unit vector; NaN where the norm is ~0."""
    n = vnorm(a)
    inv = np.full_like(n, np.nan)
    np.divide(1.0, n, out=inv, where=n > 1e-12)
    return a[0] * inv, a[1] * inv, a[2] * inv
