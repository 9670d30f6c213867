"""Camera roll from the scene: the long straight vertical lines of a room.

A camera rolled by a few degrees tilts everything in the picture: every frontal angle (lean,
hip and shoulder lines) then reads the roll as body tilt. Rooms have long straight verticals
(door frames, wall corners, shelves, windows); on screen they are rotated by the camera roll.

Method: line segments from OpenCV's LSD detector on the grey image, outside the person's box
(from the landmarks, enlarged by :data:`PERSON_MARGIN`); segments longer than
:data:`MIN_LENGTH_FRACTION` of the image height and within :data:`MAX_TILT_DEG` of vertical;
the roll is the length-weighted median of their angles. Perspective makes verticals converge
toward a vanishing point when the camera looks down or up (5 deg at the image edge for a 14 deg
pitch), so each segment's angle is first corrected by the tilt the camera pitch alone would give
it at its place in the image: ``atan(x / (f / tan(pitch) - y))`` (x, y from the image centre, f
the focal length of a :data:`ASSUMED_VFOV_DEG` vertical field of view; the pitch is estimated
from the body, :func:`posture_check.measures.body_frame.estimate_pitch_deg`). Too few lines
(:data:`MIN_SEGMENTS`, or less than :data:`MIN_TOTAL_FRACTION` of the image height in all) ->
no estimate (``None``): the roll is then taken as 0 and the report says that the camera should
be level.

Letterbox and pillarbox bars are not room: the lines are looked for only inside the frame's
picture (:func:`posture_check.pose.picture.picture_area`; black 16:9 pillarbox bars, and bars filled
with a blurred copy of the clip, pulled a rendered 6 deg roll to 1.1, letterbox bars moved it
by up to 1 deg through the wrong centre and focal length). The perspective correction uses the
picture's own centre and height.

Sign (as :func:`posture_check.measures.kernel.compute_measures` expects it): ``roll_deg > 0``
means true verticals appear rotated counter-clockwise on screen.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from posture_check.measures.calibration import ASSUMED_VFOV_DEG
from posture_check.pose.picture import picture_area

__all__ = ["LARGE_ROLL_DEG", "RollEstimate", "estimate_roll_deg", "pool_roll"]

MIN_LENGTH_FRACTION = 0.12
MAX_TILT_DEG = 12.0
MIN_SEGMENTS = 2
MIN_TOTAL_FRACTION = 0.35
PERSON_MARGIN = 0.15
LARGE_ROLL_DEG = 3.0  # above this the report warns that the camera is tilted


@dataclass(frozen=True)
class RollEstimate:
    """``roll_deg`` (None: no estimate), the number of segments used and their total length as
    a fraction of the image height."""

    roll_deg: float | None
    n_segments: int
    total_length: float


def _segments(grey: np.ndarray) -> np.ndarray:
    lsd = cv2.createLineSegmentDetector()
    lines = lsd.detect(grey)[0]
    return np.zeros((0, 4)) if lines is None else lines.reshape(-1, 4).astype(np.float64)


def estimate_roll_deg(rgb: np.ndarray, person_px: np.ndarray | None = None,
                      pitch_deg: float = 0.0) -> RollEstimate:
    """Camera roll of one frame (module docstring), from the lines inside its
    :func:`picture_area`.

    Args:
        rgb: ``(H, W, 3)`` uint8 frame.
        person_px: ``(33, 2)`` landmark pixels of the person (NaN allowed) to mask out.
        pitch_deg: camera elevation (> 0 looking down), for the perspective correction.
    """
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    x0, y0, x1, y1 = picture_area(grey) or (0, 0, grey.shape[1], grey.shape[0])
    grey = grey[y0:y1, x0:x1]
    h, w = grey.shape
    if person_px is not None:
        person_px = np.asarray(person_px, dtype=np.float64) - np.array([x0, y0])
    seg = _segments(np.ascontiguousarray(grey))
    if len(seg) == 0:
        return RollEstimate(None, 0, 0.0)
    x1, y1, x2, y2 = seg.T
    dx, dy = x2 - x1, y2 - y1
    length = np.hypot(dx, dy)
    # angle from vertical: + = the segment's top leans to the right (clockwise on screen)
    flip = dy < 0
    dx = np.where(flip, -dx, dx)
    dy = np.where(flip, -dy, dy)
    tilt = np.degrees(np.arctan2(-dx, dy))  # top-to-bottom direction vs straight down
    if np.isfinite(pitch_deg) and abs(pitch_deg) > 0.1:
        f = 0.5 * h / np.tan(np.radians(ASSUMED_VFOV_DEG) / 2)
        vp_y = f / np.tan(np.radians(pitch_deg))  # vertical vanishing point, from the centre
        x, y = 0.5 * (x1 + x2) - w / 2, 0.5 * (y1 + y2) - h / 2
        tilt = tilt - np.degrees(np.arctan(x / (vp_y - y)))
    keep = (length >= MIN_LENGTH_FRACTION * h) & (np.abs(tilt) <= MAX_TILT_DEG)
    if person_px is not None and np.isfinite(person_px).any():
        lo = np.nanmin(person_px, axis=0)
        hi = np.nanmax(person_px, axis=0)
        pad = PERSON_MARGIN * (hi - lo) + 0.03 * np.array([w, h])
        lo, hi = lo - pad, hi + pad
        mx, my = 0.5 * (x1 + x2), 0.5 * (y1 + y2)
        inside = (mx > lo[0]) & (mx < hi[0]) & (my > lo[1]) & (my < hi[1])
        keep &= ~inside
    n = int(keep.sum())
    total = float(length[keep].sum() / h)
    if n < MIN_SEGMENTS or total < MIN_TOTAL_FRACTION:
        return RollEstimate(None, n, total)
    t, wt = tilt[keep], length[keep]
    order = np.argsort(t)
    cum = np.cumsum(wt[order])
    median = float(t[order][np.searchsorted(cum, 0.5 * cum[-1])])
    # a vertical whose top leans right (clockwise) = camera rolled so verticals turn clockwise:
    # roll_deg > 0 means counter-clockwise, so the sign flips
    return RollEstimate(-median, n, total)


def pool_roll(estimates: list[RollEstimate]) -> RollEstimate:
    """One roll for a fixed camera from several frames: the median of the frames' estimates."""
    good = [e for e in estimates if e.roll_deg is not None]
    if not good:
        return RollEstimate(None, sum(e.n_segments for e in estimates),
                            max((e.total_length for e in estimates), default=0.0))
    return RollEstimate(float(np.median([e.roll_deg for e in good])),
                        int(np.median([e.n_segments for e in good])),
                        float(np.median([e.total_length for e in good])))
