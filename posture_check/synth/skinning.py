"""Linear blend skinning over the rig's segments, vectorized in numpy."""

from __future__ import annotations

import numpy as np


def skin(vertices: np.ndarray, weights: np.ndarray, rotations: np.ndarray,
         translations: np.ndarray) -> np.ndarray:
    """Posed vertices by linear blend skinning.

    Args:
        vertices: ``(N, 3)`` rest positions (metres).
        weights: ``(N, S)`` per-segment weights, rows summing to 1.
        rotations: ``(S, 3, 3)`` and translations ``(S, 3)``: segment ``s`` maps a rest point
            ``x`` to ``rotations[s] @ x + translations[s]``.

    Returns:
        ``(N, 3)`` posed positions ``sum_s w[n, s] (R_s x_n + t_s)``.
    """
    if weights.shape != (vertices.shape[0], rotations.shape[0]):
        raise ValueError(f"weights must have shape {(vertices.shape[0], rotations.shape[0])}, "
                         f"got {weights.shape}")
    # blend the 3x4 matrices per vertex, then apply: (N,S) @ (S,12) -> (N,12)
    mats = np.concatenate([rotations, translations[:, :, None]], axis=2).reshape(-1, 12)
    blended = (weights.astype(np.float64) @ mats).reshape(-1, 3, 4)
    return np.einsum("nij,nj->ni", blended[:, :, :3], vertices) + blended[:, :, 3]
