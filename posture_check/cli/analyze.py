"""Analyse a recorded video or a photo and export the posture report (PDF, HTML, JSON, CSV,
annotated video)."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from posture_check.cli.history import db_argument
from posture_check.cli.options import add_sampling_arguments, sampling_from
from posture_check.cli.output_paths import (
    check_output_dir,
    os_error_message,
    remove_created_dirs_on_failure,
)
from posture_check.cli.progress import progress_bar
from posture_check.errors import InputError, OutputError
from posture_check.pose.video_io import check_media, is_image_path

_FLAGS = ("pdf", "html", "csv", "video")


def _stretch_name(name: str) -> str:
    """argparse type of ``--stretch``: the catalogue (and SciPy with it) is imported only when
    the option is used, so checking a bad input stays fast."""
    from posture_check.stretch import CATALOGUE

    if name not in CATALOGUE:
        raise argparse.ArgumentTypeError(
            f"unknown stretch {name!r}; choose from {', '.join(sorted(CATALOGUE))}")
    return name


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path, help="video (mp4, mov, avi, ...) or photo (jpg, png)")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: <input name>_report in the current folder)")
    parser.add_argument("--pdf", action="store_true", help="write the PDF report")
    parser.add_argument("--html", action="store_true", help="write the self-contained HTML report")
    parser.add_argument("--json", nargs="?", const="", default=None, metavar="-",
                        help="write the JSON report; '--json -' prints it to stdout")
    parser.add_argument("--csv", action="store_true", help="write one CSV row per frame")
    parser.add_argument("--video", action="store_true",
                        help="write the annotated video (H.264 MP4; a PNG for a photo)")
    parser.add_argument("--stretch", type=_stretch_name, default=None, metavar="NAME",
                        help="check the form of this stretch of the catalogue, e.g. "
                        "standing_hamstring (an unknown name lists them all)")
    parser.add_argument("--pain-side", choices=("left", "right"), default=None,
                        help="the side where you feel the pain (findings relate the lean to it)")
    parser.add_argument("--height-m", type=float, default=None,
                        help="your height in metres (scales the cm measures)")
    parser.add_argument("--model", type=Path, default=None,
                        help="pose landmarker .task (default: the bundled full model)")
    parser.add_argument("--camera-roll-deg", type=float, default=None, metavar="DEG",
                        help="the camera's roll if you know it (0 = levelled with a spirit level; "
                        "> 0 = verticals lean counter-clockwise on screen); default: estimated "
                        "from the room's vertical lines, and the intervals widen when there are "
                        "none")
    parser.add_argument("--no-flip-average", action="store_true",
                        help="run the pose model once per frame instead of on the frame and its "
                        "mirror (twice as fast; readings no longer swap exactly when mirrored)")
    add_sampling_arguments(parser)
    # my progress (posture_check.history): kept together, used only in _history_* below
    h = parser.add_argument_group("my progress (a history on this computer)")
    h.add_argument("--save", action="store_true",
                   help="save this session to your history (never the video)")
    h.add_argument("--profile", default=None, metavar="NAME",
                   help="whose history: compare with their baseline, and save under this name "
                        "with --save (default: 'me')")
    h.add_argument("--note", default="", help="a note stored with the session (--save)")
    h.add_argument("--pain-score", type=int, default=None, metavar="0-10",
                   help="how much it hurts today, 0-10, stored with the session (--save)")
    h.add_argument("--keep-landmarks", action="store_true",
                   help="also store the body landmarks (--save; still never the video)")
    db_argument(h)


def _formats(args: argparse.Namespace) -> tuple[list[str], bool]:
    """(formats written to files, JSON to stdout)."""
    from posture_check.report import FORMATS

    to_stdout = args.json == "-"
    chosen = [f for f in _FLAGS if getattr(args, f)]
    if args.json == "":
        chosen.insert(0, "json")
    if not chosen and not to_stdout:
        chosen = list(FORMATS)
    return [f for f in FORMATS if f in chosen], to_stdout


def _history_open(args: argparse.Namespace):
    """The history store when --save or --profile asks for it (None otherwise, or when only
    comparing and no history file exists yet)."""
    if args.pain_score is not None and not 0 <= args.pain_score <= 10:
        raise InputError(f"--pain-score must be 0-10, got {args.pain_score}")
    if not (args.save or args.profile):
        if args.note or args.pain_score is not None or args.keep_landmarks:
            raise InputError("--note, --pain-score and --keep-landmarks need --save")
        return None
    from posture_check.history import HistoryStore, default_db_path
    from posture_check.history.store import check_profile_name

    if args.profile is not None:
        check_profile_name(args.profile)
    db = args.db or default_db_path()
    if not args.save and not Path(db).exists():
        return None
    return HistoryStore(db)


def _history_save(store, profile, result, args: argparse.Namespace):
    """Save the session (--save); return (SinceBaseline or None, session id or None)."""
    if store is None:
        return None, None
    from posture_check.history.since import since_baseline

    sid = None
    if args.save:
        sid = store.save_result(result, profile, note=args.note, pain_score=args.pain_score,
                                keep_landmarks=args.keep_landmarks)
    return since_baseline(store, profile, result, sid), sid


def _write(result, out: Path, formats: list[str], since=None) -> dict[str, Path]:
    """Write every format (each atomically); on failure remove what this run wrote, and the
    folders this run created, so no partial report is left behind. An OS error becomes an
    :class:`OutputError`; clean-up errors are suppressed so they never hide it."""
    from posture_check.report import output_names, write_reports

    names = output_names(Path(result.input.file_name).stem, result.input.kind)
    existed = {f for f in formats if (out / names[f]).exists()}
    try:
        with remove_created_dirs_on_failure(out):
            try:
                with progress_bar("writing report", unit="frame") as progress:
                    return write_reports(result, out, formats, progress=progress, since=since)
            except BaseException:
                for f in formats:
                    if f not in existed:
                        with contextlib.suppress(OSError):
                            (out / names[f]).unlink(missing_ok=True)
                raise
    except OSError as exc:
        raise OutputError(os_error_message(exc)) from exc


def run(args: argparse.Namespace) -> int:
    if args.json not in (None, "", "-"):
        raise InputError(f"--json takes no path (got {args.json!r}): use --out DIR, or '-' "
                         "for stdout")
    if args.height_m is not None and not 0.5 <= args.height_m <= 2.6:
        raise InputError(f"--height-m must be a height in metres (0.5-2.6), got {args.height_m}")
    # Everything a user can get wrong is checked before the analysis (and before importing
    # it): the input first (a damaged video is found in milliseconds), then the output folder.
    check_media(args.input)
    from posture_check.analysis.pipeline import analyze
    from posture_check.analysis.results import AnalysisOptions
    from posture_check.report import dumps, output_names

    formats, to_stdout = _formats(args)
    if args.camera_roll_deg is not None and not abs(args.camera_roll_deg) <= 45:
        raise InputError(f"--camera-roll-deg must be within +-45, got {args.camera_roll_deg}")
    out = args.out or Path.cwd() / f"{args.input.stem}_report"
    if formats:  # the folder itself is created only after the analysis succeeded
        kind = "image" if is_image_path(args.input) else "video"
        names = output_names(args.input.stem, kind)
        check_output_dir(out, [names[f] for f in formats])
    store = _history_open(args)  # a damaged / newer database is refused before the analysis
    try:
        from posture_check.history.store import DEFAULT_PROFILE

        profile = (args.profile or DEFAULT_PROFILE) if store is not None else None
        options = AnalysisOptions(model_path=args.model, stretch=args.stretch,
                                  pain_side=args.pain_side, height_m=args.height_m,
                                  roll_deg=args.camera_roll_deg,
                                  flip_average=not args.no_flip_average,
                                  sampling=sampling_from(args),
                                  baseline=store.baseline_summary(profile) if store else None)
        with progress_bar(f"analyse {args.input.name}") as progress:
            result = analyze(args.input, options, progress)
        since, saved = _history_save(store, profile, result, args)
    finally:
        if store is not None:
            store.close()
    paths = {}
    if formats:
        paths = _write(result, out, formats, since)
    if to_stdout:
        sys.stdout.write(dumps(result))
        sys.stdout.flush()
    info = sys.stderr if to_stdout else sys.stdout
    n_flag = sum(f.severity == "flag" for f in result.findings)
    n_watch = sum(f.severity == "watch" for f in result.findings)
    print(f"{args.input.name}: {result.n_frames} frame(s), person in {result.n_detected}, "
          f"{n_flag} flag(s), {n_watch} to watch"
          + (f", stretch: {result.stretch.verdict}" if result.stretch is not None else "")
          + (", PARTIAL (damaged recording)" if result.partial else "")
          + f" ({result.timings_s['total_s']:.1f} s)", file=info)
    for w in result.warnings:
        print(f"  warning: {w.message}", file=info)
    for fmt, p in paths.items():
        print(f"  {fmt}: {p}", file=info)
    if saved is not None:
        print(f"  saved as session #{saved} of profile '{profile}' in {args.db or 'the history'}"
              + (" (your baseline)" if since is not None and since.is_baseline else ""),
              file=info)
    if since is not None and not since.is_baseline:
        for c in since.changes:
            if c.detectable:
                print(f"  since your baseline: {c.measure} {c.change:+.1f} ({c.verdict})",
                      file=info)
    return 0
