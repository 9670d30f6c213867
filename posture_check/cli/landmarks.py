"""Extract body landmarks from an image or a video into a .npz PoseSeries."""

from __future__ import annotations

import argparse
from pathlib import Path

from posture_check.analysis.extraction import extract_file
from posture_check.cli.output_paths import (
    check_output_file,
    os_error_message,
    remove_created_dirs_on_failure,
)
from posture_check.cli.progress import progress_bar
from posture_check.errors import NoPersonError, OutputError
from posture_check.pose.estimator import EstimatorOptions


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path, help="image or video file")
    parser.add_argument("-o", "--output", type=Path, required=True, help="output .npz path")
    parser.add_argument("--model", type=Path, default=None,
                        help="pose landmarker .task (default: the bundled full model)")


def run(args: argparse.Namespace) -> int:
    check_output_file(args.output)  # before any decoding or model loading
    with progress_bar(f"landmarks {args.input.name}") as progress:
        series = extract_file(args.input, EstimatorOptions(model_path=args.model), progress)
    found = int(series.detected.sum())
    if found == 0:
        raise NoPersonError(f"{args.input}: no person detected in {len(series)} frame(s); "
                            "nothing written")
    try:
        with remove_created_dirs_on_failure(args.output.parent):
            out = series.save(args.output)
    except OSError as exc:
        raise OutputError(os_error_message(exc)) from exc
    print(f"{out}: {len(series)} frame(s), person found in {found} "
          f"({100.0 * found / len(series):.0f}%), {series.frame_size[0]}x{series.frame_size[1]}")
    if damage := series.meta.get("damaged"):
        print(f"  warning: {damage['message']}")
    return 0
