"""End-to-end analysis throughput vs the bare pose model on the same frames (goal >= 0.9x).

Side by side in one run, alternating, best of ``--repeats``:

* **bare model**: the frames are decoded into memory first (not timed); the timed part creates
  a :class:`~posture_check.pose.estimator.PoseEstimator` (same options as the pipeline) and runs it
  over the in-memory frames.
* **pipeline**: :func:`posture_check.analysis.pipeline.analyze` on the file, limited to the same
  frames:
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
import os
import time
from pathlib import Path

from posture_check.analysis.pipeline import analyze
from posture_check.analysis.results import AnalysisOptions
from posture_check.analysis.sampling import SamplingRule
from posture_check.pose.estimator import EstimatorOptions, PoseEstimator
from posture_check.pose.video_io import iter_frames

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
                        help="recordings for the adaptive comparison: sample clip names, file "
                        "names in ../shared/real_media or paths (default: all the sample clips "
                        "and the videos of ../shared/real_media)")
    parser.add_argument("--quiet-fps", type=float, default=None,
                        help="adaptive: rate of the quiet samples (default: the rule's, "
                        f"{1 / SamplingRule().interval_s:g})")
    parser.add_argument("--plain-motion", action="store_true",
                        help="adaptive: motion frames without the mirror pass (measured: "
                        "outside the tolerance, see posture_check.analysis.sampling)")


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"


def _clip_path(name: str) -> Path:
    """A recording named on the command line: a path, a file of ../shared/real_media, or a
    sample clip's name (with or without ``.mp4``)."""
    from posture_check.bench.sampling_compare import REAL_MEDIA, SAMPLES

    for path in (Path(name), REAL_MEDIA / name, SAMPLES / name, SAMPLES / f"{name}.mp4"):
        if path.is_file():
            return path
    raise SystemExit(f"posture-check: error: {name}: no such recording (a path, a file of "
                     f"{REAL_MEDIA} or a sample clip name)")


def run_adaptive(args: argparse.Namespace) -> None:
    from posture_check.bench.sampling_compare import (
        REAL_MEDIA,
        SAMPLES,
        build_long_recording,
        clip_stretch,
        compare,
        print_table,
    )

    if args.clips is not None:
        paths = [_clip_path(name) for name in args.clips]
    else:
        paths = sorted(SAMPLES.glob("*.mp4")) + sorted(
            p for p in REAL_MEDIA.glob("*") if p.suffix.lower() in (".mp4", ".avi", ".mov"))
    print(f"adaptive sampling vs full rate, {len(paths)} recordings"
          f"{f' + a {args.minutes:g}-minute loop' if args.minutes > 0 else ''}; {_load()}",
          flush=True)
    rule = SamplingRule(**({} if args.quiet_fps is None else {"interval_s": 1 / args.quiet_fps}),
                        flip_motion=not args.plain_motion)
    print(f"rule: quiet samples at {1 / rule.interval_s:g} frames/s, motion at the full rate, "
          f"motion frames {'flip-averaged' if rule.flip_motion else 'plain (no mirror pass)'}")
    rows = []
    for path in paths:
        rows.append(compare(path, clip_stretch(path), args.model, rule))
        r = rows[-1]
        print(f"  {path.name}: full {r['full']:.1f} s, adaptive {r['adaptive']:.1f} s, largest "
              f"difference {r['measure']:.2f} ({r['worst']}, tolerance {r['worst_tol']:.2f}), "
              f"{'within' if r['ok'] else 'OUTSIDE'} tolerance", flush=True)
    if args.minutes > 0:
        long = build_long_recording(args.minutes)
        rows.append(compare(long, "standing_hamstring", args.model, rule))
    print(f"adaptive sampling vs full rate (flip averaging on in both; {_load()}):")
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
    a_opts = AnalysisOptions(model_path=args.model, max_frames=n, stretch=args.stretch,
                             sampling="full")  # every frame, as the bare model
    # the same model passes as the pipeline: flip averaging (two passes a frame) in both
    e_opts = EstimatorOptions(model_path=args.model, num_poses=a_opts.num_poses,
                              max_side_px=a_opts.max_side_px, flip_average=a_opts.flip_average)
    print(f"video {args.video.name}: {n} frames {w}x{h}; estimator num_poses="
          f"{e_opts.num_poses}, max_side_px={e_opts.max_side_px}, flip_average="
          f"{e_opts.flip_average}")
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
