"""Analyse a recorded video or a still photo: the pipeline behind ``posture-check analyze``.

:func:`analyze` turns a file into an :class:`AnalysisResult`: input metadata, the
:class:`~posture_check.series.PoseSeries` of the person followed, their
:class:`~posture_check.measures.MeasureSeries`, the findings (with source documents), the stretch
analysis when a stretch is named, quality warnings, a few key frames for reports and timings::

    from posture_check.analysis import AnalysisOptions, analyze
    result = analyze("clip.mp4", AnalysisOptions(pain_side="left"))
    result.findings, result.warnings, result.measures.summary()

Pipeline (streaming, bounded memory):

* Frames are decoded by :func:`posture_check.video_io.iter_frames` (container timestamps, so
  variable-frame-rate phone videos keep their timing; rotation metadata applied by OpenCV) on a
  worker thread that also downscales frames larger than ``max_side_px`` and keeps a thumbnail
  every so often for the key frames, through a bounded queue, so the inference thread only
  runs the model.
* Landmarks are extracted in chunks of :data:`CHUNK_FRAMES` frames by one
  :class:`~posture_check.estimator.PoseEstimator` (VIDEO mode, tracking across chunks) and
  stored as float32: about 1 kB per frame, ~110 MB for an hour at 30 fps. Frames are never kept,
  except at most :data:`MAX_THUMBNAILS` small thumbnails (the sampling interval doubles when the
  store is full, so any length of video fits).
* Measures, findings and the stretch check are vectorized over the whole series.

Decisions:

* No person in any frame -> :class:`~posture_check.errors.NoPersonError`. Several people -> the
  estimator follows the most prominent one and a quality warning says in what share of frames
  others were in view. Body partly out of frame -> the affected measures are gated (NaN with a
  reason) and a warning names the body part and share of frames.
* Quality warnings are raised when an issue affects at least :data:`WARN_FRACTION` (10 %) of the
  frames in which the person was found.
* Damaged videos are found before the model loads (:func:`posture_check.video_io.scan_video`):
  refused with one line when less than half of the recording (or less than a finding needs)
  decodes, otherwise analysed as far as they decode; the result is then
  :attr:`AnalysisResult.partial` and a ``damaged_recording`` warning (first in the list)
  gives the time range that was lost.
* A still photo is one moment. The findings rules normally require a few seconds of valid
  frames; a photo is judged on its single frame (``evaluate_findings(min_valid_frames=1,
  min_valid_s=0)``), and a warning says that one photo is less reliable than a 10 s video.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import logging
import os
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import cv2
import numpy as np

from .errors import InputError, NoPersonError
from .estimator import EstimatorOptions, PoseEstimator
from .landmarks import Landmark as L
from .measures import MeasureSeries, compute_measures, evaluate_findings
from .measures.camera_roll import LARGE_ROLL_DEG, estimate_roll_deg, pool_roll
from .measures.compute import series_constants
from .measures.indicators import Finding
from .measures.quality import landmark_flags
from .series import PoseSeries
from .video_io import (
    check_input_file,
    damaged_part,
    downscale_for_inference,
    is_image_path,
    iter_frames,
    open_video,
    probe_video,
    read_image_rgb,
    run_ahead,
    scan_video,
)

if TYPE_CHECKING:
    from .sampling import SamplingRule

__all__ = [
    "CHUNK_FRAMES",
    "MAX_THUMBNAILS",
    "AnalysisOptions",
    "AnalysisResult",
    "InputInfo",
    "KeyFrame",
    "ProgressCallback",
    "QualityWarning",
    "analyze",
    "quality_warnings",
]

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]  # (frames done, frames expected or 0)

CHUNK_FRAMES = 512
MAX_THUMBNAILS = 48
THUMBNAIL_MAX_SIDE = 720
THUMBNAIL_START_INTERVAL_S = 0.5
WARN_FRACTION = 0.10
ROLL_FRAMES = 6
_PREFETCH = 6

# Body parts checked for "out of frame" warnings (subject's own landmarks).
BODY_PARTS: dict[str, tuple[int, ...]] = {
    "feet": (L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT_INDEX,
             L.RIGHT_FOOT_INDEX),
    "knees": (L.LEFT_KNEE, L.RIGHT_KNEE),
    "hips": (L.LEFT_HIP, L.RIGHT_HIP),
    "shoulders": (L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
    "head": (L.NOSE, L.LEFT_EAR, L.RIGHT_EAR),
}


# ---------------------------------------------------------------------------------------- types
@dataclass(frozen=True)
class AnalysisOptions:
    """What to analyse and how.

    Attributes:
        model_path: pose landmarker ``.task``; None = the bundled full model.
        stretch: catalogue name of a stretch to check (``posture_check.stretch.CATALOGUE``).
        stretch_side: ``"left"`` / ``"right"``; None = both sides of a sided stretch.
        pain_side: the side the person feels the pain on; findings relate the lean to it.
        height_m: the person's height in metres; scales the ``*_cm`` measures.
        baseline: an earlier recording's summary (measure -> median, or a MeasureSeries).
        max_side_px: frames with a longer side are downscaled before inference (0 = never).
        num_poses: people the landmarker may return; the most prominent one is followed.
        max_frames: stop after this many frames (None = the whole video).
        n_key_frames: key frames kept for reports (posture key frames; stretch adds holds).
        smoothing: measures smoothing for recordings (``"zero_phase"`` or None).
        flip_average: run the pose model on each frame and on its mirror image and average
            (:mod:`posture_check.flip`): readings that swap exactly when the video is
            mirrored, for twice the model time.
        roll_deg: the camera roll, if known (> 0: verticals appear rotated counter-clockwise);
            None = estimated from the room's vertical lines
            (:mod:`posture_check.measures.camera_roll`), 0 when there are none.
        sampling: ``"full"`` (the model on every frame) or ``"adaptive"`` (quiet stretches
            at 5 frames a second, motion at full rate: :mod:`posture_check.sampling`).
        sampling_rule: the adaptive rule's parameters (None: the defaults of
            :class:`posture_check.sampling.SamplingRule`).
    """

    model_path: str | os.PathLike[str] | None = None
    stretch: str | None = None
    stretch_side: Literal["left", "right"] | None = None
    pain_side: Literal["left", "right"] | None = None
    height_m: float | None = None
    baseline: dict | MeasureSeries | None = None
    max_side_px: int = 1280
    num_poses: int = 3
    max_frames: int | None = None
    n_key_frames: int = 3
    smoothing: Literal["zero_phase"] | None = "zero_phase"
    flip_average: bool = True
    roll_deg: float | None = None
    sampling: Literal["full", "adaptive"] = "full"
    sampling_rule: SamplingRule | None = None

    def __post_init__(self) -> None:
        if self.sampling not in ("full", "adaptive"):
            raise ValueError(f"sampling must be 'full' or 'adaptive', got {self.sampling!r}")
        if self.pain_side not in (None, "left", "right"):
            raise ValueError(f"pain_side must be 'left', 'right' or None, got {self.pain_side!r}")
        if self.stretch_side not in (None, "left", "right"):
            raise ValueError(
                f"stretch_side must be 'left', 'right' or None, got {self.stretch_side!r}")
        if self.stretch is not None:
            from .stretch import get_stretch

            get_stretch(self.stretch)  # ValueError naming the catalogue
        if self.max_frames is not None and self.max_frames < 1:
            raise ValueError(f"max_frames must be >= 1 or None, got {self.max_frames}")


@dataclass(frozen=True)
class InputInfo:
    """The analysed file as its container describes it.

    ``width``/``height`` are the displayed frame size in pixels (after rotation metadata);
    ``analysed_size`` the size the model saw (after downscaling); ``fps`` the container's
    nominal rate (0 for a photo; the timestamps are authoritative).
    """

    path: str
    file_name: str
    kind: Literal["video", "image"]
    size_bytes: int
    width: int
    height: int
    fps: float
    n_frames_container: int
    duration_s: float
    rotation_deg: int
    analysed_size: tuple[int, int]


@dataclass(frozen=True)
class QualityWarning:
    """A problem with the recording that limits what can be measured.

    ``code``: stable identifier (``"feet_out_of_frame"``, ``"several_people"``, ...);
    ``fraction``: share of frames affected (0..1, of the frames with the person unless stated).
    """

    code: str
    message: str
    fraction: float | None = None


@dataclass(frozen=True, eq=False)
class KeyFrame:
    """A frame kept for reports: its index in the series, time and an RGB thumbnail."""

    index: int
    t_s: float
    image: np.ndarray = field(repr=False)
    label: str = ""


@dataclass(frozen=True, eq=False)
class AnalysisResult:
    """Everything a report needs about one analysed recording (see module docstring)."""

    input: InputInfo
    options: AnalysisOptions
    series: PoseSeries
    measures: MeasureSeries
    findings: tuple[Finding, ...]
    stretch: object | None  # posture_check.stretch.StretchAnalysis
    warnings: tuple[QualityWarning, ...]
    key_frames: tuple[KeyFrame, ...]
    timings_s: dict[str, float]
    created_utc: str

    @property
    def n_frames(self) -> int:
        return len(self.series)

    @property
    def partial(self) -> bool:
        """The recording was damaged and only the part that decoded was analysed."""
        return any(w.code == "damaged_recording" for w in self.warnings)

    @property
    def n_detected(self) -> int:
        """Frames in which the person was found."""
        return int(self.series.detected.sum())

    @property
    def valid(self) -> np.ndarray:
        """``(T,)`` bool: at least one measure is valid in the frame."""
        stack = np.stack(list(self.measures.values.values()), axis=1)
        return np.isfinite(stack).any(axis=1)

    @property
    def n_valid(self) -> int:
        return int(self.valid.sum())

    def view_fractions(self) -> dict[str, float]:
        """Share of all frames per detected view (``"none"`` = no person), largest first."""
        names, counts = np.unique(self.measures.view, return_counts=True)
        n = max(len(self.measures), 1)
        pairs = sorted(zip(names.tolist(), counts.tolist(), strict=True), key=lambda p: -p[1])
        return {str(k): c / n for k, c in pairs}

    @property
    def main_view(self) -> str:
        """The most frequent view among frames with the person (``"none"`` if never found)."""
        views = {k: v for k, v in self.view_fractions().items() if k != "none"}
        return max(views, key=views.__getitem__) if views else "none"

    @property
    def people_per_frame(self) -> np.ndarray:
        return self.series.counts

    def frame_values(self, index: int) -> dict[str, float]:
        """Measure name -> value (NaN if gated) at frame ``index``."""
        return {k: float(v[index]) for k, v in self.measures.values.items()}


# ------------------------------------------------------------------------------------ streaming
class _Thumbnails:
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


def _prepared_frames(path: Path, max_side: int, thumbs: _Thumbnails, max_frames: int | None
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


def _probe(path: Path) -> InputInfo:
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


def _extract_video(path: Path, est: PoseEstimator, opts: AnalysisOptions, thumbs: _Thumbnails,
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


def _extract_video_adaptive(path: Path, est: PoseEstimator, est_opts: EstimatorOptions,
                            opts: AnalysisOptions, thumbs: _Thumbnails, info: InputInfo,
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
                                    rule=opts.sampling_rule, progress=progress,
                                    expected_frames=total)
    finally:
        frames.close()


def _extract_image(path: Path, est: PoseEstimator, thumbs: _Thumbnails) -> PoseSeries:
    rgb = read_image_rgb(path)
    thumbs.offer(0, 0.0, rgb)
    return est.process_image(downscale_for_inference(rgb, est.options.max_side_px))


# --------------------------------------------------------------------------------------- checks
def _fmt_pct(f: float) -> str:
    return f"{100.0 * f:.0f}%"


def quality_warnings(series: PoseSeries, measures: MeasureSeries, kind: str = "video"
                     ) -> list[QualityWarning]:
    """Warnings about the recording (see module docstring for the threshold)."""
    out: list[QualityWarning] = []
    n = len(series)
    det = series.detected
    n_det = int(det.sum())
    if kind == "image":
        out.append(QualityWarning(
            "single_photo", "A single photo shows one moment: the findings treat it as a held "
            "pose. A 10-second video standing still is more reliable.", None))
    missing = 1.0 - n_det / max(n, 1)
    if n_det and missing >= WARN_FRACTION:
        out.append(QualityWarning(
            "person_not_found", f"No person was found in {_fmt_pct(missing)} of the frames; "
            "those frames are left out.", missing))
    ppf = series.counts
    if ppf.shape == (n,):
        multi = float(np.mean(ppf > 1))
        if multi > 0:
            out.append(QualityWarning(
                "several_people", f"Several people in view in {_fmt_pct(multi)} of the frames: "
                "followed the most prominent person. Record alone for the best results.", multi))
    if n_det == 0:
        return out
    inside, visible = landmark_flags(series.image, series.visibility, series.presence)
    for part, idx in BODY_PARTS.items():
        frac = float(np.mean(~inside[det][:, list(idx)].all(axis=1)))
        if frac >= WARN_FRACTION:
            hint = {"feet": "step back or tilt the camera down so both feet show; foot "
                            "turn-out is measured only where both feet are in the picture.",
                    "knees": "step back so the whole body shows.",
                    "hips": "step back so the whole body shows; lean and hip height need the "
                            "hips in the picture.",
                    "shoulders": "step back so the whole body shows.",
                    "head": "step back or raise the camera so the head shows."}[part]
            out.append(QualityWarning(f"{part}_out_of_frame",
                                      f"{part.capitalize()} out of frame in {_fmt_pct(frac)} of "
                                      f"the frames with the person: {hint}", frac))
    trunk = [L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP]
    low = float(np.mean(~visible[det][:, trunk].all(axis=1)))
    if low >= WARN_FRACTION:
        out.append(QualityWarning(
            "low_visibility", f"Shoulders or hips hard to see in {_fmt_pct(low)} of the frames "
            "with the person (loose clothing, poor light or something in the way).", low))
    if kind == "video" and n > 1:
        dur = float(series.t_s[-1] - series.t_s[0])
        if dur < 3.0:
            out.append(QualityWarning(
                "short_recording", f"The recording is only {dur:.1f} s long; findings need a few "
                "seconds of standing still. Record at least 10 s.", None))
        fps = (n - 1) / dur if dur > 0 else 0.0
        if 0 < fps < 10:
            out.append(QualityWarning(
                "low_frame_rate", f"Low frame rate ({fps:.2g} fps): fast movements and bouncing "
                "may be missed.", None))
    roll = measures.meta.get("roll_deg", 0.0)
    if measures.meta.get("roll_source") == "scene" and abs(roll) >= LARGE_ROLL_DEG:
        out.append(QualityWarning(
            "camera_tilted", f"The camera is tilted by about {abs(roll):.0f} degrees; it was "
            "corrected from the room's vertical lines, but a level camera gives the most "
            "reliable lean and hip readings.", None))
    quiet = measures.meta.get("quiet_standing_share", 1.0)
    if kind == "video" and quiet < 1.0 - WARN_FRACTION:
        out.append(QualityWarning(
            "not_standing_still", f"You were moving in {_fmt_pct(1.0 - quiet)} of the frames "
            "with you in view: posture is read only while you stand still. Stand still, "
            "facing the camera, for at least 5 seconds.", 1.0 - quiet))
    views = measures.view[det]
    frontal = float(np.isin(views, ("front", "back")).mean())
    side = float(np.isin(views, ("left_side", "right_side")).mean())
    if frontal < WARN_FRACTION:
        out.append(QualityWarning(
            "no_front_view", "The camera never faced you from the front: lean, hip height and "
            "foot turn-out need a front view.", 1.0 - frontal))
    if side < WARN_FRACTION and frontal < 1.0 - WARN_FRACTION:
        pass  # mixed/oblique views are normal while turning; nothing to say
    return out


# ------------------------------------------------------------------------------------ key frames
def _choose_key_frames(candidates: list[tuple[int, float, np.ndarray]], measures: MeasureSeries,
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


def _camera_roll(series: PoseSeries, thumbnails: list[tuple[int, float, np.ndarray]],
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


# -------------------------------------------------------------------------------------- analyze
def analyze(
    input_path: str | os.PathLike[str],
    options: AnalysisOptions | None = None,
    progress: ProgressCallback | None = None,
) -> AnalysisResult:
    """Analyse a video or a still photo (see module docstring).

    Raises:
        InputError: missing, empty, unreadable, corrupt or truncated file, no video stream.
        NoPersonError: nobody was found in any frame.
        ModelError: the pose model could not be loaded.
    """
    opts = options or AnalysisOptions()
    t0 = time.perf_counter()
    path = check_input_file(input_path)
    info = _probe(path)
    if info.kind == "video" and opts.max_frames is None:
        scan_video(path).check_usable()  # a damaged file is refused before the model loads
    thumbs = _Thumbnails()
    est_opts = EstimatorOptions(model_path=opts.model_path, num_poses=opts.num_poses,
                                max_side_px=opts.max_side_px, flip_average=opts.flip_average,
                                running_mode="image" if info.kind == "image" else "video")
    timings: dict[str, float] = {}
    t = time.perf_counter()
    with PoseEstimator(est_opts) as est:
        timings["model_load_s"] = time.perf_counter() - t
        t = time.perf_counter()
        if info.kind == "image":
            small = _extract_image(path, est, thumbs)
        elif opts.sampling == "adaptive":
            small = _extract_video_adaptive(path, est, est_opts, opts, thumbs, info, progress)
        else:
            small = _extract_video(path, est, opts, thumbs, info.n_frames_container,
                                   progress)
        timings["landmarks_s"] = time.perf_counter() - t
    # landmarks are normalized: express the series in the displayed frame size
    analysed_size = small.frame_size
    series = replace(small, frame_size=(info.width, info.height), source=str(path),
                     meta=dict(small.meta, analysed_size=list(analysed_size)))
    if (info.width, info.height) != analysed_size and info.kind == "video":
        # rotation metadata can swap the container's width and height
        aw, ah = analysed_size
        if (aw > ah) != (info.width > info.height):
            info = InputInfo(**{**info.__dict__, "width": info.height, "height": info.width})
            series = replace(series, frame_size=(info.width, info.height))
    info = InputInfo(**{**info.__dict__, "analysed_size": analysed_size})
    if info.kind == "video" and len(series) > 1:
        dur = float(series.t_s[-1] - series.t_s[0])
        if not np.isfinite(info.duration_s) or opts.max_frames:
            info = InputInfo(**{**info.__dict__, "duration_s": dur})
    damage = None
    if info.kind == "video" and opts.max_frames is None:
        vinfo = probe_video(path)
        dt = 1.0 / vinfo.fps if vinfo.fps > 0 else 1.0 / 30.0
        damage = damaged_part(vinfo, len(series), float(series.t_s[-1]) + dt)
        if damage is not None:
            series.meta["damaged"] = dict(damage.as_dict(), message=damage.message)
    result = analyze_series(series, opts, info=info, thumbnails=thumbs.items, timings=timings,
                            started=t0)
    if damage is not None:
        lost = QualityWarning("damaged_recording", damage.message, damage.fraction_lost)
        result = replace(result, warnings=(lost, *result.warnings))
    return result


def analyze_series(
    series: PoseSeries,
    options: AnalysisOptions | None = None,
    *,
    info: InputInfo | None = None,
    thumbnails: list[tuple[int, float, np.ndarray]] | None = None,
    timings: dict[str, float] | None = None,
    started: float | None = None,
) -> AnalysisResult:
    """Measures, findings, stretch check and quality warnings of landmarks already extracted.

    :func:`analyze` ends here; the live check uses it directly to export a camera session
    like a recorded video (``info`` then describes the camera; no key frames without
    ``thumbnails``).

    Raises:
        NoPersonError: nobody was found in any frame.
    """
    opts = options or AnalysisOptions()
    t0 = time.perf_counter() if started is None else started
    timings = dict(timings or {})
    if info is None:
        w, h = series.frame_size
        dur = float(series.t_s[-1] - series.t_s[0]) if len(series) > 1 else 0.0
        fps = (len(series) - 1) / dur if dur > 0 else 0.0
        info = InputInfo(series.source or "camera", Path(series.source or "camera").name,
                         "video", 0, w, h, fps, len(series), dur, 0, (w, h))
    path = info.path
    n_det = int(series.detected.sum())
    if n_det == 0:
        raise NoPersonError(
            f"{path}: no person found in any of the {len(series)} frame(s); film the whole "
            "body, alone, in good light")

    t = time.perf_counter()
    smoothing = opts.smoothing if len(series) > 2 else None
    roll, roll_source = _camera_roll(series, thumbnails or [], opts.roll_deg)
    measures = compute_measures(series, smoothing=smoothing, height_m=opts.height_m,
                                roll_deg=roll, roll_source=roll_source)
    timings["measures_s"] = time.perf_counter() - t

    t = time.perf_counter()
    # a photo is one moment: judged on its single frame (a warning says it is less reliable)
    minimum = {"min_valid_frames": 1, "min_valid_s": 0.0} if info.kind == "image" else {}
    findings = evaluate_findings(measures, pain_side=opts.pain_side, baseline=opts.baseline,
                                 **minimum)
    timings["findings_s"] = time.perf_counter() - t

    stretch = None
    if opts.stretch is not None:
        from .stretch import analyze_series

        t = time.perf_counter()
        stretch = analyze_series(series, opts.stretch, side=opts.stretch_side)
        timings["stretch_s"] = time.perf_counter() - t

    warnings = quality_warnings(series, measures, info.kind)
    keys = _choose_key_frames(thumbnails or [], measures, stretch, opts.n_key_frames)
    timings["total_s"] = time.perf_counter() - t0
    n = len(series)
    landmarks_s = timings.get("landmarks_s", 0.0)
    timings["landmarks_fps"] = n / landmarks_s if landmarks_s > 0 else 0.0
    log.info("analysed %s: %d frames, person in %d, %.1f s", info.file_name, n, n_det,
             timings["total_s"])
    return AnalysisResult(
        input=info, options=opts, series=series, measures=measures, findings=tuple(findings),
        stretch=stretch, warnings=tuple(warnings), key_frames=tuple(keys), timings_s=timings,
        created_utc=_dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
