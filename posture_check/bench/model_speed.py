"""Time the bare pose model per frame (VIDEO mode) on a video, for 1 and for several poses."""

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


def time_model(frames: list, num_poses: int, model: Path | None) -> float:
    """Mean milliseconds per frame of the landmarker alone, in VIDEO mode."""
    with PoseEstimator(EstimatorOptions(model_path=model, num_poses=num_poses)) as est:
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
    for num_poses in (1, 3):
        ms = time_model(frames, num_poses, args.model)
        print(f"num_poses={num_poses}: {ms:.1f} ms/frame ({1000.0 / ms:.0f} fps)")
    return 0
