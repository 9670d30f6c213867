"""End-to-end analysis throughput vs the bare pose model on the same frames (goal >= 0.9x).

Side by side in one run, alternating, best of ``--repeats``:

* **bare model**: the frames are decoded into memory first (not timed); the timed part creates
  a :class:`~posture_check.estimator.PoseEstimator` (same options as the pipeline) and runs it
  over the in-memory frames.
* **pipeline**: :func:`posture_check.analysis.analyze` on the file, limited to the same frames:
  probing, decoding (on its own thread), downscaling, landmarks, measures, findings, quality
  warnings, key frames (and the stretch check with ``--stretch``).

Ratio = pipeline frames/s / bare frames/s. Reports are not part of either (they are exports).

Then, unless ``--only bare``: adaptive frame sampling vs the full-rate single-landmarker
analysis on the sample clips and a long recording built from them (``--minutes``, default 10):
speed-up and the largest difference in results, side by side
(:mod:`posture_check.bench.sampling_compare`, tolerance stated there).
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

from ..analysis import analyze
from ..estimator import EstimatorOptions, PoseEstimator
from ..results import AnalysisOptions
from ..video_io import iter_frames

_REPO = Path(__file__).resolve().parents[2]
DEFAULT_VIDEO = _REPO.parent / "shared" / "real_media" / "video.avi"
GOAL = 0.9


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("video", type=Path, nargs="?", default=DEFAULT_VIDEO,
                        help=f"video to analyse (default: {DEFAULT_VIDEO.name} of shared media)")
    parser.add_argument("--frames", type=int, default=200, help="frames to use (default 200)")
    parser.add_argument("--repeats", type=int, default=2, help="alternating runs (best kept)")
    parser.add_argument("--stretch", default=None, help="also run this stretch check")
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--only", choices=("bare", "adaptive"), default=None,
                        help="run only the bare-model ratio or only the adaptive comparison")
    parser.add_argument("--minutes", type=float, default=10.0,
                        help="length of the long recording for the adaptive comparison "
                        "(0 = sample clips only)")
    parser.add_argument("--clips", nargs="*", default=None, metavar="NAME",
                        help="sample clips for the adaptive comparison (default: all)")


def run_adaptive(args: argparse.Namespace) -> None:
    from .sampling_compare import SAMPLES, build_long_recording, clip_stretch, compare, print_table

    names = args.clips if args.clips is not None else sorted(p.stem for p in
                                                             SAMPLES.glob("*.mp4"))
    rows = []
    for name in names:
        path = SAMPLES / f"{name}.mp4"
        rows.append(compare(path, clip_stretch(path), args.model))
        r = rows[-1]
        print(f"  {name}: full {r['full']:.1f} s, adaptive {r['adaptive']:.1f} s, largest "
              f"difference {r['measure']:.2f}, {'within' if r['ok'] else 'OUTSIDE'} tolerance",
              flush=True)
    if args.minutes > 0:
        long = build_long_recording(args.minutes)
        rows.append(compare(long, "standing_hamstring", args.model))
    print("adaptive sampling vs full rate (flip averaging on in both):")
    print_table(rows)


def time_bare(frames: list, options: EstimatorOptions) -> float:
    """Seconds for a fresh estimator over in-memory ``(t_s, rgb)`` frames."""
    start = time.perf_counter()
    with PoseEstimator(options) as est:
        est.process_frames(frames)
    return time.perf_counter() - start


def time_pipeline(video: Path, options: AnalysisOptions) -> tuple[float, dict, int]:
    start = time.perf_counter()
    result = analyze(video, options)
    return time.perf_counter() - start, result.timings_s, result.n_frames


def run(args: argparse.Namespace) -> int:
    if args.only != "adaptive":
        run_bare(args)
    if args.only != "bare":
        run_adaptive(args)
    return 0


def run_bare(args: argparse.Namespace) -> None:
    frames = list(itertools.islice(iter_frames(args.video, allow_truncated=True), args.frames))
    n = len(frames)
    h, w = frames[0][1].shape[:2]
    a_opts = AnalysisOptions(model_path=args.model, max_frames=n, stretch=args.stretch)
    e_opts = EstimatorOptions(model_path=args.model, num_poses=a_opts.num_poses,
                              max_side_px=a_opts.max_side_px)
    print(f"video {args.video.name}: {n} frames {w}x{h}; estimator num_poses="
          f"{e_opts.num_poses}, max_side_px={e_opts.max_side_px}")
    # warm-up (model file cache, XNNPACK init), not timed
    time_bare(frames[:5], e_opts)
    bare, pipe, timings = [], [], {}
    for _ in range(max(args.repeats, 1)):
        bare.append(time_bare(frames, e_opts))
        t, timings_k, n_pipe = time_pipeline(args.video, a_opts)
        if n_pipe != n:
            raise RuntimeError(f"pipeline analysed {n_pipe} frames, expected {n}")
        pipe.append(t)
        if t <= min(pipe):
            timings = timings_k
    bare_fps, pipe_fps = n / min(bare), n / min(pipe)
    ratio = pipe_fps / bare_fps
    print(f"bare model : {bare_fps:6.1f} frames/s  ({1000 * min(bare) / n:.1f} ms/frame, "
          f"runs {', '.join(f'{x:.2f}' for x in bare)} s)")
    print(f"pipeline   : {pipe_fps:6.1f} frames/s  ({1000 * min(pipe) / n:.1f} ms/frame, "
          f"runs {', '.join(f'{x:.2f}' for x in pipe)} s)")
    print("pipeline breakdown (s): " + ", ".join(f"{k.removesuffix('_s')} {v:.3f}"
                                                for k, v in timings.items() if k.endswith("_s")))
    print(f"ratio pipeline / bare model: {ratio:.2f}x (goal >= {GOAL}x): "
          f"{'met' if ratio >= GOAL else 'MISSED'}")
