"""Batch throughput: recordings per minute with 1 Dask worker vs the local cluster.

Side by side in one run: the same recordings (default: the six short sample clips, 76-106
frames each; ``--all`` adds the four long stretch clips) through :func:`posture_check.batch.
run_batch` on a ``LocalCluster`` of 1 worker process, then of ``--workers`` (default: the
machine's cores), each into a fresh output folder (JSON + CSV reports, the table, the
manifest). The cluster is started before the clock starts (start-up is printed apart); the
timed part is hashing, every analysis and writing every report. The machine's load average is
printed too: on a shared machine the figures move with it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path

from posture_check.analysis.results import AnalysisOptions
from posture_check.batch import dask_client, find_recordings, run_batch

_REPO = Path(__file__).resolve().parents[2]
SAMPLES = _REPO / "sample_videos"
SHORT = ("standing_neutral_front", "foot_turnout_right30_left5_front", "lean_left8_front",
         "hip_hike_right5_front", "anterior_tilt_side", "hamstring_too_short_side")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, nargs="?", default=None,
                        help="recordings to use (default: sample clips, see --all)")
    parser.add_argument("--all", action="store_true", help="all ten sample clips")
    parser.add_argument("--workers", type=int, default=None,
                        help="local cluster size to compare with 1 (default: the cores)")
    parser.add_argument("--no-flip-average", action="store_true")


def _timed(inputs: list[Path], n_workers: int, options: AnalysisOptions) -> tuple[float, float]:
    """(cluster start-up s, batch s) into a fresh folder."""
    out = Path(tempfile.mkdtemp(prefix="posture-check-bench-batch-"))
    try:
        t = time.perf_counter()
        with dask_client(None, n_workers) as client:
            client.run(lambda: __import__("posture_check.analysis.pipeline"))  # workers warm
            startup = time.perf_counter() - t

            @contextlib.contextmanager
            def started():
                yield client

            t = time.perf_counter()
            summary = run_batch(inputs, out, options, ("json", "csv"), client_factory=started,
                                progress_stream=open(os.devnull, "w"))  # noqa: SIM115
            seconds = time.perf_counter() - t
        if summary.failed:
            raise RuntimeError(f"failed recordings: {summary.failed}")
        return startup, seconds
    finally:
        shutil.rmtree(out, ignore_errors=True)


def run(args: argparse.Namespace) -> int:
    if args.folder is not None:
        inputs = find_recordings(args.folder)
    else:
        names = SHORT if not args.all else tuple(p.stem for p in sorted(SAMPLES.glob("*.mp4")))
        inputs = [SAMPLES / f"{n}.mp4" for n in names]
    n_cluster = args.workers or os.cpu_count() or 1
    options = AnalysisOptions(flip_average=not args.no_flip_average)
    print(f"{len(inputs)} recordings; flip averaging {'off' if args.no_flip_average else 'on'}; "
          f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")
    rows = []
    for n in (1, n_cluster):
        startup, seconds = _timed(inputs, n, options)
        rows.append((n, startup, seconds))
    print(f"{'workers':>8} {'start-up s':>11} {'batch s':>9} {'recordings/min':>15}")
    for n, startup, seconds in rows:
        print(f"{n:>8} {startup:>11.1f} {seconds:>9.1f} {60 * len(inputs) / seconds:>15.1f}")
    print(f"speed-up {rows[0][2] / rows[1][2]:.2f}x with {n_cluster} workers; load average "
          f"{os.getloadavg()[0]:.1f} at the end")
    return 0
