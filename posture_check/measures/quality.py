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

__all__ = ["MIN_PRESENCE", "MIN_VISIBILITY", "REASONS"]

REASONS: tuple[str, ...] = ("ok", "no_person", "out_of_frame", "low_visibility", "wrong_view")
OK, NO_PERSON, OUT_OF_FRAME, LOW_VISIBILITY, WRONG_VIEW = range(len(REASONS))
MIN_VISIBILITY = 0.5
MIN_PRESENCE = 0.5
_MARGIN = 0.01
