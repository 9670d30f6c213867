"""Quiet standing: which frames of a recording show the person standing still.

Posture (lean, hip height, foot turn-out, ...) is defined for quiet standing; frames of walking,
turning, stepping or jumping give readings that mean nothing (a walking stride read as a 25 deg
turned-out foot). The standing measures are therefore taken only inside quiet-standing
segments; elsewhere they are gated with the reason ``"moving"``.

Definition (units: body heights per second, so it does not depend on distance or resolution):

* per frame, the speed of the mid-hip, the mid-shoulder and both ankles in the image, each
  divided by the body's image height (mid-ankle to mid-shoulder over :data:`TRUNK_LEG_FRACTION`);
  the frame's speed is the largest of the four (a stepping foot counts even if the hips stay);
  an ankle the model calls hidden (visibility below ``quality.MIN_VISIBILITY``) is left out:
  in a side view the far ankle behind the near leg is guessed, and its guess jitters (the
  same rule as adaptive sampling's speed, ``posture_check.analysis.sampling.pose_speed``; measured
  on
  the sample and real clips it changed no summary: the 0.2 s span already smooths most of that
  jitter, and it gave the hamstring hold's pelvic-tilt proxy 96 frames instead of 86);
* speeds are taken over :data:`SPEED_BASE_S` (central differences of a ~0.2 s span, so
  landmark jitter of a few pixels does not look like motion);
* a frame is quiet when its speed is below :data:`MAX_SPEED` (0.1 body heights/s: quiet
  standing sways about 0.005-0.02, walking moves the hips about 0.7 and the feet far more) and
  the body is upright (both knees bent less than :data:`MAX_KNEE_FLEXION_DEG`: MediaPipe reads
  15-30 deg on real people standing straight, a squat goes past 60);
* a quiet-standing segment is a run of quiet frames lasting at least :data:`MIN_SEGMENT_S`
  (or the whole recording, if it is shorter); shorter runs (the pause between two steps) do
  not count.

Frames without a timestamp spread (a photo, or independent stills) are all "quiet": there is
no motion to see.

Live (:class:`LiveStillness`), the same speed rule is applied causally, in constant time per
frame: a frame is in quiet standing once the body has been still for
:data:`LIVE_MIN_STILL_S` (half a second: the live panel should follow the person promptly, and
its findings still need a few seconds of such frames), so the first half second after the
person stops moving is still gated.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from posture_check.measures.quality import MIN_VISIBILITY
from posture_check.pose.landmarks import Landmark as L

__all__ = ["LIVE_MIN_STILL_S", "MAX_KNEE_FLEXION_DEG", "MAX_SPEED", "MIN_SEGMENT_S",
           "SPEED_BASE_S", "TRUNK_LEG_FRACTION", "LiveStillness", "body_speed", "key_points",
           "quiet_standing", "shown_key_points"]

MAX_SPEED = 0.10
MIN_SEGMENT_S = 1.0
LIVE_MIN_STILL_S = 0.5
SPEED_BASE_S = 0.2
MAX_KNEE_FLEXION_DEG = 45.0
# mid-ankle -> mid-shoulder is about 0.78 of stature (ankle 0.04 H, shoulder 0.82 H)
TRUNK_LEG_FRACTION = 0.78


def _mid(px: np.ndarray, a: int, b: int) -> np.ndarray:
    return 0.5 * (px[:, a] + px[:, b])


def key_points(px: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(T, 4, 2)`` mid-hip, mid-shoulder and ankles, and ``(T,)`` body image height."""
    points = np.stack([_mid(px, L.LEFT_HIP, L.RIGHT_HIP),
                       _mid(px, L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
                       px[:, L.LEFT_ANKLE], px[:, L.RIGHT_ANKLE]], axis=1)
    height = np.linalg.norm(_mid(px, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
                            - _mid(px, L.LEFT_ANKLE, L.RIGHT_ANKLE), axis=1) / TRUNK_LEG_FRACTION
    return points, height


def shown_key_points(visibility: np.ndarray | None, n: int) -> np.ndarray:
    """``(T, 4)`` bool: which key points of :func:`key_points` count, by ``(T, 33)``
    visibility: the mid-hip and mid-shoulder always; an ankle unless the model calls it hidden
    (visibility below :data:`~posture_check.measures.quality.MIN_VISIBILITY`; NaN, not
    reported, counts)."""
    shown = np.ones((n, 4), dtype=bool)
    if visibility is not None:
        vis = np.asarray(visibility, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            shown[:, 2:] = ~(vis[:, [L.LEFT_ANKLE, L.RIGHT_ANKLE]] < MIN_VISIBILITY)
    return shown


def body_speed(px: np.ndarray, t_s: np.ndarray, visibility: np.ndarray | None = None
               ) -> np.ndarray:
    """``(T,)`` image speed in body heights per second (NaN where unknown).

    ``px``: ``(T, 33, 2)`` image landmarks in pixels; ``t_s``: ``(T,)`` seconds;
    ``visibility``: ``(T, 33)``, to leave out an ankle the model calls hidden at either end of
    a difference (module docstring).
    """
    t = np.asarray(t_s, dtype=np.float64)
    n = len(t)
    out = np.full(n, np.nan)
    if n < 2:
        return out
    points, height = key_points(px)  # (T, 4, 2), (T,)
    shown = shown_key_points(visibility, n)
    # central differences over about SPEED_BASE_S: index offsets from the median frame step
    step = float(np.median(np.diff(t))) if n > 1 else 0.0
    k = max(1, round(0.5 * SPEED_BASE_S / step)) if step > 0 else 1
    lo = np.clip(np.arange(n) - k, 0, n - 1)
    hi = np.clip(np.arange(n) + k, 0, n - 1)
    dt = t[hi] - t[lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        disp = np.linalg.norm(points[hi] - points[lo], axis=2)
        disp = np.where(shown[hi] & shown[lo], disp, 0.0).max(axis=1)
        speed = disp / dt / height
    ok = (dt > 0) & np.isfinite(speed)
    out[ok] = speed[ok]
    return out


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``[start, stop)`` index runs where ``mask`` is True."""
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1), strict=True))


def quiet_standing(px: np.ndarray, t_s: np.ndarray,
                   knee_flexion_deg: np.ndarray | None = None,
                   visibility: np.ndarray | None = None) -> np.ndarray:
    """``(T,)`` bool: the frame lies in a quiet-standing segment (module docstring).

    Only frames with the person count (frames without are skipped, not breaks); a frame whose
    speed cannot be told (a single detection) is not held against it. ``knee_flexion_deg``:
    ``(T, 2)`` or ``(T,)`` knee flexion (NaN = unknown, not held against the frame);
    ``visibility``: ``(T, 33)``, hidden ankles left out of the speed (:func:`body_speed`).
    """
    t = np.asarray(t_s, dtype=np.float64)
    n = len(t)
    found = np.isfinite(px).all(axis=2).any(axis=1)
    out = np.zeros(n, dtype=bool)
    idx = np.flatnonzero(found)
    if len(idx) < 2 or not np.ptp(t[idx]) > 0:
        out[idx] = True
        return out
    tf = t[idx]
    vis = None if visibility is None else np.asarray(visibility)[idx]
    speed = body_speed(px[idx], tf, vis)
    with np.errstate(invalid="ignore"):
        quiet = ~(speed >= MAX_SPEED)
        if knee_flexion_deg is not None:
            k = np.asarray(knee_flexion_deg, dtype=np.float64).reshape(n, -1)[idx]
            quiet &= ~(k > MAX_KNEE_FLEXION_DEG).any(axis=1)
    need = min(MIN_SEGMENT_S, float(tf[-1] - tf[0]))
    for a, b in _runs(quiet):
        if tf[b - 1] - tf[a] >= need:
            out[idx[a:b]] = True
    return out


class LiveStillness:
    """Causal quiet-standing test for a live stream, one frame at a time (module docstring)."""

    def __init__(self, history_s: float = SPEED_BASE_S,
                 min_still_s: float = LIVE_MIN_STILL_S) -> None:
        self.history_s = float(history_s)
        self.min_still_s = float(min_still_s)
        self._past: deque[tuple[float, np.ndarray, np.ndarray]] = deque()
        self._still_since: float | None = None

    def update(self, px: np.ndarray, t_s: float, knee_flexion_deg: np.ndarray | None = None,
               visibility: np.ndarray | None = None) -> bool:
        """Whether the frame is in quiet standing. ``px``: ``(33, 2)`` landmark pixels (NaN: no
        person); ``knee_flexion_deg``: ``(2,)`` (NaN = unknown); ``visibility``: ``(33,)``, a
        hidden ankle (now or at the start of the span) is left out as in :func:`body_speed`."""
        points, height = key_points(np.asarray(px, dtype=np.float64)[None])
        shown = shown_key_points(None if visibility is None else np.asarray(visibility)[None], 1)[0]
        t = float(t_s)
        if not np.isfinite(points).all():
            return False  # no person: nothing to read (the gating says why)
        while self._past and t - self._past[0][0] > self.history_s:
            self._past.popleft()
        moving = False
        if self._past:
            t0, p0, shown0 = self._past[0]
            if t > t0 and height[0] > 0:
                disp = np.linalg.norm(points[0] - p0, axis=1)
                disp = float(np.where(shown & shown0, disp, 0.0).max())
                moving = disp / (t - t0) / float(height[0]) >= MAX_SPEED
        if knee_flexion_deg is not None:
            with np.errstate(invalid="ignore"):
                moving |= bool((np.asarray(knee_flexion_deg) > MAX_KNEE_FLEXION_DEG).any())
        self._past.append((t, points[0], shown))
        if moving:
            self._still_since = None
            return False
        if self._still_since is None:
            self._still_since = t
        return t - self._still_since >= self.min_still_s
