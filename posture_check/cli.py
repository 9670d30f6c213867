"""``posture-check`` command line: a thin layer over the library.

Each subcommand lives in a module exposing ``add_arguments(parser)`` and ``run(args) -> int``;
:data:`COMMANDS` maps command names to those modules, so adding a command is adding a line.
Errors a user can fix (:class:`PostureCheckError`) print one line and exit with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from .errors import PostureCheckError

# command -> module; "bench <name>" entries become subcommands of "bench".
COMMANDS: dict[str, str] = {
    "analyze": "posture_check.commands.analyze",
    "history": "posture_check.commands.history",
    "landmarks": "posture_check.commands.landmarks",
    "model": "posture_check.commands.model",
    "synth": "posture_check.synth.cli",
    "bench accuracy": "posture_check.bench.accuracy",
    "bench live": "posture_check.bench.live",
    "bench measures": "posture_check.bench.measures_speed",
    "bench history": "posture_check.bench.history",
    "bench model": "posture_check.bench.model_speed",
    "bench pipeline": "posture_check.bench.pipeline",
    "bench render": "posture_check.bench.render",
    "bench repeatability": "posture_check.bench.repeatability",
    "bench stretch": "posture_check.bench.stretch",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="posture-check",
        description="Check posture and stretch form from a camera, a video or a photo. "
        "It informs and never diagnoses.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    bench_sub = None
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        summary = " ".join((module.__doc__ or "").strip().split("\n\n")[0].split())
        if name.startswith("bench "):
            if bench_sub is None:
                bench = sub.add_parser("bench", help="benchmarks that print their figures")
                bench_sub = bench.add_subparsers(dest="bench", required=True, metavar="BENCHMARK")
            p = bench_sub.add_parser(name.split(" ", 1)[1], help=summary, description=summary)
        else:
            p = sub.add_parser(name, help=summary, description=summary)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args._run(args) or 0)
    except PostureCheckError as exc:
        print(f"posture-check: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("posture-check: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
