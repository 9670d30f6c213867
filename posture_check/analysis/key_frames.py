"""Key frames: the thumbnails kept while a recording decodes (:class:`Thumbnails`, bounded
whatever the length), the few chosen for reports, and the camera roll read from them."""

from __future__ import annotations

import warnings

import numpy as np

from posture_check.analysis.results import KeyFrame
from posture_check.measures import MeasureSeries
from posture_check.measures.camera_roll import estimate_roll_deg, pool_roll
from posture_check.measures.kernel import series_constants
from posture_check.pose.series import PoseSeries
from posture_check.pose.video_io import downscale_for_inference

__all__ = ["MAX_THUMBNAILS", "Thumbnails", "camera_roll_from_frames", "choose_key_frames"]

MAX_THUMBNAILS = 48
THUMBNAIL_MAX_SIDE = 720
THUMBNAIL_START_INTERVAL_S = 0.5
ROLL_FRAMES = 6


class Thumbnails:
    """Keep at most ``cap`` thumbnails spread over the recording (interval doubles when full)."""

    def __init__(self, cap: int = MAX_THUMBNAILS, max_side: int = THUMBNAIL_MAX_SIDE,
                 interval_s: float = THUMBNAIL_START_INTERVAL_S) -> None:
        self.cap, self.max_side, self.interval_s = cap, max_side, interval_s
        self.items: list[tuple[int, float, np.ndarray]] = []
        self._next_t = -np.inf

    def offer(self, index: int, t_s: float, rgb: np.ndarray) -> None:
        if t_s < self._next_t:
            return
        self.items.append((index, t_s, downscale_for_inference(rgb, self.max_side).copy()))
        self._next_t = t_s + self.interval_s
        if len(self.items) > self.cap:
            self.items = self.items[::2]
            self.interval_s *= 2.0
            self._next_t = self.items[-1][1] + self.interval_s


def choose_key_frames(candidates: list[tuple[int, float, np.ndarray]], measures: MeasureSeries,
                       stretch, n_posture: int) -> list[KeyFrame]:
    """Posture key frames spread over time (most measures valid), plus one per stretch hold."""
    if not candidates:
        return []
    stack = np.stack(list(measures.values.values()), axis=1)
    n_valid = np.isfinite(stack).sum(axis=1)
    idx = np.array([c[0] for c in candidates])
    idx = np.clip(idx, 0, len(n_valid) - 1)
    # most measures valid first, then closest to the recording's medians (representative)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN measures
        med = np.nanmedian(stack, axis=0)
        spread = np.nanpercentile(stack, 90, axis=0) - np.nanpercentile(stack, 10, axis=0)
        dev = np.abs(stack[idx] - med) / np.where(np.isfinite(spread) & (spread > 0.5),
                                                  spread, 0.5)
        dev = np.nanmean(dev, axis=1)
    score = n_valid[idx] - np.clip(np.nan_to_num(dev, nan=1.0), 0.0, 0.99)
    chosen: dict[int, str] = {}
    order = np.arange(len(candidates))
    for b, group in enumerate(np.array_split(order, max(1, min(n_posture, len(order))))):
        if group.size == 0:
            continue
        best = group[np.argmax(score[group])]
        if score[best] > 0 or (b == 0 and not chosen):
            chosen.setdefault(int(best), "posture")
    if stretch is not None:
        times = np.array([c[1] for c in candidates])
        for rep in stretch.repetitions[:4]:
            mid = 0.5 * (rep.t_hold_start_s + rep.t_hold_end_s)
            k = int(np.argmin(np.abs(times - mid)))
            side = "" if rep.side == "both" else f" {rep.side}"
            chosen[k] = f"repetition {rep.index + 1}{side}: holding"
    if not chosen:
        chosen[0] = "posture"
    return [KeyFrame(candidates[k][0], candidates[k][1], candidates[k][2], label)
            for k, label in sorted(chosen.items(), key=lambda p: candidates[p[0]][0])]


def camera_roll_from_frames(series: PoseSeries, thumbnails: list[tuple[int, float, np.ndarray]],
                 given: float | None) -> tuple[float, str]:
    """The camera roll to remove and where it came from (``"given"``, ``"scene"``, ``"none"``).

    From the room's vertical lines in up to :data:`ROLL_FRAMES` key-frame candidates (the
    person masked out, perspective corrected with the body's pitch), pooled by median.
    """
    if given is not None:
        return float(given), "given"
    if not thumbnails:
        return 0.0, "none"
    pitch = series_constants(series)["pitch_deg"]
    pick = np.unique(np.linspace(0, len(thumbnails) - 1, min(ROLL_FRAMES, len(thumbnails)))
                     .astype(int))
    estimates = []
    for k in pick:
        index, _, rgb = thumbnails[int(k)]
        h, w = rgb.shape[:2]
        i = min(max(index, 0), len(series) - 1)
        px = series.image[i, :, :2].astype(np.float64) * np.array([w, h])
        estimates.append(estimate_roll_deg(rgb, px, pitch if np.isfinite(pitch) else 0.0))
    pooled = pool_roll(estimates)
    return (0.0, "none") if pooled.roll_deg is None else (pooled.roll_deg, "scene")

