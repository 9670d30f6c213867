"""Analyse a recorded video or a photo and export the posture report (PDF, HTML, JSON, CSV,
annotated video)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..analysis import AnalysisOptions, analyze
from ..errors import InputError
from ..history.store import DEFAULT_PROFILE
from ..report import FORMATS, dumps, output_names, write_reports
from .history import db_argument
from .progress import progress_bar

_FLAGS = ("pdf", "html", "csv", "video")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..stretch import CATALOGUE

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
    parser.add_argument("--stretch", choices=sorted(CATALOGUE), default=None,
                        help="check the form of this stretch")
    parser.add_argument("--pain-side", choices=("left", "right"), default=None,
                        help="the side where you feel the pain (findings relate the lean to it)")
    parser.add_argument("--height-m", type=float, default=None,
                        help="your height in metres (scales the cm measures)")
    parser.add_argument("--model", type=Path, default=None,
                        help="pose landmarker .task (default: the bundled full model)")
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
    to_stdout = args.json == "-"
    if args.json not in (None, "", "-"):
        raise InputError(f"--json takes no path (got {args.json!r}): use --out DIR, or '-' "
                         "for stdout")
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
    from ..history import HistoryStore, default_db_path
    from ..history.store import check_profile_name

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
    from ..history import since_baseline

    sid = None
    if args.save:
        sid = store.save_result(result, profile, note=args.note, pain_score=args.pain_score,
                                keep_landmarks=args.keep_landmarks)
    return since_baseline(store, profile, result, sid), sid


def _write(result, out: Path, formats: list[str], since=None) -> dict[str, Path]:
    """Write every format (each atomically); on failure remove what this run wrote, and the
    folder if this run created it, so no partial report is left behind."""
    created = not out.exists()
    names = output_names(Path(result.input.file_name).stem, result.input.kind)
    existed = {f for f in formats if (out / names[f]).exists()}
    try:
        with progress_bar("writing report", unit="frame") as progress:
            return write_reports(result, out, formats, progress=progress, since=since)
    except BaseException:
        for f in formats:
            if f not in existed:
                (out / names[f]).unlink(missing_ok=True)
        if created and out.is_dir() and not any(out.iterdir()):
            out.rmdir()
        raise


def run(args: argparse.Namespace) -> int:
    formats, to_stdout = _formats(args)
    if args.height_m is not None and not 0.5 <= args.height_m <= 2.6:
        raise InputError(f"--height-m must be a height in metres (0.5-2.6), got {args.height_m}")
    store = _history_open(args)  # a damaged / newer database is refused before the analysis
    try:
        profile = (args.profile or DEFAULT_PROFILE) if store is not None else None
        options = AnalysisOptions(model_path=args.model, stretch=args.stretch,
                                  pain_side=args.pain_side, height_m=args.height_m,
                                  baseline=store.baseline_summary(profile) if store else None)
        with progress_bar(f"analyse {args.input.name}") as progress:
            result = analyze(args.input, options, progress)
        since, saved = _history_save(store, profile, result, args)
    finally:
        if store is not None:
            store.close()
    # the output folder is created only now, after the analysis succeeded
    paths = {}
    if formats:
        out = args.out or Path.cwd() / f"{args.input.stem}_report"
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
          + f" ({result.timings_s['total_s']:.1f} s)", file=info)
    for w in result.warnings:
        print(f"  warning: {w.message}", file=info)
    names = output_names(args.input.stem, result.input.kind)
    for fmt, p in paths.items():
        assert p.name == names[fmt]
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
