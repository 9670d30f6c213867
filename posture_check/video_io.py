"""Reading images and videos: RGB frames with container timestamps, decoded ahead on a thread.

* Timestamps are the container's presentation times in seconds (OpenCV's ``CAP_PROP_POS_MSEC``
  after each read), so variable-frame-rate phone videos keep their real timing. Where a backend
  reports nothing usable (zero or non-increasing), frame index / nominal fps is used instead.
* Rotation metadata of phone videos is honoured (OpenCV applies it by default).
* Decoding runs ahead of the consumer on its own thread through a bounded queue, so memory stays
  bounded on hour-long videos while inference never waits for the decoder.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import cv2
import numpy as np

from .errors import InputError

# A video decoding to fewer than this fraction of the frames its container lists is refused as
# truncated (container counts of variable-frame-rate files can be a little off).
TRUNCATION_TOLERANCE = 0.95
T = TypeVar("T")
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about a video before decoding it."""

    path: Path
    width: int
    height: int
    fps: float
    n_frames: int  # as the container claims; may be 0 or wrong for damaged files

    @property
    def duration_s(self) -> float:
        return self.n_frames / self.fps if self.fps > 0 else float("nan")


def check_input_file(path: str | os.PathLike[str]) -> Path:
    """Return ``path`` as a Path if it is a non-empty regular file, else raise InputError."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if not p.is_file():
        raise InputError(f"{p}: not a file")
    if p.stat().st_size == 0:
        raise InputError(f"{p}: the file is empty")
    return p


def is_image_path(path: str | os.PathLike[str]) -> bool:
    return Path(path).suffix.lower() in IMAGE_SUFFIXES


def read_image_rgb(path: str | os.PathLike[str]) -> np.ndarray:
    """Read a still image as RGB uint8 ``(H, W, 3)``; EXIF orientation is applied."""
    p = check_input_file(path)
    bgr = cv2.imread(str(p), cv2.IMREAD_COLOR)
    if bgr is None:
        raise InputError(f"{p}: not a readable image (corrupt or unsupported format)")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def open_video(path: str | os.PathLike[str]) -> tuple[cv2.VideoCapture, VideoInfo]:
    """Open a video for reading; raise InputError if it has no decodable video stream."""
    p = check_input_file(path)
    cap = cv2.VideoCapture(str(p))
    if not cap.isOpened():
        cap.release()
        raise InputError(f"{p}: not a video OpenCV can open (no video stream, or corrupt)")
    width = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))
    height = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    if width <= 0 or height <= 0:
        cap.release()
        raise InputError(f"{p}: no video stream (audio-only or corrupt file)")
    fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
    n = max(int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0), 0)
    return cap, VideoInfo(p, width, height, fps if np.isfinite(fps) else 0.0, n)


def probe_video(path: str | os.PathLike[str]) -> VideoInfo:
    """Container facts of a video (size, fps, claimed frame count) without decoding it."""
    cap, info = open_video(path)
    cap.release()
    return info


def _decode(cap: cv2.VideoCapture, info: VideoInfo, allow_truncated: bool
            ) -> Iterator[tuple[float, np.ndarray]]:
    fps = info.fps
    fallback_dt = 1.0 / fps if fps > 0 else 1.0 / 30.0
    last_t = -np.inf
    index = 0
    while True:
        ok, bgr = cap.read()
        if not ok or bgr is None:
            break
        t = cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
        if not np.isfinite(t) or t <= last_t or (index > 0 and t == 0.0):
            t = last_t + fallback_dt if np.isfinite(last_t) else index * fallback_dt
        last_t = t
        index += 1
        yield t, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    if index == 0:
        raise InputError(f"{info.path}: no frames could be decoded (corrupt or empty video)")
    if not allow_truncated and index < info.n_frames * TRUNCATION_TOLERANCE - 2:
        raise InputError(
            f"{info.path}: truncated or corrupt video: decoded {index} of the "
            f"{info.n_frames} frames the container lists"
        )


def iter_frames(
    path: str | os.PathLike[str], *, prefetch: int = 8, allow_truncated: bool = False
) -> Iterator[tuple[float, np.ndarray]]:
    """Yield ``(t_s, rgb)`` for every decodable frame of a video, decoded on a worker thread.

    ``prefetch`` bounds how many decoded frames wait in memory (0 = decode on the caller's
    thread). Decoding stops at the first undecodable frame; then, unless ``allow_truncated``,
    :class:`InputError` is raised if far fewer frames came out than the container lists, so a
    damaged file is reported rather than silently analysed in part.
    """
    cap, info = open_video(path)

    def frames() -> Iterator[tuple[float, np.ndarray]]:
        try:
            yield from _decode(cap, info, allow_truncated)
        finally:
            cap.release()

    if prefetch <= 0:
        yield from frames()
    else:
        yield from run_ahead(frames(), prefetch)


def run_ahead(items: Iterator[T], maxsize: int) -> Iterator[T]:
    """Consume ``items`` on a worker thread, at most ``maxsize`` ahead of the caller.

    Exceptions raised by ``items`` are re-raised on the caller's thread, wrapped in
    :class:`InputError` unless they already are one; closing the returned generator stops
    the worker and closes ``items``. Used to decode (and prepare) frames while the pose model
    works on the previous ones.
    """
    q: queue.Queue = queue.Queue(maxsize=maxsize)
    stop = threading.Event()
    done = object()

    def worker() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        q.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
        except Exception as exc:  # surfaced on the consumer's thread
            q.put(exc if isinstance(exc, InputError) else InputError(f"decoding failed ({exc})"))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()
            q.put(done)

    thread = threading.Thread(target=worker, name="posture-check-decode", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is done:
                return
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():
            try:
                q.get_nowait()
            except queue.Empty:
                thread.join(timeout=0.05)


def downscale_for_inference(rgb: np.ndarray, max_side: int) -> np.ndarray:
    """Shrink ``rgb`` so its longer side is at most ``max_side`` px.

    Normalized landmark coordinates do not depend on the image scale, so results still map onto
    the full-size frame.
    """
    h, w = rgb.shape[:2]
    scale = max_side / max(h, w)
    if max_side <= 0 or scale >= 1.0:
        return rgb
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
