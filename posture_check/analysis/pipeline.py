"""Analyse a recorded video or a still photo: the pipeline behind ``posture-check analyze``.

:func:`analyze` turns a file into an :class:`AnalysisResult`: input metadata, the
:class:`~posture_check.pose.series.PoseSeries` of the person followed, their
:class:`~posture_check.measures.MeasureSeries`, the findings (with source documents), the stretch
analysis when a stretch is named, quality warnings, a few key frames for reports and timings::

    from posture_check.analysis.pipeline import analyze
    from posture_check.analysis.results import AnalysisOptions
    result = analyze("clip.mp4", AnalysisOptions(pain_side="left"))
    result.findings, result.warnings, result.measures.summary()

The steps live in their own modules: :mod:`posture_check.analysis.extraction` (video/photo ->
PoseSeries),
:mod:`posture_check.analysis.quality_warnings`, :mod:`posture_check.analysis.key_frames` and the
result types in
:mod:`posture_check.analysis.results`; this module runs them in order. Measures, findings and the
stretch
check are vectorized over the whole series.

Decisions:

* No person in any frame -> :class:`~posture_check.errors.NoPersonError`. Several people -> the
  estimator follows the most prominent one and a quality warning says in what share of frames
  others were in view. Body partly out of frame -> the affected measures are gated (NaN with a
  reason) and a warning names the body part and share of frames.
* Damaged videos are found before the model loads (:func:`posture_check.pose.video_io.scan_video`):
  refused with one line when less than half of the recording (or less than a finding needs)
  decodes, otherwise analysed as far as they decode; the result is then
  :attr:`AnalysisResult.partial` and a ``damaged_recording`` warning (first in the list)
  gives the time range that was lost.
* Letterbox / pillarbox bars, black or a blurred copy of the clip, are not picture
  (:mod:`posture_check.pose.picture`): found on frames spread over the recording before the model
  loads, cut off every frame before the model reads it; the series, the key frames and the
  annotated video are the picture's.
* A still photo is one moment. The findings rules normally require a few seconds of valid
  frames; a photo is judged on its single frame (``evaluate_findings(min_valid_frames=1,
  min_valid_s=0)``), and a warning says that one photo is less reliable than a 10 s video.
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from posture_check.analysis.extraction import (
    ProgressCallback,
    extract_image,
    extract_video,
    extract_video_adaptive,
    mark_damage,
    probe_input,
)
from posture_check.analysis.key_frames import Thumbnails, camera_roll_from_frames, choose_key_frames
from posture_check.analysis.quality_warnings import quality_warnings
from posture_check.analysis.results import (
    AnalysisOptions,
    AnalysisResult,
    InputInfo,
    QualityWarning,
)
from posture_check.errors import NoPersonError
from posture_check.measures import compute_measures, evaluate_findings
from posture_check.pose.estimator import EstimatorOptions, PoseEstimator
from posture_check.pose.picture import Area, picture_of_frames, picture_size
from posture_check.pose.series import PoseSeries
from posture_check.pose.video_io import (
    check_input_file,
    downscaled_size,
    read_image_rgb,
    sample_frames,
    scan_video,
)

__all__ = ["analyze", "analyze_series"]

log = logging.getLogger(__name__)


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
    info = probe_input(path)
    if info.kind == "video" and opts.max_frames is None:
        scan_video(path).check_usable()  # a damaged file is refused before the model loads
    thumbs = Thumbnails()
    # letterbox / pillarbox bars are not picture: the model reads the picture inside them
    picture = picture_of_frames([read_image_rgb(path)] if info.kind == "image"
                                else sample_frames(path))
    est_opts = EstimatorOptions(model_path=opts.model_path, num_poses=opts.num_poses,
                                max_side_px=opts.max_side_px, flip_average=opts.flip_average,
                                running_mode="image" if info.kind == "image" else "video")
    timings: dict[str, float] = {}
    t = time.perf_counter()
    with PoseEstimator(est_opts) as est:
        timings["model_load_s"] = time.perf_counter() - t
        t = time.perf_counter()
        if info.kind == "image":
            extracted = extract_image(path, est, thumbs, picture)
        elif opts.sampling == "adaptive":
            extracted = extract_video_adaptive(path, est, est_opts, opts, thumbs, info, progress,
                                               picture)
        else:
            extracted = extract_video(path, est, max_frames=opts.max_frames, thumbnails=thumbs,
                                      progress=progress, expected_frames=info.n_frames_container,
                                      picture=picture)
        timings["landmarks_s"] = time.perf_counter() - t
    info = _as_analysed(info, extracted, opts, picture)
    # landmarks are normalized: the series is expressed in the displayed picture size
    meta = dict(extracted.meta, analysed_size=list(info.analysed_size))
    if picture is not None:
        meta["picture"] = [float(v) for v in picture]
    series = replace(extracted, frame_size=picture_size(picture, (info.width, info.height)),
                     source=str(path), meta=meta)
    damage = None
    if info.kind == "video" and opts.max_frames is None:
        damage = mark_damage(path, series)
    result = analyze_series(series, opts, info=info, thumbnails=thumbs.items, timings=timings,
                            started=t0)
    if damage is not None:
        lost = QualityWarning("damaged_recording", damage.message, damage.fraction_lost)
        result = replace(result, warnings=(lost, *result.warnings))
    return result


def _as_analysed(info: InputInfo, extracted: PoseSeries, opts: AnalysisOptions,
                 picture: Area | None) -> InputInfo:
    """``info`` with the size the model saw (the estimator downscales frames larger than
    ``max_side_px``), the displayed size (rotation metadata can swap the container's width and
    height), the ``picture`` inside bars and, when the container has none or frames were
    capped, the duration of the frames extracted."""
    decoded = extracted.frame_size  # the picture's, when there are bars
    width, height, duration_s = info.width, info.height, info.duration_s
    full = decoded if picture is None else (round(decoded[0] / (picture[2] - picture[0])),
                                            round(decoded[1] / (picture[3] - picture[1])))
    if (width, height) != full and info.kind == "video":
        aw, ah = full
        if (aw > ah) != (width > height):
            width, height = height, width
    if info.kind == "video" and len(extracted) > 1:
        dur = float(extracted.t_s[-1] - extracted.t_s[0])
        if not np.isfinite(info.duration_s) or opts.max_frames:
            duration_s = dur
    return replace(info, width=width, height=height, duration_s=duration_s,
                   analysed_size=downscaled_size(decoded, opts.max_side_px), picture=picture)


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
    roll, roll_source = camera_roll_from_frames(series, thumbnails or [], opts.roll_deg)
    measures = compute_measures(series, smoothing=smoothing, height_m=opts.height_m,
                                roll_deg=roll, roll_source=roll_source)
    timings["measures_s"] = time.perf_counter() - t

    t = time.perf_counter()
    # a photo is one moment: judged on its single frame (a warning says it is less reliable)
    if info.kind == "image":
        findings = evaluate_findings(measures, pain_side=opts.pain_side, baseline=opts.baseline,
                                     min_valid_frames=1, min_valid_s=0.0)
    else:
        findings = evaluate_findings(measures, pain_side=opts.pain_side, baseline=opts.baseline)
    timings["findings_s"] = time.perf_counter() - t

    stretch = None
    if opts.stretch is not None:
        from posture_check.stretch import analyze_series

        t = time.perf_counter()
        stretch = analyze_series(series, opts.stretch, side=opts.stretch_side)
        timings["stretch_s"] = time.perf_counter() - t

    warnings = quality_warnings(series, measures, info.kind)
    keys = choose_key_frames(thumbnails or [], measures, stretch, opts.n_key_frames)
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
