"""Camera view detection: which side of the subject the camera sees.

Views (definitions.md): ``"front"``, ``"back"``, ``"left_side"``, ``"right_side"``,
``"oblique"``, plus ``"none"`` where no person was found. ``right_side`` means the camera sees
the subject's right flank (subject yaw near +90 deg).

The subject yaw comes from MediaPipe's world hips and shoulders
(:func:`posture_check.measures.body_frame.subject_yaw_deg`). Bins (degrees of |yaw|):
front <= 30 < oblique < 60 <= side <= 120 < oblique < 150 <= back. Frontal measures (lean,
obliquity, turn-out) are valid in ``front`` (and lean also in ``back``); sagittal measures in
the side views. The bins are wide on purpose: MediaPipe's depth is the least accurate
coordinate, and a frame in the oblique band is gated rather than guessed.
"""

from __future__ import annotations

import numpy as np

__all__ = ["BACK_MIN_DEG", "FRONT_MAX_DEG", "SIDE_MAX_DEG", "SIDE_MIN_DEG", "VIEWS",
           "classify_view", "view_codes"]

VIEWS: tuple[str, ...] = ("front", "back", "left_side", "right_side", "oblique", "none")
FRONT_MAX_DEG = 30.0
SIDE_MIN_DEG = 60.0
SIDE_MAX_DEG = 120.0
BACK_MIN_DEG = 150.0


def view_codes(yaw_deg: np.ndarray) -> np.ndarray:
    """``(T,)`` int8 indices into :data:`VIEWS` from subject yaw in degrees (NaN -> "none")."""
    yaw = np.asarray(yaw_deg)
    a = np.abs(yaw)
    out = np.full(yaw.shape, VIEWS.index("oblique"), dtype=np.int8)
    out[a <= FRONT_MAX_DEG] = VIEWS.index("front")
    out[a >= BACK_MIN_DEG] = VIEWS.index("back")
    side = (a >= SIDE_MIN_DEG) & (a <= SIDE_MAX_DEG)
    out[side & (yaw > 0)] = VIEWS.index("right_side")
    out[side & (yaw < 0)] = VIEWS.index("left_side")
    out[np.isnan(yaw)] = VIEWS.index("none")
    return out


def classify_view(yaw_deg: np.ndarray) -> np.ndarray:
    """``(T,)`` view names (dtype ``<U10``) from ``(T,)`` subject yaw in degrees (NaN -> "none")."""
    return np.asarray(VIEWS, dtype="<U10")[view_codes(yaw_deg)]
