"""Time the pose model per frame (VIDEO mode) on a video, side by side in one run.

Rows: one person asked for; three asked for on every frame (MediaPipe then runs its detector on
every frame); three with single-person tracking while one person is alone in view (the
default, :mod:`posture_check.estimator`); and the flip-averaged default (model on the frame and
its mirror) with the mirror pass after the original one, then on its own thread beside it.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ..estimator import EstimatorOptions, PoseEstimator
from ..video_io import iter_frames

_SHARED = Path(__file__).resolve().parents[2].parent / "shared"
DEFAULT_VIDEO = _SHARED / "real_media" / "squat_side.mp4"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("video", type=Path, nargs="?", default=DEFAULT_VIDEO)
    parser.add_argument("--frames", type=int, default=300, help="frames to time (default 300)")
    parser.add_argument("--model", type=Path, default=None)


ROWS: tuple[tuple[str, dict], ...] = (
    ("1 person", {"num_poses": 1}),
    ("3 people, every frame", {"num_poses": 3, "single_tracking": False}),
    ("3 people, single tracking (default)", {"num_poses": 3}),
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
    return 0
