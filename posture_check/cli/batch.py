"""Analyse every recording of a folder or glob pattern on Dask (a local cluster by default):
one report folder each, a combined Parquet/CSV table, resumable.

Output folder (``--out``, default ``batch_reports`` in the current folder): one
``<name>_report/`` per recording (the same files as ``posture-check analyze``; default JSON,
CSV, PDF and HTML, the annotated video only with ``--video``), ``batch_table.parquet`` and
``batch_table.csv`` (one row per recording and measure), ``batch_failed.csv`` (recordings that
failed, with their error) and ``batch_manifest.json`` (what is done, by content hash: a second
run skips it). Exit status 0 when every recording is done, 1 when some failed, 2 on an error
that stops the batch (no recordings found, unreachable scheduler, unwritable folder).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from posture_check.cli.analyze import _history_open, _stretch_name
from posture_check.cli.history import db_argument
from posture_check.cli.options import add_sampling_arguments, sampling_from
from posture_check.cli.output_paths import check_output_dir
from posture_check.errors import InputError

_FLAGS = ("json", "csv", "pdf", "html", "video")
DEFAULT_FORMATS = ("json", "csv", "pdf", "html")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", metavar="FOLDER_OR_GLOB",
                        help="a folder (its videos and photos) or a quoted glob pattern, e.g. "
                        "'study/**/*.mp4'")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: batch_reports in the current folder)")
    for f in _FLAGS:
        parser.add_argument(f"--{f}", action="store_true",
                            help=f"write the {f.upper() if f != 'video' else 'annotated video'}"
                            " report" + (" (default: JSON, CSV, PDF and HTML)"
                                         if f == "json" else ""))
    parser.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                        help="use this running Dask scheduler (default: a local cluster with "
                        "one worker process per core, on 127.0.0.1 only)")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="local cluster size (default: the number of cores)")
    parser.add_argument("--connect-timeout", type=float, default=10.0, metavar="S",
                        help="seconds to wait for --scheduler and its workers (default 10)")
    parser.add_argument("--retry-failed", action="store_true",
                        help="analyse again the recordings an earlier run found bad")
    parser.add_argument("--stretch", type=_stretch_name, default=None, metavar="NAME",
                        help="check the form of this stretch in every recording")
    parser.add_argument("--pain-side", choices=("left", "right"), default=None)
    parser.add_argument("--height-m", type=float, default=None)
    parser.add_argument("--model", type=Path, default=None,
                        help="pose landmarker .task (must exist at this path on every worker)")
    parser.add_argument("--camera-roll-deg", type=float, default=None, metavar="DEG")
    parser.add_argument("--no-flip-average", action="store_true",
                        help="run the pose model once per frame (twice as fast)")
    add_sampling_arguments(parser)
    h = parser.add_argument_group("my progress (a history on this computer)")
    h.add_argument("--save", action="store_true",
                   help="save every recording as a session of your history")
    h.add_argument("--profile", default=None, metavar="NAME",
                   help="whose history (default 'me'); reports compare with its baseline")
    h.add_argument("--note", default="", help="a note stored with each session (--save)")
    h.add_argument("--pain-score", type=int, default=None, metavar="0-10")
    h.add_argument("--keep-landmarks", action="store_true")
    db_argument(h)


def run(args: argparse.Namespace) -> int:
    from posture_check.batch.discover import find_recordings

    if args.height_m is not None and not 0.5 <= args.height_m <= 2.6:
        raise InputError(f"--height-m must be a height in metres (0.5-2.6), got {args.height_m}")
    if args.camera_roll_deg is not None and not abs(args.camera_roll_deg) <= 45:
        raise InputError(f"--camera-roll-deg must be within +-45, got {args.camera_roll_deg}")
    if args.workers is not None and args.workers < 1:
        raise InputError(f"--workers must be >= 1, got {args.workers}")
    inputs = find_recordings(args.inputs)
    out = args.out or Path.cwd() / "batch_reports"
    check_output_dir(out)
    formats = tuple(f for f in _FLAGS if getattr(args, f)) or DEFAULT_FORMATS
    if args.model is not None and args.scheduler is None and not args.model.is_file():
        raise InputError(f"--model {args.model}: no such file")

    from posture_check.analysis.results import AnalysisOptions
    from posture_check.batch.runner import HistorySink, dask_client, run_batch

    store = _history_open(args)
    try:
        sink = None
        if store is not None:
            from posture_check.history.store import DEFAULT_PROFILE

            profile = args.profile or DEFAULT_PROFILE
            sink = HistorySink(store, profile, args.save, args.note, args.pain_score,
                               args.keep_landmarks)
        options = AnalysisOptions(model_path=args.model, stretch=args.stretch,
                                  pain_side=args.pain_side, height_m=args.height_m,
                                  roll_deg=args.camera_roll_deg,
                                  flip_average=not args.no_flip_average,
                                  sampling=sampling_from(args),
                                  baseline=store.baseline_summary(sink.profile) if store
                                  else None)
        summary = run_batch(
            inputs, out, options, formats, retry_failed=args.retry_failed, history=sink,
            client_factory=lambda: dask_client(args.scheduler, args.workers,
                                               args.connect_timeout))
    finally:
        if store is not None:
            store.close()
    redone = (f" ({len(summary.redone)} of them done before with other settings)"
              if summary.redone else "")
    print(f"{len(summary.done)} analysed{redone}, {len(summary.skipped)} skipped (seen before), "
          f"{len(summary.failed)} failed; {summary.n_rows} table rows in "
          f"{out / 'batch_table.parquet'} and .csv ({summary.seconds:.1f} s)")
    for p, sid in summary.sessions.items():
        print(f"  saved {Path(p).name} as session #{sid} of profile '{sink.profile}'")
    for p, err in summary.failed.items():
        print(f"  FAILED {p}: {err}")
    return 1 if summary.failed else 0
