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

Letterbox and pillarbox bars (a portrait phone clip exported in a 16:9 frame, a 4:3 clip in a
wide one) are not picture: their inner edges are long, exactly vertical lines that say nothing
about the room, and the perspective correction needs the picture's own centre and height. So
the lines are looked for only inside :func:`picture_area` (black borders, as ``ffmpeg``'s
``cropdetect`` finds them: flat black rows or columns at opposite edges, of about the same
size; black only, because a plain wall above and a plain floor below are flat too). Measured
on renders with a known roll: black 16:9 pillarbox bars pulled a roll of 6 deg to 1.1 (their
edges out-voted the room), letterbox bars moved it by up to 1 deg (the wrong centre and focal
length); both now give the estimate of the bare picture. None of 400 bench renders is cropped.
Bars that are not flat and black (a blurred copy of the clip behind it, a coloured frame) are
not found: their edges can still pull the estimate, and the report's roll warning and the
``--camera-roll-deg`` option remain the remedy.

Sign (as :func:`posture_check.measures.kernel.compute_measures` expects it): ``roll_deg > 0``
means true verticals appear rotated counter-clockwise on screen.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .calibration import ASSUMED_VFOV_DEG

__all__ = ["BAR_INSET_PX", "LARGE_ROLL_DEG", "RollEstimate", "estimate_roll_deg", "picture_area",
           "pool_roll"]

MIN_LENGTH_FRACTION = 0.12
MAX_TILT_DEG = 12.0
MIN_SEGMENTS = 2
MIN_TOTAL_FRACTION = 0.35
PERSON_MARGIN = 0.15
LARGE_ROLL_DEG = 3.0  # above this the report warns that the camera is tilted
# letterbox / pillarbox bars (picture_area): a bar's rows or columns are black (mean grey level
# at most this; video black is 16) ...
BAR_MAX_GREY = 40.0
BAR_FLAT_STD = 4.0  # ... and flat to this spread of grey levels (compression noise ~1) ...
BAR_MIN_FRACTION = 0.02  # ... each bar at least this share of the side ...
BAR_SYMMETRY = 0.01  # ... and the opposite bar the same size within this share (+ 2 px)
BAR_INSET_PX = 2  # compression ringing along a bar's edge is left out with the bar


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


def _bar_pair(flat: np.ndarray) -> tuple[int, int]:
    """``(start, stop)`` of the picture along one axis from its lines' flatness: bars at both
    ends of about the same size, else the whole axis."""
    n = len(flat)
    lead = np.flatnonzero(~flat)
    if lead.size == 0:
        return 0, n  # a flat frame: nothing to crop to
    a, b = int(lead[0]), int(n - 1 - lead[-1])
    if (min(a, b) >= BAR_MIN_FRACTION * n and abs(a - b) <= BAR_SYMMETRY * n + 2
            and a + b <= 0.8 * n):
        return a + BAR_INSET_PX, n - b - BAR_INSET_PX
    return 0, n


def picture_area(grey: np.ndarray) -> tuple[int, int, int, int]:
    """``(x0, y0, x1, y1)`` pixels of the picture inside letterbox / pillarbox bars (the whole
    frame when there are none): rows (columns) at the top and bottom (left and right) whose
    grey levels average at most :data:`BAR_MAX_GREY` and spread less than
    :data:`BAR_FLAT_STD`, at both ends, at least
    :data:`BAR_MIN_FRACTION` of the side and the same size within :data:`BAR_SYMMETRY`, less
    :data:`BAR_INSET_PX` of ringing. One-sided flat rows (a plain ceiling) are picture."""
    g = grey.astype(np.float32)
    y0, y1 = _bar_pair((g.std(axis=1) < BAR_FLAT_STD) & (g.mean(axis=1) <= BAR_MAX_GREY))
    x0, x1 = _bar_pair((g.std(axis=0) < BAR_FLAT_STD) & (g.mean(axis=0) <= BAR_MAX_GREY))
    return x0, y0, x1, y1


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
    x0, y0, x1, y1 = picture_area(grey)
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
