"""The annotated video: the input with skeleton, angles, findings and the stretch hold timer
drawn on every frame, encoded as H.264 (yuv420p, ``+faststart``) in MP4 with PyAV, so it plays
in browsers. Timestamps are the input's (variable frame rate kept). Frames larger than the
analysis size are downscaled first (at most ``max_side_px``, 1280 by default). For a still
photo, :func:`write_annotated_image` writes an annotated PNG instead.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from posture_check.atomic import write_bytes_atomic
from posture_check.draw import AngleAnnotator, FindingsBanner, HoldTimerAnnotator, SkeletonAnnotator
from posture_check.pose.encode import EncoderOptions, VideoWriter
from posture_check.pose.picture import crop
from posture_check.pose.video_io import downscale_for_inference, iter_frames, read_image_rgb
from posture_check.report.common import overlay_measures, png_of, stretch_faults_at

__all__ = ["annotate_result_frame", "write_annotated_image", "write_video"]



class _StretchClock:
    """Phase and seconds held at time ``t`` from a StretchAnalysis (None when no stretch)."""

    def __init__(self, sa) -> None:
        self.sa = sa
        if sa is not None:
            from posture_check.stretch import get_stretch

            self.target = get_stretch(sa.stretch).hold_s[0]

    def at(self, t: float) -> tuple[str, float | None] | None:
        if self.sa is None:
            return None
        for r in self.sa.repetitions:
            if r.t_start_s <= t < r.t_hold_start_s:
                return "moving_in", None
            if r.t_hold_start_s <= t <= r.t_hold_end_s:
                return "holding", t - r.t_hold_start_s
            if r.t_hold_end_s < t <= r.t_end_s:
                return "moving_out", r.hold_s
        return "rest", None


def annotate_result_frame(result, rgb: np.ndarray, index: int, annotators: tuple | None = None
                          ) -> np.ndarray:
    """Draw frame ``index`` of ``result`` on ``rgb`` (in place) and return it."""
    skeleton, angles, banner, timer, clock = annotators or _annotators(result)
    skeleton.annotate(rgb, result.series, index)
    angles.annotate(rgb, result.series, result.frame_values(index), index)
    t = float(result.series.t_s[index])
    banner.annotate(rgb, [*stretch_faults_at(result, t), *result.findings],
                    title=f"{t:5.1f} s" if result.input.kind == "video" else None)
    state = clock.at(t)
    if state is not None:
        phase, held = state
        timer.annotate(rgb, phase, held, clock.target if held is not None else None)
    return rgb


def _annotators(result) -> tuple:
    return (SkeletonAnnotator(), AngleAnnotator(show=overlay_measures(result)), FindingsBanner(),
            HoldTimerAnnotator(), _StretchClock(result.stretch))


def write_video(result, path: str | os.PathLike[str], *, max_side_px: int = 1280,
                crf: int = 23, progress: Callable[[int, int], None] | None = None) -> Path:
    """Write the annotated H.264 MP4 atomically, each frame at its recording's time; return
    the path."""
    if result.input.kind != "video":
        raise ValueError("write_video needs a video input; use write_annotated_image for a photo")
    path = Path(path)
    n = len(result.series)
    annotators = _annotators(result)
    frames = itertools.islice(iter_frames(result.input.path, allow_truncated=True), n)
    fps = result.input.fps if result.input.fps > 0 else 30.0
    options = EncoderOptions(crf=crf, preset="veryfast", tune=None, threads=None, fallback=False)
    try:
        with VideoWriter(path, fps, None, options) as writer:
            for i, (_t_s, rgb) in enumerate(frames):
                img = downscale_for_inference(crop(rgb, result.input.picture), max_side_px)
                h, w = img.shape[:2]
                if w % 2 or h % 2:
                    img = img[: h - h % 2, : w - w % 2]
                img = np.ascontiguousarray(img)
                annotate_result_frame(result, img, min(i, n - 1), annotators)
                writer.write(img, float(result.series.t_s[min(i, n - 1)]))
                if progress is not None:
                    progress(i + 1, n)
            if writer.frames_written == 0:
                raise ValueError(f"{result.input.path}: no frames to annotate")
    finally:
        close = getattr(frames, "close", None)
        if close is not None:
            close()
    return path


def write_annotated_image(result, path: str | os.PathLike[str], max_side_px: int = 1600
                          ) -> Path:
    """Write the annotated photo (PNG) atomically; return the path."""
    rgb = downscale_for_inference(crop(read_image_rgb(result.input.path), result.input.picture),
                                  max_side_px).copy()
    annotate_result_frame(result, rgb, 0)
    write_bytes_atomic(path, png_of(rgb))
    return Path(path)
