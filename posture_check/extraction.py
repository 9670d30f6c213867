"""Streaming extraction: a recorded video or a still photo -> the
:class:`~posture_check.series.PoseSeries` of the person followed, and the input's metadata.

Streaming, bounded memory:

* Frames are decoded by :func:`posture_check.video_io.iter_frames` (container timestamps, so
  variable-frame-rate phone videos keep their timing; rotation metadata applied by OpenCV) on a
  worker thread that also downscales frames larger than ``max_side_px`` and keeps a thumbnail
  every so often for the key frames, through a bounded queue, so the inference thread only
  runs the model.
* Landmarks are extracted in chunks of :data:`CHUNK_FRAMES` frames by one
  :class:`~posture_check.estimator.PoseEstimator` (VIDEO mode, tracking across chunks) and
  stored as float32: about 1 kB per frame, ~110 MB for an hour at 30 fps. Frames are never kept,
  except at most :data:`~posture_check.key_frames.MAX_THUMBNAILS` small thumbnails (the
  sampling interval doubles when the store is full, so any length of video fits).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

from .errors import InputError
from .estimator import EstimatorOptions, PoseEstimator
from .key_frames import Thumbnails
from .results import AnalysisOptions, InputInfo
from .series import PoseSeries
from .video_io import (
    downscale_for_inference,
    is_image_path,
    iter_frames,
    open_video,
    read_image_rgb,
    run_ahead,
)

__all__ = ["CHUNK_FRAMES", "ProgressCallback", "extract_image", "extract_video",
           "extract_video_adaptive", "probe_input"]

ProgressCallback = Callable[[int, int], None]  # (frames done, frames expected or 0)

CHUNK_FRAMES = 512
_PREFETCH = 6


def _prepared_frames(path: Path, max_side: int, thumbs: Thumbnails, max_frames: int | None
                     ) -> Iterator[tuple[float, np.ndarray]]:
    """Decoded frames, downscaled for inference, thumbnails taken on the way."""
    # prefetch=0: decode on this generator's thread, which _threaded runs ahead of inference
    # (one worker thread for decode + downscale + thumbnails, one queue hop per frame)
    decoded = iter_frames(path, prefetch=0, allow_truncated=max_frames is not None)
    frames: Iterable = decoded
    if max_frames is not None:
        frames = itertools.islice(decoded, max_frames)
    try:
        for i, (t_s, rgb) in enumerate(frames):
            thumbs.offer(i, t_s, rgb)
            yield t_s, downscale_for_inference(rgb, max_side)
    finally:
        decoded.close()


def _rotation_deg(cap: cv2.VideoCapture) -> int:
    prop = getattr(cv2, "CAP_PROP_ORIENTATION_META", None)
    if prop is None:
        return 0
    v = cap.get(prop)
    return round(v) % 360 if np.isfinite(v) else 0


def probe_input(path: Path) -> InputInfo:
    size = path.stat().st_size
    if is_image_path(path):
        rgb = read_image_rgb(path)
        h, w = rgb.shape[:2]
        return InputInfo(str(path), path.name, "image", size, w, h, 0.0, 1, 0.0, 0, (w, h))
    cap, info = open_video(path)
    try:
        rotation = _rotation_deg(cap)
    finally:
        cap.release()
    return InputInfo(str(path), path.name, "video", size, info.width, info.height, info.fps,
                     info.n_frames, float(info.duration_s) if info.fps > 0 else float("nan"),
                     rotation, (info.width, info.height))


def extract_video(path: Path, est: PoseEstimator, opts: AnalysisOptions, thumbs: Thumbnails,
                   expected: int, progress: ProgressCallback | None) -> PoseSeries:
    frames = run_ahead(_prepared_frames(path, opts.max_side_px, thumbs, opts.max_frames),
                       _PREFETCH)
    total = min(expected, opts.max_frames) if opts.max_frames else expected
    parts: list[PoseSeries] = []
    done = 0

    def chunk_progress(n: int, _total: int) -> None:
        if progress is not None:
            progress(done + n, total)

    try:
        while True:
            try:
                first = next(frames)
            except StopIteration:
                break
            chunk = itertools.chain([first], itertools.islice(frames, CHUNK_FRAMES - 1))
            part = est.process_frames(chunk, source=str(path), progress=chunk_progress,
                                      expected_frames=total)
            parts.append(part)
            done += len(part)
    finally:
        frames.close()
    if not parts:
        raise InputError(f"{path}: no frames could be decoded (corrupt or empty video)")
    series = PoseSeries.concatenate(parts) if len(parts) > 1 else parts[0]
    return replace(series, source=str(path))


def extract_video_adaptive(path: Path, est: PoseEstimator, est_opts: EstimatorOptions,
                            opts: AnalysisOptions, thumbs: Thumbnails, info: InputInfo,
                            progress: ProgressCallback | None) -> PoseSeries:
    """:func:`posture_check.sampling.extract_adaptive` over the same decoded frames."""
    from .sampling import extract_adaptive

    frames = run_ahead(_prepared_frames(path, opts.max_side_px, thumbs, opts.max_frames),
                       _PREFETCH)
    total = min(info.n_frames_container, opts.max_frames) if opts.max_frames \
        else info.n_frames_container
    try:
        with PoseEstimator(est_opts) as scout:
            return extract_adaptive(frames, est, scout, info.fps, source=str(path),
                                    progress=progress, expected_frames=total)
    finally:
        frames.close()


def extract_image(path: Path, est: PoseEstimator, thumbs: Thumbnails) -> PoseSeries:
    rgb = read_image_rgb(path)
    thumbs.offer(0, 0.0, rgb)
    return est.process_image(downscale_for_inference(rgb, est.options.max_side_px))
