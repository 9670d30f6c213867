"""Per-frame quality gating: a measure is NaN with a reason code where it cannot be trusted.

Reason codes are small ints (``int8``) indexing :data:`REASONS`; ``0`` = ``"ok"``. When several
reasons apply, the first in this order wins: no person, out of frame, hidden, low visibility,
wrong view, view uncertain, moving, implausible. :data:`REASON_HINTS` says what the user can do
about each.

* ``no_person``: the model found nobody in the frame.
* ``out_of_frame``: a landmark the measure needs is outside the image (normalized x or y
  outside [-0.01, 1.01]) or its presence is below :data:`MIN_PRESENCE` (whole body in frame is
  required exactly for the measures that use the feet).
* ``low_visibility``: a needed landmark has visibility below :data:`MIN_VISIBILITY`
  (MediaPipe's own drawing threshold, 0.5).
* ``hidden``: in a side view, the far leg behind the near one (their knees and ankles overlap in
  the picture, :func:`posture_check.measures.gating.hidden_legs`): the model guesses that leg
  rather than sees it.
* ``wrong_view``: the camera view is not one where the measure is defined (a frontal measure
  in a side view, ...); see :mod:`posture_check.measures.view`.
* ``view_uncertain``: front and back cannot be told apart, because the face (nose and both
  ears) is out of the picture: a tall person close to a low camera with the head cut off was
  read as a back view with full confidence, and every frontal angle then had the wrong sign.
* ``moving``: a standing measure outside a quiet-standing segment (walking, turning, jumping,
  stepping): posture is read only while the person stands still
  (:mod:`posture_check.measures.stillness`).
* ``implausible``: a value outside what a standing human body can do
  (``MeasureSpec.plausible``), or a skeleton no standing human has (MediaPipe's 3D hips almost
  on one point, :func:`posture_check.measures.gating.body_proportions_ok`: seen with a
  skin-coloured top against a skin-coloured wall): a model failure, never shown as a reading.

The gating itself runs per block of frames in :func:`posture_check.measures.gating.gate_block`
(landmarks and views each measure needs: ``MEASURE_SPECS``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["FRAME_MARGIN", "MIN_PRESENCE", "MIN_VISIBILITY", "REASONS", "REASON_HINTS",
           "inside_frame", "landmark_flags"]

REASONS: tuple[str, ...] = ("ok", "no_person", "out_of_frame", "low_visibility", "wrong_view",
                            "view_uncertain", "moving", "implausible", "hidden")
(OK, NO_PERSON, OUT_OF_FRAME, LOW_VISIBILITY, WRONG_VIEW, VIEW_UNCERTAIN, MOVING,
 IMPLAUSIBLE, HIDDEN) = range(len(REASONS))  # codes are stored: append new reasons only

# What the person can do about each reason (shown with "not measured" findings).
REASON_HINTS: dict[str, str] = {
    "ok": "",
    "no_person": "make sure you are in the picture, alone, in good light",
    "out_of_frame": "step back or move the camera so your whole body, feet included, shows "
                    "with some space around it",
    "low_visibility": "wear close-fitting clothes of a colour different from the wall, with "
                      "good light from the front",
    "wrong_view": "for this measure face the camera squarely (front view) or turn sideways "
                  "(side view), as the measure needs",
    "view_uncertain": "raise the camera or step back so your head shows: without the face the "
                      "front and the back cannot be told apart",
    "moving": "stand still, facing the camera, for at least 5 seconds",
    "implausible": "the reading is outside what a standing body can do (the pose model lost "
                   "track): record again with the whole body in view, good light and clothes "
                   "that stand out from the wall",
    "hidden": "this leg is behind the other one, out of the camera's sight: turn your other "
              "side to the camera to measure it",
    "too_short": "record at least 10 seconds standing still",
    "not_standing": "stand upright with your knees and hips straight",
}
MIN_VISIBILITY = 0.5
MIN_PRESENCE = 0.5
FRAME_MARGIN = 0.01  # normalized units a landmark may lie outside the image and still count


def inside_frame(image: np.ndarray) -> np.ndarray:
    """``(...)`` bool of ``(..., 2+)`` normalized image landmarks: x and y within the frame
    (± :data:`FRAME_MARGIN`); NaN (no person) is not inside."""
    xy = np.asarray(image)[..., :2]
    with np.errstate(invalid="ignore"):
        return np.asarray(((xy >= -FRAME_MARGIN) & (xy <= 1 + FRAME_MARGIN)).all(axis=-1))


def landmark_flags(image: np.ndarray, visibility: np.ndarray, presence: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """``(T, 33)`` bool: landmark inside the frame and present; landmark visible.

    A NaN visibility or presence (a model that does not report it) does not gate.
    """
    with np.errstate(invalid="ignore"):
        inside = inside_frame(image) & ~(np.asarray(presence) < MIN_PRESENCE)
        visible = ~(np.asarray(visibility) < MIN_VISIBILITY)
    return inside, visible
