"""Time the pose model per frame (VIDEO mode) on a video, side by side in one run.

Rows: one person asked for (MediaPipe tracks them); three asked for, as recordings do (the
detector on every frame, :mod:`posture_check.pose.estimator`); and recordings' flip averaging (the
model on the frame and on its mirror) with the mirror pass after the original one, then on its
own thread beside it (the default).

``--truth``: the rendered sample clips analysed at full rate (flip-averaged) with three people
asked for and with one, side by side: seconds and the mean per-frame error of every measure
against the clip's per-frame truth (its labels file).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from posture_check.pose.estimator import EstimatorOptions, PoseEstimator
from posture_check.pose.video_io import iter_frames

_SHARED = Path(__file__).resolve().parents[2].parent / "shared"
DEFAULT_VIDEO = _SHARED / "real_media" / "squat_side.mp4"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("video", type=Path, nargs="?", default=DEFAULT_VIDEO)
    parser.add_argument("--frames", type=int, default=300, help="frames to time (default 300)")
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--truth", action="store_true",
                        help="also: sample clips' error against their truth, 3 people asked "
                        "for vs 1")


ROWS: tuple[tuple[str, dict], ...] = (
    ("1 person (tracked)", {"num_poses": 1}),
    ("3 people (recordings)", {"num_poses": 3}),
    ("flip-averaged, mirror pass after", {"flip_average": True, "mirror_thread": False}),
    ("flip-averaged, mirror thread (default)", {"flip_average": True}),
)


def time_model(frames: list, model: Path | None, **options) -> float:
    """Mean milliseconds per frame of the estimator alone, in VIDEO mode."""
    with PoseEstimator(EstimatorOptions(model_path=model, **options)) as est:
        est.process_frames(frames[:5])  # warm-up: graph start, XNNPACK init
        start = time.perf_counter()
        est.process_frames(frames[5:])
        return (time.perf_counter() - start) * 1000.0 / max(len(frames) - 5, 1)


def truth_error(clip: Path, model: Path | None, num_poses: int) -> tuple[float, float]:
    """(seconds, mean over measures of the per-frame absolute error in deg/cm) of a rendered
    sample clip analysed at full rate, flip-averaged, against its labels' per-frame truth."""
    import numpy as np

    from posture_check.analysis.extraction import extract_video
    from posture_check.analysis.pipeline import analyze_series
    from posture_check.synth.samples import load_labels

    truth = load_labels(clip.with_suffix(".json"))["frames"]
    start = time.perf_counter()
    opts = EstimatorOptions(model_path=model, num_poses=num_poses, flip_average=True)
    with PoseEstimator(opts) as est:
        series = extract_video(clip, est)
    measures = analyze_series(series).measures
    seconds = time.perf_counter() - start
    errors = []
    for name, values in measures.values.items():
        if name in truth:
            n = min(len(values), len(truth[name]))
            err = np.abs(values[:n] - np.asarray(truth[name][:n], dtype=np.float64))
            if np.isfinite(err).any():
                errors.append(float(np.nanmean(err)))
    return seconds, float(np.mean(errors))


def run_truth(model: Path | None) -> None:
    from posture_check.bench.sampling_compare import SAMPLES

    print("sample clips at full rate against their per-frame truth (mean error over measures):")
    print(f"{'clip':40s} {'3 people':>18s} {'1 person':>18s}")
    totals: dict[int, list[tuple[float, float]]] = {3: [], 1: []}
    for clip in sorted(SAMPLES.glob("*.mp4")):
        row = []
        for num_poses in (3, 1):
            seconds, error = truth_error(clip, model, num_poses)
            totals[num_poses].append((seconds, error))
            row.append(f"{error:6.2f} deg {seconds:5.1f} s")
        print(f"{clip.stem[:40]:40s} {row[0]:>18s} {row[1]:>18s}")
    for num_poses, label in ((3, "3 people"), (1, "1 person")):
        secs, errs = zip(*totals[num_poses], strict=True)
        print(f"  {label}: mean error {sum(errs) / len(errs):.2f} deg, {sum(secs):.1f} s")


def run(args: argparse.Namespace) -> int:
    frames = []
    for item in iter_frames(args.video):
        frames.append(item)
        if len(frames) >= args.frames:
            break
    h, w = frames[0][1].shape[:2]
    print(f"video {args.video.name}: {len(frames)} frames {w}x{h}")
    for label, options in ROWS:
        ms = time_model(frames, args.model, **options)
        print(f"{label:40s} {ms:5.1f} ms/frame ({1000.0 / ms:.0f} fps)")
    if args.truth:
        run_truth(args.model)
    return 0
