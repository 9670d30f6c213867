"""Streaming extraction: a recorded video or a still photo -> the
:class:`~posture_check.pose.series.PoseSeries` of the person followed, and the input's metadata.

Streaming, bounded memory:

* Frames are decoded by :func:`posture_check.pose.video_io.iter_frames` (container timestamps, so
  variable-frame-rate phone videos keep their timing; rotation metadata applied by OpenCV) on a
  worker thread that also downscales frames larger than ``max_side_px`` (by the estimator's
  rule, :meth:`~posture_check.pose.estimator.PoseEstimator.prepare`, so the model step finds them
  ready) and keeps a thumbnail every so often for the key frames, through a bounded queue, so
  the inference thread only runs the model.
* Landmarks are extracted in chunks of :data:`CHUNK_FRAMES` frames by one
  :class:`~posture_check.pose.estimator.PoseEstimator` (VIDEO mode, tracking across chunks) and
  stored as float32: about 1 kB per frame, ~110 MB for an hour at 30 fps. Frames are never kept,
  except at most :data:`~posture_check.analysis.key_frames.MAX_THUMBNAILS` small thumbnails (the
  sampling interval doubles when the store is full, so any length of video fits).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Generator, Iterable
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

from posture_check.analysis.key_frames import Thumbnails
from posture_check.analysis.results import AnalysisOptions, InputInfo
from posture_check.errors import InputError
from posture_check.pose.estimator import EstimatorOptions, PoseEstimator
from posture_check.pose.picture import Area, crop
from posture_check.pose.series import PoseSeries
from posture_check.pose.video_io import (
    DamagedPart,
    check_media,
    damaged_part,
    is_image_path,
    iter_frames,
    open_video,
    probe_video,
    read_image_rgb,
    run_ahead,
)

__all__ = ["CHUNK_FRAMES", "ProgressCallback", "extract_file", "extract_image", "extract_video",
           "extract_video_adaptive", "mark_damage", "probe_input"]

ProgressCallback = Callable[[int, int], None]  # (frames done, frames expected or 0)

CHUNK_FRAMES = 512
_PREFETCH = 6


def _prepared_frames(path: Path, est: PoseEstimator, thumbnails: Thumbnails | None,
                     max_frames: int | None, decoded_size: list[tuple[int, int]],
                     picture: Area | None = None
                     ) -> Generator[tuple[float, np.ndarray], None, None]:
    """Decoded frames cut to ``picture`` (:func:`posture_check.pose.picture.crop`) and prepared for
    the model (:meth:`PoseEstimator.prepare`), thumbnails taken on the way from the full-size
    pictures; the first picture's ``(width, height)`` is appended to ``decoded_size``."""
    # prefetch=0: decode on this generator's thread, which run_ahead runs ahead of inference
    # (one worker thread for decode + downscale + thumbnails, one queue hop per frame)
    decoded = iter_frames(path, prefetch=0, allow_truncated=max_frames is not None)
    frames: Iterable = decoded
    if max_frames is not None:
        frames = itertools.islice(decoded, max_frames)
    try:
        for i, (t_s, frame) in enumerate(frames):
            rgb = crop(frame, picture)
            if not decoded_size:
                decoded_size.append((int(rgb.shape[1]), int(rgb.shape[0])))
            if thumbnails is not None:
                thumbnails.offer(i, t_s, rgb)
            yield t_s, est.prepare(rgb)
    finally:
        decoded.close()


def _rotation_deg(cap: cv2.VideoCapture) -> int:
    prop = getattr(cv2, "CAP_PROP_ORIENTATION_META", None)
    if prop is None:
        return 0
    v = cap.get(prop)
    return round(v) % 360 if np.isfinite(v) else 0


def probe_input(path: Path) -> InputInfo:
    """The file as its container describes it (``analysed_size`` = the full size until
    extraction says otherwise)."""
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


