"""Reading images and videos: RGB frames with container timestamps, decoded ahead on a thread.

* Timestamps are the container's presentation times in seconds (OpenCV's ``CAP_PROP_POS_MSEC``
  after each read), so variable-frame-rate phone videos keep their real timing. Where a backend
  reports nothing usable (zero or non-increasing), frame index / nominal fps is used instead.
* Rotation metadata of phone videos is honoured (OpenCV applies it by default).
* Decoding runs ahead of the consumer on its own thread through a bounded queue, so memory stays
  bounded on hour-long videos while inference never waits for the decoder.

Damaged videos (a phone recording cut short, a broken download) are found *before* any analysis:
:func:`scan_video` reads every packet of the video stream without decoding it (OpenCV's raw
stream mode; a 20 s clip takes about 10 ms) and decodes only the first frame, then compares
the packets found with the frame count the container lists. A video is damaged when fewer than
:data:`TRUNCATION_TOLERANCE` (99 %) of the listed frames, less two, can be read and they also
end more than 1 % (plus two frames) before the listed duration (the count some containers list
is an estimate). Decoding stops at the first frame that cannot be read, so what is lost is
always the end: from there to the listed duration.

A damaged video is analysed as far as it decodes, with a :class:`DamagedPart` saying which time
range was lost, if at least :data:`MIN_PARTIAL_FRACTION` (half) of its frames remain and at
least what a finding needs (:data:`MIN_PARTIAL_FRAMES` frames over :data:`MIN_PARTIAL_S` s, the
minimum of ``posture_check.measures.indicators``); otherwise it is refused with one line. Less
than half means the file is more lost than kept: re-exporting or re-recording gives a truer
picture than a report on a fragment.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import cv2
import numpy as np

from posture_check.errors import InputError

# A video decoding to fewer than this fraction of the frames its container lists is damaged
# (container counts of variable-frame-rate files can be a little off); see the module docstring.
TRUNCATION_TOLERANCE = 0.99
MIN_PARTIAL_FRACTION = 0.5  # a damaged video needs this share of its frames decodable ...
MIN_PARTIAL_FRAMES = 10  # ... and at least what a finding needs (MIN_VALID_FRAMES ...
MIN_PARTIAL_S = 1.0  # ... over MIN_VALID_S seconds), else it is refused
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


@dataclass(frozen=True)
class DamagedPart:
    """The part of a damaged video that could not be read (see module docstring).

    ``n_decoded`` of the ``n_listed`` frames decode, covering 0 .. ``decoded_until_s`` of the
    ``duration_s`` seconds the container lists; the rest is lost.
    """

    path: Path
    n_decoded: int
    n_listed: int
    decoded_until_s: float
    duration_s: float

    @property
    def fraction_lost(self) -> float:
        return 1.0 - self.n_decoded / max(self.n_listed, 1)

    @property
    def usable(self) -> bool:
        """Enough is left to measure (see module docstring)."""
        return (self.n_decoded >= MIN_PARTIAL_FRACTION * self.n_listed
                and self.n_decoded >= MIN_PARTIAL_FRAMES
                and self.decoded_until_s >= MIN_PARTIAL_S)

    @property
    def message(self) -> str:
        """The quality warning of a partial report."""
        return (f"The recording is damaged: only the first {self.decoded_until_s:.1f} s of "
                f"{self.duration_s:.1f} s ({self.n_decoded} of {self.n_listed} frames) could be "
                f"decoded; the part from {self.decoded_until_s:.1f} s to {self.duration_s:.1f} s "
                "is lost and not analysed. This report is partial.")

    def refusal(self) -> str:
        """The error line when too little is left."""
        return (f"{self.path}: truncated or corrupt video: only {self.n_decoded} of the "
                f"{self.n_listed} frames ({self.decoded_until_s:.1f} s of "
                f"{self.duration_s:.1f} s) can be decoded; at least half of the recording (and "
                f"{MIN_PARTIAL_FRAMES} frames over {MIN_PARTIAL_S:.0f} s) is needed to measure "
                "anything")

    def as_dict(self) -> dict:
        return {"n_decoded": self.n_decoded, "n_listed": self.n_listed,
                "decoded_until_s": round(self.decoded_until_s, 3),
                "duration_s": round(self.duration_s, 3),
                "lost_s": [round(self.decoded_until_s, 3), round(self.duration_s, 3)]}


def damaged_part(info: VideoInfo, n_decoded: int, decoded_until_s: float) -> DamagedPart | None:
    """A :class:`DamagedPart` if ``n_decoded`` frames fall short of what ``info`` lists."""
    if info.n_frames <= 0 or n_decoded >= info.n_frames * TRUNCATION_TOLERANCE - 2:
        return None
    duration = info.duration_s
    dt = 1.0 / info.fps if info.fps > 0 else 1.0 / 30.0
    if np.isfinite(duration) and decoded_until_s >= duration * TRUNCATION_TOLERANCE - 2 * dt:
        return None
    if not np.isfinite(duration) or duration < decoded_until_s:
        duration = decoded_until_s * info.n_frames / max(n_decoded, 1)
    return DamagedPart(info.path, n_decoded, info.n_frames, decoded_until_s, duration)


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


@dataclass(frozen=True)
class VideoScan:
    """What a quick scan of a video found: container facts, readable frames, the lost part."""

    info: VideoInfo
    n_readable: int
    readable_until_s: float
    damage: DamagedPart | None

    def check_usable(self) -> None:
        """Raise :class:`InputError` if the video is damaged beyond use (module docstring)."""
        if self.damage is not None and not self.damage.usable:
            raise InputError(self.damage.refusal())


def scan_video(path: str | os.PathLike[str]) -> VideoScan:
    """Find a damaged video before analysing it: decode the first frame, then read every packet
    of the video stream without decoding it (see module docstring). Takes milliseconds where
    the backend supports raw packets, else one decode-free ``grab()`` pass."""
    cap, info = open_video(path)
    try:
        ok, _ = cap.read()
    finally:
        cap.release()
    if not ok:
        raise InputError(f"{info.path}: no frames could be decoded (corrupt or empty video)")
    cap = cv2.VideoCapture(str(info.path))
    try:
        raw = bool(cap.set(cv2.CAP_PROP_FORMAT, -1))  # packets, not pictures
        n, last_ms = 0, 0.0
        while cap.grab():
            n += 1
            ms = cap.get(cv2.CAP_PROP_POS_MSEC)
            last_ms = ms if np.isfinite(ms) else last_ms
    finally:
        cap.release()
    dt = 1.0 / info.fps if info.fps > 0 else 1.0 / 30.0
    until = last_ms / 1000.0 + dt if last_ms > 0 else n * dt
    if not raw:  # grab() positions are already past the frame
        until = last_ms / 1000.0 if last_ms > 0 else n * dt
    return VideoScan(info, n, until, damaged_part(info, n, until))


def sample_frames(path: str | os.PathLike[str], n: int = 7) -> list[np.ndarray]:
    """Up to ``n`` RGB frames spread evenly over a video (by seeking; rotation metadata applied
    as in :func:`iter_frames`), for what holds for the whole recording (the picture inside
    bars, :mod:`posture_check.pose.picture`). Frames that cannot be read are skipped."""
    cap, info = open_video(path)
    out: list[np.ndarray] = []
    try:
        last = max(info.n_frames - 1, 0)
        for index in np.unique(np.linspace(0, last, n).round().astype(int)):
            if index and not cap.set(cv2.CAP_PROP_POS_FRAMES, float(index)):
                continue
            try:
                ok, bgr = cap.read()
            except cv2.error:
                continue
            if ok and bgr is not None:
                out.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    finally:
        cap.release()
    return out


def check_media(path: str | os.PathLike[str]) -> Path:
    """Validate an input before any model loads: a readable image, or a video that is not
    damaged beyond use (:func:`scan_video`). Raises :class:`InputError`; returns the path."""
    p = check_input_file(path)
    if is_image_path(p):
        read_image_rgb(p)
    else:
        scan_video(p).check_usable()
    return p


def _decode(cap: cv2.VideoCapture, info: VideoInfo, allow_truncated: bool
            ) -> Iterator[tuple[float, np.ndarray]]:
    fps = info.fps
    fallback_dt = 1.0 / fps if fps > 0 else 1.0 / 30.0
    last_t = -np.inf
    index = 0
    while True:
        try:
            ok, bgr = cap.read()
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB) if ok and bgr is not None else None
        except cv2.error as exc:  # the decoder itself failed: the file's fault, not ours
            raise InputError(f"{info.path}: decoding failed ({exc})") from exc
        if rgb is None:
            break
        t = cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
        if not np.isfinite(t) or t <= last_t or (index > 0 and t == 0.0):
            t = last_t + fallback_dt if np.isfinite(last_t) else index * fallback_dt
        last_t = t
        index += 1
        yield t, rgb
    if index == 0:
        raise InputError(f"{info.path}: no frames could be decoded (corrupt or empty video)")
    damage = damaged_part(info, index, last_t + fallback_dt)
    if not allow_truncated and damage is not None and not damage.usable:
        raise InputError(damage.refusal())


def iter_frames(
    path: str | os.PathLike[str], *, prefetch: int = 8, allow_truncated: bool = False
) -> Generator[tuple[float, np.ndarray], None, None]:
    """Yield ``(t_s, rgb)`` for every decodable frame of a video, decoded on a worker thread.

    ``prefetch`` bounds how many decoded frames wait in memory (0 = decode on the caller's
    thread). Decoding stops at the first undecodable frame; then, unless ``allow_truncated``,
    :class:`InputError` is raised if too little of the video decoded to measure anything (see
    module docstring). A damaged but usable video yields what decodes: compare the frames
    received with the container's count (:func:`damaged_part`) to tell the user what was lost.
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


