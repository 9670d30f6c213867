"""Build (once) or check the pose model bundle and print where it is."""

from __future__ import annotations

import argparse
from pathlib import Path

from posture_check.pose.model import check_bundle, ensure_model


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", type=Path, default=None,
                        help="check this .task instead of building the default one")


def run(args: argparse.Namespace) -> int:
    path = ensure_model(args.model)
    check_bundle(path)
    print(path)
    return 0
