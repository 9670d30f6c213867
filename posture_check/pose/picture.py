"""The picture inside a frame: letterbox and pillarbox bars are not picture.

A portrait phone clip exported in a 16:9 frame comes with bars left and right (pillarbox), a
wide clip in a tall frame with bars above and below (letterbox), black or filled with a zoomed,
blurred copy of the clip. Taken for picture they pull the camera roll from the room's lines
(:mod:`posture_check.measures.camera_roll`), break the camera geometry (the picture's height
spans :data:`~posture_check.measures.calibration.ASSUMED_VFOV_DEG`) and hide a body cut at the
picture's edge. So a recording or a photo is analysed in its picture
(:func:`posture_check.analysis.pipeline.analyze`): found on frames spread over the recording
before the model loads (:func:`posture_check.pose.video_io.sample_frames`), every frame cut to
it (:func:`crop`) before the model reads it. The live check and ``posture-check landmarks`` do
not look for bars.

* :func:`picture_area`: black bars, as ``ffmpeg``'s ``cropdetect`` finds them: rows (columns)
  at both edges that are black (mean grey at most :data:`BAR_MAX_GREY`) and flat (spread below
  :data:`BAR_FLAT_STD`), at least :data:`BAR_MIN_FRACTION` of the side, the two of the same size
  within :data:`BAR_SYMMETRY`.
* :func:`blurred_pair`: where an axis has no black bars, blurred ones, each test a guard against
  a room's own lines (texture and steps in grey levels): an *edge* (:data:`BLUR_EDGE_MIN_GREY`,
  :data:`BLUR_EDGE_RATIO`, :data:`BLUR_EDGE_SEARCH`), *a pair* of the same size, *blurred*
  (texture at most :data:`BLUR_TEXTURE_RATIO` x the picture's), *straight*
  (:data:`BLUR_EDGE_LINE_GREY` along :data:`BLUR_EDGE_ALONG` of the edge) and *a copy*
  (correlation with the picture zoomed at least :data:`BLUR_COPY_MIN_R`, 64 columns wide).
* :func:`picture_of_frames`: a recording's picture is the union of the sampled frames'
  pictures (a black fade not counting): only what is a bar in every frame is cut.

Areas are ``(x0, y0, x1, y1)``: pixels for one image, fractions of the frame for a recording.
Why, and the measurements behind each threshold: see docs/decisions/letterbox-bars.md.
"""

from __future__ import annotations

from collections.abc import Iterable

import cv2
import numpy as np

__all__ = ["BAR_FLAT_STD", "BAR_INSET_PX", "BAR_MAX_GREY", "BAR_MIN_FRACTION", "BAR_SYMMETRY",
           "BLUR_COPY_MIN_R", "BLUR_EDGE_ALONG", "BLUR_EDGE_LINE_GREY", "BLUR_EDGE_MIN_GREY",
           "BLUR_EDGE_RATIO", "BLUR_EDGE_SEARCH", "BLUR_TEXTURE_RATIO", "Area", "blurred_pair",
           "crop", "picture_area", "picture_of_frames", "picture_size"]

Area = tuple[float, float, float, float]

BAR_MAX_GREY = 40.0  # a bar's lines average at most this grey level (video black is 16) ...
BAR_FLAT_STD = 4.0  # ... and spread less than this (compression noise on a black bar ~1) ...
BAR_MIN_FRACTION = 0.02  # ... each bar at least this share of the side ...
BAR_SYMMETRY = 0.01  # ... and the opposite bar the same size within this share (+ 2 px)
BAR_INSET_PX = 2  # compression ringing along a bar's edge is left out with the bar
BLUR_TEXTURE_RATIO = 0.5  # a blurred band has at most this share of the picture's texture
BLUR_EDGE_MIN_GREY = 6.0  # its inner edge steps by at least this much on average ...
BLUR_EDGE_RATIO = 4.0  # ... and by this many times the band's own step between lines
BLUR_EDGE_SEARCH = 8  # lines past the first such step where the largest one is the edge
BLUR_EDGE_LINE_GREY = 3.0  # the edge steps by at least this much ...
BLUR_EDGE_ALONG = 0.25  # ... along at least this share of its length, on both sides
BLUR_COPY_MIN_R = 0.7  # and the bands look like the picture zoomed (correlation at least this)
_COPY_COLUMNS = 64  # ... both seen this many columns wide


def _ends(band: np.ndarray) -> tuple[int, int] | None:
    """Sizes of the runs of ``band`` lines at both ends of an axis when they are bars: each at
    least :data:`BAR_MIN_FRACTION` of it, of about the same size, together at most 80%."""
    n = len(band)
    content = np.flatnonzero(~band)
    if not len(content):
        return None
    a, b = int(content[0]), int(n - 1 - content[-1])
    if (min(a, b) >= BAR_MIN_FRACTION * n and abs(a - b) <= BAR_SYMMETRY * n + 2
            and a + b <= 0.8 * n):
        return a, b
    return None


