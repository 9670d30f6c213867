"""`PoseSeries`: the one data type for a pose time series.

It flows from extraction (:mod:`posture_check.pose.estimator`) through measures, stretch checks and
reports. Every array is indexed ``[frame, landmark, axis]``; a frame where no person was found is
all-NaN, never dropped, so ``t_s`` always lists every analysed frame.

Coordinates follow MediaPipe:

* ``image``: x and y normalized to the frame width and height (0..1, origin top-left, y down);
  z is depth relative to the hips, on roughly the scale of x (smaller = nearer the camera).
  Because x and y are normalized separately, angles must be computed in pixels: use
  :meth:`PoseSeries.image_px`.
* ``world``: metres, origin between the hips, x toward the image right, y down, z away from the
  camera (MediaPipe's "world landmarks").

Landmark order is :class:`posture_check.pose.landmarks.Landmark`; left/right are the subject's own.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from posture_check.atomic import atomic_path
from posture_check.errors import InputError
from posture_check.pose.landmarks import MIRROR_PERMUTATION, N_LANDMARKS

NPZ_FORMAT_VERSION = 2  # 1: people_per_frame an array of its own; 2: flip_averaged too


def people_counts(raw: object, detected: np.ndarray) -> np.ndarray:
    """``(T,)`` int64 people found per frame from ``raw`` (a sequence of counts).

    Missing or malformed data (None, wrong length, non-numbers, NaN) falls back to 1 where a
    person was ``detected`` (``(T,)`` bool), else 0.
    """
    fallback = detected.astype(np.int64)
    if raw is None:
        return fallback
    try:
        arr = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        return fallback
    if arr.shape != detected.shape or not np.isfinite(arr).all():
        return fallback
    return arr.astype(np.int64)


def flip_flags(raw: object, n: int) -> np.ndarray:
    """``(n,)`` bool: which frames are flip-averaged, from ``raw`` (one bool for every frame,
    or a sequence of ``n``). None, or a sequence of the wrong length, means none are."""
    if raw is None:
        return np.zeros(n, dtype=bool)
    arr = np.asarray(raw)
    if arr.ndim == 0:
        return np.full(n, bool(arr), dtype=bool)
    if arr.shape != (n,):
        return np.zeros(n, dtype=bool)
    return arr.astype(bool)


def initialised(field: np.ndarray | None, name: str) -> np.ndarray:
    """A per-frame field that ``__post_init__`` always fills, typed as set (narrows the
    ``None`` a caller may pass to the constructor)."""
    if field is None:
        raise RuntimeError(f"{name} was not initialised")
    return field


@dataclass(frozen=True, eq=False)
class PoseSeries:
    """Landmarks of one person over ``T`` frames.

    Attributes:
        image: ``(T, 33, 3)`` normalized image landmarks (see module docstring).
        world: ``(T, 33, 3)`` world landmarks in metres.
        visibility: ``(T, 33)`` probability (0..1) that each landmark is visible (not occluded).
        presence: ``(T, 33)`` probability (0..1) that each landmark is inside the frame.
        t_s: ``(T,)`` timestamps in seconds, non-decreasing, from the container (not frame counts).
        frame_size: ``(width, height)`` of the analysed frames in pixels.
        source: where the series came from (file name, ``"camera"``, ...).
        meta: free-form JSON-serializable metadata about the whole series (model, running
            mode, damage, ...); never per-frame data.
        people_per_frame: ``(T,)`` int64 number of people the model found in each frame
            (capped at the estimator's ``num_poses``). Like every per-frame field it slices
            and concatenates with the series. Not given: 1 where a person was detected, else
            0. A legacy ``meta["people_per_frame"]`` list is moved here (see
            :func:`people_counts` for how malformed counts are treated).
        flip_averaged: ``(T,)`` bool: the frame's landmarks are the mean of the model's pass
            on the frame and on its mirror image (:mod:`posture_check.pose.flip`). Per frame,
            because adaptive sampling (:mod:`posture_check.analysis.sampling`) flip-averages only
            the
            quiet frames; the calibration and the intervals are chosen per frame. Not given:
            a legacy ``meta["flip_average"]`` bool for every frame (moved here), else False.
    """

    image: np.ndarray
    world: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray
    t_s: np.ndarray
    frame_size: tuple[int, int]
    source: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    people_per_frame: np.ndarray | None = None
    flip_averaged: np.ndarray | None = None

    def __post_init__(self) -> None:
        t = np.asarray(self.t_s, dtype=np.float64)
        n = t.shape[0] if t.ndim == 1 else -1
        if t.ndim != 1:
            raise ValueError(f"t_s must have shape (T,), got {t.shape}")
        checks = {
            "image": (self.image, (n, N_LANDMARKS, 3)),
            "world": (self.world, (n, N_LANDMARKS, 3)),
            "visibility": (self.visibility, (n, N_LANDMARKS)),
            "presence": (self.presence, (n, N_LANDMARKS)),
        }
        for name, (arr, shape) in checks.items():
            arr = np.asarray(arr, dtype=np.float32)
            if arr.shape != shape:
                raise ValueError(f"{name} must have shape {shape}, got {arr.shape}")
            object.__setattr__(self, name, arr)
        if n > 1 and np.any(np.diff(t) < 0):
            raise ValueError("t_s must be non-decreasing")
        object.__setattr__(self, "t_s", t)
        w, h = (int(v) for v in self.frame_size)
        if w <= 0 or h <= 0:
            raise ValueError(f"frame_size must be positive (width, height), got {self.frame_size}")
        object.__setattr__(self, "frame_size", (w, h))
        meta = dict(self.meta)
        legacy = meta.pop("people_per_frame", None)
        legacy_flip = meta.pop("flip_average", None)
        object.__setattr__(self, "meta", meta)
        raw = self.people_per_frame if self.people_per_frame is not None else legacy
        object.__setattr__(self, "people_per_frame", people_counts(raw, self.detected))
        flip = self.flip_averaged if self.flip_averaged is not None else legacy_flip
        object.__setattr__(self, "flip_averaged", flip_flags(flip, n))

    # ------------------------------------------------------------------ construction
    @classmethod
    def empty(
        cls,
        t_s: np.ndarray,
        frame_size: tuple[int, int],
        source: str = "",
        meta: dict[str, Any] | None = None,
    ) -> PoseSeries:
        """A series of ``len(t_s)`` frames with no person detected (all NaN)."""
        n = len(t_s)
        nan3 = np.full((n, N_LANDMARKS, 3), np.nan, np.float32)
        nan2 = np.full((n, N_LANDMARKS), np.nan, np.float32)
        return cls(nan3, nan3.copy(), nan2, nan2.copy(), np.asarray(t_s, float), frame_size,
                   source, dict(meta or {}))

    @classmethod
    def concatenate(cls, parts: list[PoseSeries]) -> PoseSeries:
        """Join series of the same source and frame size in time order."""
        if not parts:
            raise ValueError("need at least one PoseSeries to concatenate")
        first = parts[0]
        if any(p.frame_size != first.frame_size for p in parts):
            raise ValueError("cannot concatenate series with different frame sizes")
        image, world, visibility, presence, t_s, people, flip = (
            np.concatenate([getattr(p, k) for p in parts]) for k in
            ("image", "world", "visibility", "presence", "t_s", "people_per_frame",
             "flip_averaged"))
        return cls(image, world, visibility, presence, t_s, first.frame_size, first.source,
                   dict(first.meta), people, flip)

    # ------------------------------------------------------------------ views
    def __len__(self) -> int:
        return int(self.t_s.shape[0])

    @property
    def n_frames(self) -> int:
        return len(self)

    @property
    def counts(self) -> np.ndarray:
        """``(T,)`` int64 people found per frame (:attr:`people_per_frame`, typed as set)."""
        return initialised(self.people_per_frame, "PoseSeries.people_per_frame")

    @property
    def flipped(self) -> np.ndarray:
        """``(T,)`` bool :attr:`flip_averaged`, typed as set."""
        return initialised(self.flip_averaged, "PoseSeries.flip_averaged")

    @property
    def detected(self) -> np.ndarray:
        """``(T,)`` bool: a person was found in the frame, i.e. at least one landmark has finite
        image x and y (a frame of NaN or infinite landmarks has nobody)."""
        return np.isfinite(self.image[:, :, :2]).all(axis=2).any(axis=1)

    def image_px(self) -> np.ndarray:
        """``(T, 33, 2)`` image x, y in pixels (float64), so angles are not distorted."""
        w, h = self.frame_size
        return self.image[:, :, :2].astype(np.float64) * np.array([w, h], dtype=np.float64)

    def __getitem__(self, index: int | slice | np.ndarray) -> PoseSeries:
        """Frames selected by a slice, index array or boolean mask."""
        if isinstance(index, int | np.integer):
            index = slice(int(index), int(index) + 1 if index != -1 else None)
        return PoseSeries(self.image[index], self.world[index], self.visibility[index],
                          self.presence[index], self.t_s[index], self.frame_size, self.source,
                          dict(self.meta), self.counts[index], self.flipped[index])

    def mirrored(self) -> PoseSeries:
        """The series of the mirror image (flip x, swap the subject's left and right)."""
        perm = list(MIRROR_PERMUTATION)
        image = self.image[:, perm].copy()
        image[..., 0] = 1.0 - image[..., 0]
        world = self.world[:, perm].copy()
        world[..., 0] = -world[..., 0]
        return PoseSeries(image, world, self.visibility[:, perm], self.presence[:, perm],
                          self.t_s, self.frame_size, self.source, dict(self.meta), self.counts,
                          self.flipped)

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | os.PathLike[str]) -> Path:
        """Save to a compressed ``.npz`` atomically; returns the path written."""
        path = Path(path)
        with atomic_path(path, suffix=".npz") as tmp:
            np.savez_compressed(
                tmp, image=self.image, world=self.world, visibility=self.visibility,
                presence=self.presence, t_s=self.t_s, people_per_frame=self.counts,
                flip_averaged=self.flipped,
                frame_size=np.asarray(self.frame_size, np.int64),
                source=np.asarray(self.source), meta=np.asarray(json.dumps(self.meta)),
                format_version=np.asarray(NPZ_FORMAT_VERSION),
            )
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> PoseSeries:
        """Load a series written by :meth:`save`."""
        path = Path(path)
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        try:
            with np.load(path, allow_pickle=False) as z:
                w, h = (int(v) for v in z["frame_size"])
                people = z["people_per_frame"] if "people_per_frame" in z.files else None
                flip = z["flip_averaged"] if "flip_averaged" in z.files else None
                return cls(z["image"], z["world"], z["visibility"], z["presence"], z["t_s"],
                           (w, h), str(z["source"]), json.loads(str(z["meta"])), people, flip)
        except (OSError, KeyError, ValueError) as exc:
            raise InputError(f"{path}: not a posture-check landmark file ({exc})") from exc