def run_ahead(items: Iterator[T], maxsize: int) -> Generator[T, None, None]:
    """Consume ``items`` on a worker thread, at most ``maxsize`` ahead of the caller.

    Exceptions raised by ``items`` are re-raised unchanged on the caller's thread: a decoding
    failure is already an :class:`InputError` where it happens (:func:`iter_frames`), and any
    other exception (a bug in the code preparing the frames) propagates as the bug it is, never
    disguised as the user's bad file. Closing the returned generator stops the worker and
    closes ``items``. Used to decode (and prepare) frames while the pose model works on the
    previous ones.
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
        except Exception as exc:  # surfaced, unchanged, on the consumer's thread
            q.put(exc)
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


def downscaled_size(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """The ``(width, height)`` in pixels a frame of ``size`` has after
    :func:`downscale_for_inference` (unchanged when its longer side is at most ``max_side``)."""
    w, h = size
    scale = max_side / max(h, w)
    if max_side <= 0 or scale >= 1.0:
        return (w, h)
    return (max(1, round(w * scale)), max(1, round(h * scale)))


def downscale_for_inference(rgb: np.ndarray, max_side: int) -> np.ndarray:
    """Shrink ``rgb`` so its longer side is at most ``max_side`` px.

    Normalized landmark coordinates do not depend on the image scale, so results still map onto
    the full-size frame.
    """
    h, w = rgb.shape[:2]
    size = downscaled_size((w, h), max_side)
    if size == (w, h):
        return rgb
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