def _bar_pair(flat: np.ndarray) -> tuple[int, int]:
    """``(start, stop)`` of the picture along one axis from its lines' flatness: bars at both
    ends of about the same size, else the whole axis."""
    n = len(flat)
    ends = _ends(flat)
    if ends is None:
        return 0, n
    return ends[0] + BAR_INSET_PX, n - ends[1] - BAR_INSET_PX


def _first_edge(step: np.ndarray, n: int) -> int:
    """Size of a blurred band at the start of an axis: the first line at or past
    :data:`BAR_MIN_FRACTION` of it whose step from the line before is at least
    :data:`BLUR_EDGE_MIN_GREY` and :data:`BLUR_EDGE_RATIO` x the mean step before it (0: none
    before 40% of the axis)."""
    stop = int(0.4 * n)
    before = np.cumsum(step[:stop]) / np.arange(1, stop + 1)  # mean step up to and with i
    start = max(int(np.ceil(BAR_MIN_FRACTION * n)) - 1, 1)
    i = np.arange(start, stop)
    hit = step[i] >= np.maximum(BLUR_EDGE_MIN_GREY, BLUR_EDGE_RATIO * before[i - 1])
    if not hit.any():
        return 0
    first = int(i[hit][0])  # the edge is the largest step just there (not a block artefact)
    return first + int(np.argmax(step[first:first + BLUR_EDGE_SEARCH + 1])) + 1


def blurred_pair(grey: np.ndarray) -> tuple[int, int]:
    """``(start, stop)`` of the picture along the columns of a ``(H, W)`` grey frame between
    blurred bands (module docstring), else ``(0, W)``; pass ``grey.T`` for the rows."""
    g = grey.astype(np.float32)
    n = g.shape[1]
    if n < 20 or g.shape[0] < 2:
        return 0, n
    step = np.abs(np.diff(g, axis=1)).mean(axis=0)  # (W-1,) step between neighbouring columns
    a, b = _first_edge(step, n), _first_edge(step[::-1], n)
    if not (a and b and abs(a - b) <= BAR_SYMMETRY * n + 2):
        return 0, n
    texture = np.abs(np.diff(g, axis=0)).mean(axis=0)  # (W,) detail along each column
    m = BAR_INSET_PX
    band = np.r_[texture[:a - m], texture[n - b + m:]].mean()
    inside = texture[a + m:n - b - m].mean()
    # straight: the step is there along most of the edge, not where an arm's outline is
    along = min(float((np.abs(g[:, a] - g[:, a - 1]) >= BLUR_EDGE_LINE_GREY).mean()),
                float((np.abs(g[:, n - b] - g[:, n - b - 1]) >= BLUR_EDGE_LINE_GREY).mean()))
    if not (band <= BLUR_TEXTURE_RATIO * inside and along >= BLUR_EDGE_ALONG
            and _copy_likeness(g, a, b) >= BLUR_COPY_MIN_R):
        return 0, n
    return a + m, n - b - m


def _copy_likeness(g: np.ndarray, a: int, b: int) -> float:
    """Correlation of the bands of ``g`` (``a`` and ``b`` columns at the ends) with the
    picture between them zoomed to fill the frame, both seen small (:data:`_COPY_COLUMNS`
    columns, the one at each edge left out): near 1 for a blurred copy of the clip, low or NaN
    for a room's walls and for flat colour."""
    h, n = g.shape
    k = _COPY_COLUMNS / n
    rows = max(round(h * k), 2)
    small = cv2.resize(g, (_COPY_COLUMNS, rows), interpolation=cv2.INTER_AREA)
    pic = g[:, a:n - b]
    zh = max(round(h * n / pic.shape[1] * k), rows)
    zoomed = cv2.resize(pic, (_COPY_COLUMNS, zh), interpolation=cv2.INTER_AREA)
    top = (zh - rows) // 2
    zoomed = zoomed[top:top + rows]
    cols = np.r_[0:round(a * k) - 1, _COPY_COLUMNS - round(b * k) + 1:_COPY_COLUMNS]
    x, y = small[:, cols].ravel(), zoomed[:, cols].ravel()
    if len(cols) < 2 or x.std() < 1.0 or y.std() < 1.0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def picture_area(grey: np.ndarray) -> tuple[int, int, int, int] | None:
    """``(x0, y0, x1, y1)`` pixels of the picture inside black (or else blurred) bars of a
    ``(H, W)`` uint8 grey frame (the whole frame when there are none; module docstring); None
    when the frame is blank (every line black and flat: nothing to tell bars from)."""
    g = grey.astype(np.float32)
    rows = (g.std(axis=1) < BAR_FLAT_STD) & (g.mean(axis=1) <= BAR_MAX_GREY)
    cols = (g.std(axis=0) < BAR_FLAT_STD) & (g.mean(axis=0) <= BAR_MAX_GREY)
    if rows.all() or cols.all():
        return None
    y0, y1 = _bar_pair(rows)
    x0, x1 = _bar_pair(cols)
    # no black bars on an axis: perhaps blurred ones (a zoomed, blurred copy of the clip)
    if (x0, x1) == (0, g.shape[1]):
        x0, x1 = blurred_pair(grey[y0:y1])
    if (y0, y1) == (0, g.shape[0]):
        y0, y1 = blurred_pair(grey[:, x0:x1].T)
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
