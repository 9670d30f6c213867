"""Per-frame quality gating: a measure is NaN with a reason code where it cannot be trusted.

Reason codes are small ints (``int8``) indexing :data:`REASONS`; ``0`` = ``"ok"``. When several
reasons apply, the first in this order wins: no person, out of frame, low visibility, wrong view.

* ``no_person``: the model found nobody in the frame.
* ``out_of_frame``: a landmark the measure needs is outside the image (normalized x or y
  outside [-0.01, 1.01]) or its presence is below :data:`MIN_PRESENCE` (whole body in frame is
  required exactly for the measures that use the feet).
* ``low_visibility``: a needed landmark has visibility below :data:`MIN_VISIBILITY`
  (MediaPipe's own drawing threshold, 0.5).
* ``wrong_view``: the camera view is not one where the measure is defined (a frontal measure
  in a side view, ...); see :mod:`posture_check.measures.view`.

The gating itself runs per block of frames in :func:`posture_check.measures.compute.gate_block`
(landmarks and views each measure needs: ``MEASURE_SPECS``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["FRAME_MARGIN", "MIN_PRESENCE", "MIN_VISIBILITY", "REASONS", "inside_frame",
           "landmark_flags"]

REASONS: tuple[str, ...] = ("ok", "no_person", "out_of_frame", "low_visibility", "wrong_view")
OK, NO_PERSON, OUT_OF_FRAME, LOW_VISIBILITY, WRONG_VIEW = range(len(REASONS))
MIN_VISIBILITY = 0.5
MIN_PRESENCE = 0.5
FRAME_MARGIN = 0.01  # normalized units a landmark may lie outside the image and still count


def inside_frame(image: np.ndarray) -> np.ndarray:
    """``(...)`` bool of ``(..., 2+)`` normalized image landmarks: x and y within the frame
    (± :data:`FRAME_MARGIN`); NaN (no person) is not inside."""
    xy = np.asarray(image)[..., :2]
    with np.errstate(invalid="ignore"):
        return ((xy >= -FRAME_MARGIN) & (xy <= 1 + FRAME_MARGIN)).all(axis=-1)


def landmark_flags(image: np.ndarray, visibility: np.ndarray, presence: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """``(T, 33)`` bool: landmark inside the frame and present; landmark visible.

    A NaN visibility or presence (a model that does not report it) does not gate.
    """
    with np.errstate(invalid="ignore"):
        inside = inside_frame(image) & ~(np.asarray(presence) < MIN_PRESENCE)
        visible = ~(np.asarray(visibility) < MIN_VISIBILITY)
    return inside, visible
