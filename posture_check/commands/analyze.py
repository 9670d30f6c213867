"""Analyse a recorded video or a photo and export the posture report (PDF, HTML, JSON, CSV,
annotated video)."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from ..analysis import AnalysisOptions, analyze
from ..errors import InputError, OutputError
from ..output_paths import check_output_dir, os_error_message, remove_created_dirs_on_failure
from ..report import FORMATS, dumps, output_names, write_reports
from ..video_io import is_image_path
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


def _write(result, out: Path, formats: list[str]) -> dict[str, Path]:
    """Write every format (each atomically); on failure remove what this run wrote, and the
    folders this run created, so no partial report is left behind. An OS error becomes an
    :class:`OutputError`; clean-up errors are suppressed so they never hide it."""
    names = output_names(Path(result.input.file_name).stem, result.input.kind)
    existed = {f for f in formats if (out / names[f]).exists()}
    try:
        with remove_created_dirs_on_failure(out):
            try:
                with progress_bar("writing report", unit="frame") as progress:
                    return write_reports(result, out, formats, progress=progress)
            except BaseException:
                for f in formats:
                    if f not in existed:
                        with contextlib.suppress(OSError):
                            (out / names[f]).unlink(missing_ok=True)
                raise
    except OSError as exc:
        raise OutputError(os_error_message(exc)) from exc


def run(args: argparse.Namespace) -> int:
    formats, to_stdout = _formats(args)
    if args.height_m is not None and not 0.5 <= args.height_m <= 2.6:
        raise InputError(f"--height-m must be a height in metres (0.5-2.6), got {args.height_m}")
    options = AnalysisOptions(model_path=args.model, stretch=args.stretch,
                              pain_side=args.pain_side, height_m=args.height_m)
    out = args.out or Path.cwd() / f"{args.input.stem}_report"
    if formats:  # checked before analysing; the folder is created only after it succeeded
        kind = "image" if is_image_path(args.input) else "video"
        names = output_names(args.input.stem, kind)
        check_output_dir(out, [names[f] for f in formats])
    with progress_bar(f"analyse {args.input.name}") as progress:
        result = analyze(args.input, options, progress)
    paths = {}
    if formats:
        paths = _write(result, out, formats)
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
    names = output_names(args.input.stem, result.input.kind)
    for fmt, p in paths.items():
        assert p.name == names[fmt]
        print(f"  {fmt}: {p}", file=info)
    return 0
