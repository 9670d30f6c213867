"""Command-line options shared by ``analyze`` and ``batch`` (one definition of each flag)."""

from __future__ import annotations

import argparse
from typing import Literal

__all__ = ["add_sampling_arguments", "sampling_from"]


def add_sampling_arguments(parser: argparse.ArgumentParser) -> None:
    """``--full-rate`` (and ``--adaptive``, the default, kept for existing scripts)."""
    rate = parser.add_mutually_exclusive_group()
    rate.add_argument("--full-rate", action="store_true",
                      help="run the pose model on every frame (slower; the default, adaptive "
                      "sampling, measures standing still and holds at 5 frames/s and motion at "
                      "the full rate, within a stated tolerance: see "
                      "posture_check.analysis.sampling)")
    rate.add_argument("--adaptive", action="store_true",
                      help="adaptive frame sampling (the default; kept for existing scripts)")


def sampling_from(args: argparse.Namespace) -> Literal["full", "adaptive"]:
    """``AnalysisOptions.sampling`` for the parsed flags."""
    return "full" if args.full_rate else "adaptive"
