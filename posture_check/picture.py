"""The picture inside a frame: black letterbox and pillarbox bars are not picture.

A portrait phone clip exported in a 16:9 frame comes with black bars left and right
(pillarbox), a wide clip in a tall frame with bars above and below (letterbox). The bars are
not the camera's picture, and three things go wrong if they are taken for it:

* the room's vertical lines (:mod:`posture_check.measures.camera_roll`): a bar's inner edge is
  a long, exactly vertical line; black 16:9 bars pulled a rendered 6 deg camera roll to 1 deg;
* the camera geometry: the measures assume the picture's centre is the optical axis and its
  height spans :data:`~posture_check.measures.calibration.ASSUMED_VFOV_DEG`; letterbox bars
  add to the height (the real standing clip letterboxed 9:16 read its turn-outs 2.7-3.2 deg
  higher; cut to its picture, 0.6-1.3, what re-encoding the padded frames moves them);
* "the whole body in the picture": a body cut at the picture's edge lies inside the frame.

So a recording or a photo is analysed in its picture (:func:`posture_check.analysis.analyze`):
the picture is found on frames spread over the recording before the model loads
(:func:`posture_check.video_io.sample_frames`), and every frame is cut to it (:func:`crop`)
before the model reads it, so the model also sees the person at the picture's full resolution
(it pads its input to a square, where the bars would shrink them). The series, the key frames
and the annotated video are the picture's; the JSON gives ``input.picture``. The live check
and ``posture-check landmarks`` (raw model output) do not look for bars.

How bars are found (:func:`picture_area`, as ``ffmpeg``'s ``cropdetect`` finds black borders):
rows (columns) at both the top and the bottom (left and right) edges that are black (mean grey
level at most :data:`BAR_MAX_GREY`) and flat (spread below :data:`BAR_FLAT_STD`), at least
:data:`BAR_MIN_FRACTION` of the side, the two of the same size within :data:`BAR_SYMMETRY`.
Black only, because a plain wall above and a plain floor below are flat too; both sides,
because a dark ceiling alone is picture. A recording's picture (:func:`picture_of_frames`) is
the union of the sampled frames' pictures, a frame with nothing in it (a black fade) not
counting: only what is a bar in every frame is cut, so a title card of white text on black does
not crop the recording to the text. None of the 400 bench renders is cropped. Bars that are not
black and flat (a blurred copy of the clip behind it, a coloured frame) are not found.

Areas are ``(x0, y0, x1, y1)``: pixels for one image, fractions of the frame for a recording.
"""

from __future__ import annotations

from collections.abc import Iterable

import cv2
import numpy as np

__all__ = ["BAR_FLAT_STD", "BAR_INSET_PX", "BAR_MAX_GREY", "BAR_MIN_FRACTION", "BAR_SYMMETRY",
           "Area", "crop", "picture_area", "picture_of_frames", "picture_size"]

Area = tuple[float, float, float, float]

BAR_MAX_GREY = 40.0  # a bar's lines average at most this grey level (video black is 16) ...
BAR_FLAT_STD = 4.0  # ... and spread less than this (compression noise on a black bar ~1) ...
BAR_MIN_FRACTION = 0.02  # ... each bar at least this share of the side ...
BAR_SYMMETRY = 0.01  # ... and the opposite bar the same size within this share (+ 2 px)
BAR_INSET_PX = 2  # compression ringing along a bar's edge is left out with the bar


def _bar_pair(flat: np.ndarray) -> tuple[int, int]:
    """``(start, stop)`` of the picture along one axis from its lines' flatness: bars at both
    ends of about the same size, else the whole axis."""
    n = len(flat)
    content = np.flatnonzero(~flat)
    a, b = int(content[0]), int(n - 1 - content[-1])
    if (min(a, b) >= BAR_MIN_FRACTION * n and abs(a - b) <= BAR_SYMMETRY * n + 2
            and a + b <= 0.8 * n):
        return a + BAR_INSET_PX, n - b - BAR_INSET_PX
    return 0, n


def picture_area(grey: np.ndarray) -> tuple[int, int, int, int] | None:
    """``(x0, y0, x1, y1)`` pixels of the picture inside black bars of a ``(H, W)`` uint8 grey
    frame (the whole frame when there are none; module docstring); None when the frame is
    blank (every line black and flat: nothing to tell bars from)."""
    g = grey.astype(np.float32)
    rows = (g.std(axis=1) < BAR_FLAT_STD) & (g.mean(axis=1) <= BAR_MAX_GREY)
    cols = (g.std(axis=0) < BAR_FLAT_STD) & (g.mean(axis=0) <= BAR_MAX_GREY)
    if rows.all() or cols.all():
        return None
    y0, y1 = _bar_pair(rows)
    x0, x1 = _bar_pair(cols)
    return x0, y0, x1, y1


def picture_of_frames(frames: Iterable[np.ndarray]) -> Area | None:
    """The picture of a recording from ``(H, W, 3)`` RGB frames of it, as fractions of the
    frame: the union of the frames' pictures (blank frames left out); None when that is the
    whole frame (or every frame is blank)."""
    union: list[float] | None = None
    for rgb in frames:
        h, w = rgb.shape[:2]
        area = picture_area(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
        if area is None:
            continue
        x0, y0, x1, y1 = area[0] / w, area[1] / h, area[2] / w, area[3] / h
        union = [x0, y0, x1, y1] if union is None else [
            min(union[0], x0), min(union[1], y0), max(union[2], x1), max(union[3], y1)]
    if union is None or union == [0.0, 0.0, 1.0, 1.0]:
        return None
    return union[0], union[1], union[2], union[3]


def _pixels(area: Area, width: int, height: int) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = area
    return (round(x0 * width), round(y0 * height), max(round(x1 * width), round(x0 * width) + 1),
            max(round(y1 * height), round(y0 * height) + 1))


def crop(rgb: np.ndarray, area: Area | None) -> np.ndarray:
    """``rgb`` cut to ``area`` (fractions; None: unchanged), contiguous."""
    if area is None:
        return rgb
    x0, y0, x1, y1 = _pixels(area, rgb.shape[1], rgb.shape[0])
    return np.ascontiguousarray(rgb[y0:y1, x0:x1])


def picture_size(area: Area | None, frame_size: tuple[int, int]) -> tuple[int, int]:
    """``(width, height)`` pixels of ``area`` (fractions; None: the whole frame) of a frame of
    ``frame_size``: the size of :func:`crop`'s result."""
    if area is None:
        return frame_size
    x0, y0, x1, y1 = _pixels(area, *frame_size)
    return x1 - x0, y1 - y0
