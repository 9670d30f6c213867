"""The landmarks of a live session, kept for its summary (no video, only numbers)."""

from __future__ import annotations

import math

import numpy as np

from posture_check.pose.landmarks import N_LANDMARKS
from posture_check.pose.series import PoseSeries

__all__ = ["SessionRecorder"]


class SessionRecorder:
    """Landmarks of a live session in preallocated arrays, for the session summary.

    One frame costs ``FRAME_BYTES`` (~1.1 kB: image and world landmarks, visibility and
    presence as float32, the timestamp and the number of people found). The arrays are
    allocated once (``np.empty``: pages are only touched, so resident, as frames are written)
    for ``max_s`` seconds at up to ``max_fps`` frames per second. Recording is capped by time:
    a frame later than ``max_s`` seconds after the first one (or beyond the capacity) is not
    recorded and :attr:`full` becomes True, so the summary covers the first ``max_s`` seconds
    and the app can say so. Not thread-safe by itself (the engine serialises calls).
    """

    FRAME_BYTES = 2 * 33 * 3 * 4 + 2 * 33 * 4 + 8 + 1

    def __init__(self, max_s: float, max_fps: float = 60.0) -> None:
        if max_s <= 0 or max_fps <= 0:
            raise ValueError(f"max_s and max_fps must be > 0, got {max_s}, {max_fps}")
        self.max_s = float(max_s)
        cap = math.ceil(max_s * max_fps) + 1
        self._image = np.empty((cap, N_LANDMARKS, 3), np.float32)
        self._world = np.empty((cap, N_LANDMARKS, 3), np.float32)
        self._vis = np.empty((cap, N_LANDMARKS), np.float32)
        self._pres = np.empty((cap, N_LANDMARKS), np.float32)
        self._t = np.empty(cap, np.float64)
        self._people = np.empty(cap, np.uint8)
        self._n = 0
        self._size: tuple[int, int] | None = None
        self._meta: dict = {}
        self.full = False

    @property
    def capacity(self) -> int:
        return int(self._t.shape[0])

    def __len__(self) -> int:
        return self._n

    @property
    def duration_s(self) -> float:
        return float(self._t[self._n - 1] - self._t[0]) if self._n > 1 else 0.0

    def add(self, frame: PoseSeries) -> bool:
        """Record the frames of ``frame`` (usually one); False once the recording is full."""
        ppf = frame.counts
        for i in range(len(frame)):
            t = float(frame.t_s[i])
            if self._size is None:
                self._size, self._meta = frame.frame_size, dict(frame.meta)
            if (self._n >= self.capacity or (self._n and t - self._t[0] > self.max_s)
                    or frame.frame_size != self._size):
                self.full = True
                return False
            k = self._n
            self._image[k] = frame.image[i]
            self._world[k] = frame.world[i]
            self._vis[k] = frame.visibility[i]
            self._pres[k] = frame.presence[i]
            self._t[k] = t
            self._people[k] = min(int(ppf[i]), 255)
            self._n += 1
        return True

    def series(self) -> PoseSeries | None:
        """The recorded frames as one PoseSeries (copies; None before the first frame).

        ``people_per_frame`` is the per-frame count of people found, like a recorded
        video's."""
        n = self._n
        if n == 0 or self._size is None:
            return None
        meta = {**self._meta, "running_mode": "live",
                "recording_full": self.full, "recording_max_s": self.max_s}
        return PoseSeries(self._image[:n].copy(), self._world[:n].copy(), self._vis[:n].copy(),
                          self._pres[:n].copy(), self._t[:n].copy(), self._size,
                          "live camera", meta, self._people[:n].astype(np.int64))