def extract_video(
    path: str | os.PathLike[str],
    est: PoseEstimator,
    *,
    max_frames: int | None = None,
    thumbnails: Thumbnails | None = None,
    progress: ProgressCallback | None = None,
    expected_frames: int = 0,
    picture: Area | None = None,
) -> PoseSeries:
    """Landmarks of every decodable frame of a video (the first ``max_frames`` if given).

    The one path from a video file to a :class:`PoseSeries` (the analysis, ``posture-check
    landmarks`` and the tests' landmark cache use it): decoding on a worker thread, the model
    on chunks of :data:`CHUNK_FRAMES` frames by ``est`` (VIDEO mode, tracking across chunks).
    Frames are downscaled once, by ``est``'s rule (:meth:`PoseEstimator.prepare`) on the decode
    thread; the series is in the decoded frame size (landmarks are normalized), or in the
    picture inside bars when ``picture`` is given (:mod:`posture_check.pose.picture`). A damaged
    video beyond use raises :class:`InputError` (unless ``max_frames`` cuts it short); see
    :func:`mark_damage` for what was lost of a usable one.
    """
    path = Path(path)
    decoded_size: list[tuple[int, int]] = []
    frames = run_ahead(_prepared_frames(path, est, thumbnails, max_frames, decoded_size,
                                        picture), _PREFETCH)
    total = min(expected_frames, max_frames) if max_frames else expected_frames
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
    if decoded_size and series.frame_size != decoded_size[0]:  # the model saw a smaller copy
        series = replace(series, frame_size=decoded_size[0])
    return series


def mark_damage(path: str | os.PathLike[str], series: PoseSeries) -> DamagedPart | None:
    """Compare the frames of ``series`` with what the container of ``path`` lists.

    A damaged recording (frames lost at the end) gets ``series.meta["damaged"]``
    (:meth:`DamagedPart.as_dict` plus its ``message``); the :class:`DamagedPart` is returned,
    None when nothing was lost.
    """
    vinfo = probe_video(path)
    dt = 1.0 / vinfo.fps if vinfo.fps > 0 else 1.0 / 30.0
    damage = damaged_part(vinfo, len(series), float(series.t_s[-1]) + dt)
    if damage is not None:
        series.meta["damaged"] = dict(damage.as_dict(), message=damage.message)
    return damage


def extract_video_adaptive(path: Path, est: PoseEstimator, est_opts: EstimatorOptions,
                           opts: AnalysisOptions, thumbs: Thumbnails, info: InputInfo,
                           progress: ProgressCallback | None, picture: Area | None = None
                           ) -> PoseSeries:
    """:func:`posture_check.analysis.sampling.extract_adaptive` over the same decoded frames (cut to
    ``picture``)."""
    from posture_check.analysis.sampling import extract_adaptive

    frames = run_ahead(_prepared_frames(path, est, thumbs, opts.max_frames, [], picture),
                       _PREFETCH)
    total = min(info.n_frames_container, opts.max_frames) if opts.max_frames \
        else info.n_frames_container
    try:
        with PoseEstimator(est_opts) as scout:
            return extract_adaptive(frames, est, scout, info.fps, source=str(path),
                                    rule=opts.sampling_rule, progress=progress,
                                    expected_frames=total)
    finally:
        frames.close()


def extract_image(path: str | os.PathLike[str], est: PoseEstimator,
                  thumbnails: Thumbnails | None = None, picture: Area | None = None
                  ) -> PoseSeries:
    """Landmarks of a still photo (a 1-frame series at t = 0, in the photo's size, or its
    ``picture``'s)."""
    rgb = crop(read_image_rgb(path), picture)
    if thumbnails is not None:
        thumbnails.offer(0, 0.0, rgb)
    return est.process_image(rgb, source=str(path))


def extract_file(
    path: str | os.PathLike[str],
    options: EstimatorOptions | None = None,
    progress: ProgressCallback | None = None,
) -> PoseSeries:
    """Landmarks of an image or a video file, the running mode chosen from the file.

    The input is checked before the model loads (file present, image readable, video not
    damaged beyond use: :func:`posture_check.pose.video_io.check_media`), so a bad file fails at
    once;
    a damaged but usable video gives the frames that decode, with ``meta["damaged"]``.
    """
    options = options or EstimatorOptions()
    check_media(path)  # a missing, corrupt or damaged file fails here, before the model loads
    image = is_image_path(path)
    with PoseEstimator(replace(options, running_mode="image" if image else "video")) as est:
        if image:
            return extract_image(path, est)
        series = extract_video(path, est, progress=progress,
                               expected_frames=probe_video(path).n_frames)
        mark_damage(path, series)
        return series
